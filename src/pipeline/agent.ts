/**
 * What the pipeline needs from an agent runtime, and nothing more: run one task, stream what
 * happens, end with one final result. `runtime-agent.ts` adapts the adapters under adapters/
 * to this; tests and benchmarks may pass any other implementation.
 */
export interface AgentTask {
  prompt: string;
  cwd: string;
  /** null = the runtime's default tool set; [] = no tools (a pure model answer). */
  tools: string[] | null;
  /** A turn that must not write: the runtime's read-only switch where it has one. */
  readOnly?: boolean;
  model?: string | null;
  /** Continue this native session (when the runtime can resume). */
  resume?: Record<string, unknown> | null;
  timeoutMs?: number;
  idleMs?: number;
}

export type AgentEvent =
  | { kind: "text"; text: string }
  | { kind: "tool"; name: string; detail?: string; id?: string }
  | { kind: "tool_result"; name?: string; isError?: boolean; id?: string; exitCode?: number | null }
  | { kind: "usage"; tokens: number; costUsd: number }
  | { kind: "handle"; handle: Record<string, unknown> }
  | { kind: "final"; ok: boolean; text: string; error?: string; errorType?: string };

export interface Agent {
  readonly name: string;
  /** True when `resume` continues the same native session. */
  readonly canResume: boolean;
  run(task: AgentTask, signal: AbortSignal): AsyncIterable<AgentEvent>;
}

export interface AgentOutcome {
  ok: boolean;
  text: string;
  error?: string;
  errorType?: string;
  handle: Record<string, unknown> | null;
  tokens: number;
  costUsd: number;
  tools: string[];
}

/** Drain a task, forwarding each event; always returns an outcome (errors are values). */
export async function runAgent(
  agent: Agent,
  task: AgentTask,
  signal: AbortSignal,
  onEvent?: (e: AgentEvent) => void,
): Promise<AgentOutcome> {
  const out: AgentOutcome = { ok: false, text: "", handle: null, tokens: 0, costUsd: 0, tools: [] };
  let sawFinal = false;
  try {
    for await (const e of agent.run(task, signal)) {
      onEvent?.(e);
      if (e.kind === "usage") {
        out.tokens += e.tokens;
        out.costUsd += e.costUsd;
      } else if (e.kind === "handle") out.handle = e.handle;
      else if (e.kind === "tool") out.tools.push(e.name);
      else if (e.kind === "final") {
        sawFinal = true;
        out.ok = e.ok;
        out.text = e.text;
        out.error = e.error;
        out.errorType = e.errorType;
      }
    }
  } catch (err) {
    return { ...out, ok: false, error: err instanceof Error ? err.message : String(err), errorType: "agent_exception" };
  }
  if (!sawFinal) return { ...out, ok: false, error: "the runtime ended without a final result", errorType: "no_final" };
  return out;
}

/**
 * Every prompt the pipeline sends starts with a marker line naming its purpose, so transcripts
 * are self-describing and a scripted model server can answer each kind deterministically.
 */
export const MARK = {
  decompose: "[ouroboros:decompose]",
  discover: "[ouroboros:discover]",
  define: "[ouroboros:define]",
  develop: "[ouroboros:develop]",
  deliver: "[ouroboros:deliver]",
  judge: "[ouroboros:judge]",
  vote: "[ouroboros:vote]",
  exitJudge: "[ouroboros:exit-judge]",
  reflect: "[ouroboros:reflect]",
} as const;

/** The judge's role model (`evaluation.semantic_model`) on every task that does not name its own. */
export function agentWithModel(agent: Agent, model: string | null): Agent {
  if (!model) return agent;
  return {
    name: agent.name,
    canResume: agent.canResume,
    run: (task, signal) => agent.run({ ...task, model: task.model ?? model }, signal),
  };
}
