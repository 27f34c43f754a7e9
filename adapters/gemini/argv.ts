/**
 * Task → `gemini -p <prompt> -o stream-json …`. No
 * `--non-interactive` (fatal on 0.61). `default` is coerced to auto_edit because a prompt would
 * hang; `--skip-trust` because the workspace is ours. Resume by session uuid.
 */
import { ok, type Result } from "../../src/errors.ts";
import type { PermissionMode, Task } from "../../src/adapter-kit/contract.ts";
import type { Invocation } from "../../src/adapter-kit/adapter.ts";
import { composeSections, MAX_ARG_PROMPT } from "../../src/adapter-kit/prompt.ts";

export const APPROVAL: Record<PermissionMode, string> = {
  default: "auto_edit",
  acceptEdits: "auto_edit",
  bypassPermissions: "yolo",
};

export function buildInvocation(task: Task, binary: string): Result<Invocation> {
  const prompt = composeSections(task.prompt, task.system_prompt, task.tools);
  // A long prompt travels on stdin; gemini appends the -p text (a blank) to it.
  const viaStdin = prompt.length > MAX_ARG_PROMPT;
  const argv = [
    binary,
    "-p",
    viaStdin ? " " : prompt,
    "-o",
    "stream-json",
    "--approval-mode",
    task.read_only ? "plan" : APPROVAL[task.permission_mode],
    "--skip-trust",
  ];
  if (task.model) argv.push("-m", task.model);
  if (task.resume) argv.push("--resume", task.resume.session_id);
  return ok({ argv, env: {}, stdin: viaStdin ? prompt : null });
}
