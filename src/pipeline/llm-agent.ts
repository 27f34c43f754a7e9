/**
 * An LLM backend seen as a pipeline Agent, for tool-less turns (evaluation stages 2–3, judged
 * exit conditions): `run workflow --llm-backend anthropic` judges over HTTP while a coding CLI
 * does the work.
 */
import type { Agent, AgentEvent, AgentTask } from "./agent.ts";
import type { Llm } from "../llm/types.ts";

export function llmAgent(llm: Llm): Agent {
  return {
    name: `llm:${llm.name}`,
    canResume: false,
    async *run(task: AgentTask, signal: AbortSignal): AsyncIterable<AgentEvent> {
      if (signal.aborted)
        return yield { kind: "final", ok: false, text: "", error: "cancelled", errorType: "cancelled" };
      const r = await llm.complete([{ role: "user", content: task.prompt }], {
        temperature: 0.2,
        model: task.model ?? null,
        ...(task.timeoutMs ? { timeout_ms: task.timeoutMs } : {}),
      });
      if (!r.ok) return yield { kind: "final", ok: false, text: "", error: r.error.message, errorType: r.error.kind };
      yield { kind: "usage", tokens: r.value.usage.total_tokens, costUsd: 0 };
      yield { kind: "text", text: r.value.content };
      yield { kind: "final", ok: true, text: r.value.content };
    },
  };
}
