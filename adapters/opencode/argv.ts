/**
 * Task → `opencode run --pure --format json …`; prompt on stdin.
 * bypassPermissions uses the documented `--auto` (1.18 silently accepts unknown flags such as
 * upstream's --dangerously-skip-permissions). Effort maps to `--variant`.
 */
import { ok, type Result } from "../../src/errors.ts";
import type { Task } from "../../src/adapter-kit/contract.ts";
import type { Invocation } from "../../src/adapter-kit/adapter.ts";
import { composeSections } from "../../src/adapter-kit/prompt.ts";

export function buildInvocation(task: Task, binary: string): Result<Invocation> {
  const argv = [binary, "run", "--pure", "--format", "json"];
  // OpenCode's built-in plan agent cannot edit files: the read-only switch for a read-only turn.
  if (task.read_only) argv.push("--agent", "plan");
  else if (task.permission_mode === "bypassPermissions") argv.push("--auto");
  if (task.model) argv.push("--model", task.model);
  if (task.reasoning_effort) argv.push("--variant", task.reasoning_effort);
  if (task.resume) argv.push("--session", task.resume.session_id);
  return ok({ argv, env: {}, stdin: composeSections(task.prompt, task.system_prompt, task.tools) });
}
