/**
 * The pipeline's Agent on top of the runtime layer: one runtime task per pipeline turn, the
 * adapter's typed messages mapped to pipeline events. Seed execution always uses
 * bypassPermissions (spec runtimes.md §1.6); liveness comes from the runtime's own watchdogs.
 */
import type { Config } from "../config/schema.ts";
import { fail, ok, type Result } from "../errors.ts";
import type { RuntimeName } from "../runtime/contract.ts";
import { resolveBinary } from "../runtime/binary.ts";
import { descriptorOf } from "../runtime/registry.ts";
import { runTask } from "../runtime/run.ts";
import type { Agent, AgentEvent, AgentTask } from "./agent.ts";

/** Claude reports a failed shell command as "Exit code N" at the start of its tool result. */
const exitCodeIn = (output: string): number | null => {
  const m = /^Exit code (\d+)/.exec(output);
  return m ? Number(m[1]) : null;
};

export function createRuntimeAgent(name: RuntimeName, env: NodeJS.ProcessEnv, config: Config): Result<Agent> {
  const d = descriptorOf(name);
  const bin = resolveBinary(name, env, config);
  if (!bin) return fail("runtimeUnavailable", `${d.displayName} CLI '${d.binary}' not found (checked ${d.pathEnv}, orchestrator.${d.pathConfigKey}, PATH)`, { hint: d.installHint });
  const canResume = d.capabilities.targeted_resume;
  // Extra variable names a custom provider needs (e.g. a codex env_key), comma separated.
  const passEnv = (env.OUROBOROS_PASS_ENV ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  return ok({
    name,
    canResume,
    async *run(task: AgentTask, signal: AbortSignal): AsyncIterable<AgentEvent> {
      const sessionId = typeof task.resume?.session_id === "string" ? task.resume.session_id : null;
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
          timeouts: { ...(task.timeoutMs ? { total_ms: task.timeoutMs } : {}), ...(task.idleMs ? { idle_ms: task.idleMs } : {}) },
        },
        { env, config, binary: bin.path, signal, passEnv },
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
            yield { kind: "tool_result", name: (m.id && tools.get(m.id)) || undefined, isError: m.is_error, ...(m.id ? { id: m.id } : {}), exitCode: m.exit_code ?? exitCodeIn(m.output) };
            break;
          case "session":
            yield { kind: "handle", handle: { runtime: name, session_id: m.session_id, cwd: m.handle.cwd } };
            break;
          case "result":
            if (m.usage) yield { kind: "usage", tokens: m.usage.total_tokens, costUsd: m.usage.cost_usd ?? 0 };
            yield m.ok
              ? { kind: "final", ok: true, text: m.text }
              : { kind: "final", ok: false, text: m.text, error: `${m.error?.message ?? "runtime failed"}${m.error?.hint ? ` (${m.error.hint})` : ""}`, errorType: m.error?.code ?? "cli_error" };
            break;
        }
      }
    },
  });
}
