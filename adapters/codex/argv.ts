/**
 * Task → `codex exec --json …`. Exec flags always precede `resume`
 * (0.169 rejects -C/--sandbox after it); acceptEdits is `--sandbox workspace-write` because 0.169
 * rejects `--full-auto`. The prompt goes on stdin (`-`).
 */
import { ok, type Result } from "../../src/errors.ts";
import type { PermissionMode, Task } from "../../src/adapter-kit/contract.ts";
import type { Invocation } from "../../src/adapter-kit/adapter.ts";
import { composeTagged } from "../../src/adapter-kit/prompt.ts";
import { descriptor } from "./descriptor.ts";

export const PERMISSION_FLAGS: Record<PermissionMode, string[]> = {
  default: ["--sandbox", "read-only"],
  acceptEdits: ["--sandbox", "workspace-write"],
  bypassPermissions: ["--dangerously-bypass-approvals-and-sandbox"],
};

export function buildInvocation(task: Task, binary: string): Result<Invocation> {
  const argv = [
    binary,
    "exec",
    "--json",
    "--skip-git-repo-check",
    "-C",
    task.cwd,
    ...(task.read_only ? PERMISSION_FLAGS.default : PERMISSION_FLAGS[task.permission_mode]),
  ];
  const efforts = descriptor.capabilities.enforceable_reasoning_efforts ?? [];
  if (task.reasoning_effort && efforts.includes(task.reasoning_effort))
    argv.push("-c", `model_reasoning_effort=${task.reasoning_effort}`);
  if (task.model) argv.push("--model", task.model);
  if (task.resume) argv.push("resume", task.resume.session_id);
  argv.push("-");
  return ok({ argv, env: {}, stdin: composeTagged(task.prompt, task.system_prompt, task.tools) });
}
