/** Task → `hermes chat [--resume id] [--yolo --accept-hooks] -Q --source tool [--model M] -q "<prompt>"`. */
import { fail, ok, type Result } from "../../src/errors.ts";
import type { Task } from "../../src/adapter-kit/contract.ts";
import type { Invocation } from "../../src/adapter-kit/adapter.ts";
import { composeSections, MAX_ARG_PROMPT } from "../../src/adapter-kit/prompt.ts";

export function buildInvocation(task: Task, binary: string): Result<Invocation> {
  const prompt = composeSections(task.prompt, task.system_prompt, task.tools);
  if (prompt.length > MAX_ARG_PROMPT)
    return fail(
      "badArgs",
      `prompt of ${prompt.length} characters is too long for hermes' -q argument (max ${MAX_ARG_PROMPT})`,
    );
  const argv = [binary, "chat"];
  if (task.resume) argv.push("--resume", task.resume.session_id);
  if (task.permission_mode === "bypassPermissions") argv.push("--yolo", "--accept-hooks");
  argv.push("-Q", "--source", "tool");
  if (task.model) argv.push("--model", task.model);
  argv.push("-q", prompt);
  return ok({ argv, env: {}, stdin: null });
}
