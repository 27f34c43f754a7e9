/** Task → `claude -p --output-format stream-json …`; prompt on stdin. */
import { ok, type Result } from "../../src/errors.ts";
import type { Task } from "../../src/adapter-kit/contract.ts";
import type { Invocation } from "../../src/adapter-kit/adapter.ts";
import { DEFAULT_TOOLS } from "../../src/adapter-kit/prompt.ts";
import { descriptor } from "./descriptor.ts";

/** A child must not call back into the orchestrator. */
const NO_RECURSION = "mcp__ouroboros mcp__plugin_ouroboros_ouroboros";

export function buildInvocation(task: Task, binary: string): Result<Invocation> {
  const argv = [binary, "-p", "--output-format", "stream-json", "--verbose", "--permission-mode", task.permission_mode];
  if (task.tools === null) argv.push("--allowedTools", DEFAULT_TOOLS.join(","));
  else if (task.tools.length === 0) argv.push("--tools", "");
  else argv.push("--tools", task.tools.join(","), "--allowedTools", task.tools.join(","));
  argv.push("--disallowedTools", NO_RECURSION);
  if (task.model) argv.push("--model", task.model);
  if (task.system_prompt) argv.push("--append-system-prompt", task.system_prompt);
  const efforts = descriptor.capabilities.enforceable_reasoning_efforts ?? [];
  if (task.reasoning_effort && efforts.includes(task.reasoning_effort)) argv.push("--effort", task.reasoning_effort);
  if (task.resume) argv.push("--resume", task.resume.session_id);
  // bypassPermissions as root is refused unless the CLI is told it runs sandboxed.
  const env: Record<string, string> = task.permission_mode === "bypassPermissions" ? { IS_SANDBOX: "1" } : {};
  return ok({ argv, env, stdin: task.prompt });
}
