/**
 * The pipeline's Agent on top of the runtime layer: one runtime task per pipeline turn, the
 * adapter's typed messages mapped to pipeline events. Seed execution always uses
 * bypassPermissions; liveness comes from the runtime's own watchdogs.
 */
import type { Config } from "../config/schema.ts";
import { fail, ok, type Result } from "../errors.ts";
import { resolveBinary, searchedPlaces } from "../runtime/binary.ts";
import { findDescriptor } from "../runtime/descriptors.ts";
import { runTask } from "../runtime/run.ts";
import type { Agent, AgentEvent, AgentTask } from "./agent.ts";

/** Claude reports a failed shell command as "Exit code N" at the start of its tool result. */
const exitCodeIn = (output: string): number | null => {
  const m = /^Exit code (\d+)/.exec(output);
  return m ? Number(m[1]) : null;
};

export interface RuntimeAgentOptions {
  /**
   * A native session the caller already has (`run workflow --resume-id`, the MCP `resume_id`):
   * the first turn continues it. Needed by runtimes like Kiro whose older builds never print
   * their session id; refused for runtimes that cannot resume at all.
   */
  resumeId?: string;
}

const SESSION_ID = /^[A-Za-z0-9_-]{1,200}$/;

export function createRuntimeAgent(
  name: string,
  env: NodeJS.ProcessEnv,
  config: Config,
  opts: RuntimeAgentOptions = {},
): Result<Agent> {
  const found = findDescriptor(name, env);
  if (!found.ok) return found;
  const d = found.value;
  // Resume only where the runtime says it can: by its own printed id or by one the caller knows.
  const canResume = d.capabilities.targeted_resume || d.capabilities.partial_resume;
  let pendingResume = opts.resumeId ?? null;
  if (pendingResume !== null) {
    if (!canResume)
      return fail("badArgs", `${name} cannot resume a native session, so --resume-id does not apply`, {
        hint: "`ouroboros runtimes` shows which runtimes resume",
      });
    if (!SESSION_ID.test(pendingResume))
      return fail("badArgs", `--resume-id '${pendingResume}' is not a session id (letters, digits, '_' and '-')`);
  }
  const bin = resolveBinary(d, env, config);
  if (!bin)
    return fail("runtimeUnavailable", `${d.displayName} CLI '${d.binary}' not found (checked ${searchedPlaces(d)})`, {
      hint: d.installHint,
    });
  return ok({
    name,
    canResume,
    async *run(task: AgentTask, signal: AbortSignal): AsyncIterable<AgentEvent> {
      let sessionId = typeof task.resume?.session_id === "string" ? task.resume.session_id : null;
      if (sessionId === null && pendingResume !== null) [sessionId, pendingResume] = [pendingResume, null];
      const stream = runTask(
        name,
        {
          prompt: task.prompt,
          cwd: task.cwd,
          permission_mode: "bypassPermissions",
          model: task.model ?? null,
          tools: task.tools,
          read_only: task.readOnly ?? false,
          resume: canResume && sessionId ? { session_id: sessionId } : null,
          timeouts: {
            ...(task.timeoutMs ? { total_ms: task.timeoutMs } : {}),
            ...(task.idleMs ? { idle_ms: task.idleMs } : {}),
          },
        },
        { env, config, binary: bin.path, signal },
      );
      const tools = new Map<string, string>();
      for await (const m of stream) {
        switch (m.type) {
          case "text":
            yield { kind: "text", text: m.text };
            break;
          case "tool_call":
            if (m.id) tools.set(m.id, m.name);
            yield { kind: "tool", name: m.name, detail: m.detail, ...(m.id ? { id: m.id } : {}) };
            break;
          case "tool_result":
            yield {
              kind: "tool_result",
              name: (m.id && tools.get(m.id)) || undefined,
              isError: m.is_error,
              ...(m.id ? { id: m.id } : {}),
              exitCode: m.exit_code ?? exitCodeIn(m.output),
            };
            break;
          case "session":
            yield { kind: "handle", handle: { runtime: name, session_id: m.session_id, cwd: m.handle.cwd } };
            break;
          case "result":
            if (m.usage) yield { kind: "usage", tokens: m.usage.total_tokens, costUsd: m.usage.cost_usd ?? 0 };
            yield m.ok
              ? { kind: "final", ok: true, text: m.text }
              : {
                  kind: "final",
                  ok: false,
                  text: m.text,
                  error: `${m.error?.message ?? "runtime failed"}${m.error?.hint ? ` (${m.error.hint})` : ""}`,
                  errorType: m.error?.code ?? "cli_error",
                };
            break;
        }
      }
    },
  });
}
