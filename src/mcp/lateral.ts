/**
 * `ouroboros_lateral_think`: the resilience personas (src/pipeline/resilience.ts) applied to a
 * blockage the caller describes. Each persona's directive frames one model call that proposes an
 * alternative to the current approach; the request and every alternative are recorded as events
 * (aggregate "lateral", tied to a session when one is given).
 */
import { randomBytes } from "node:crypto";
import { fail, ok, type Result } from "../errors.ts";
import { type EventType, type PayloadWithout, withFilled } from "../events/catalogue.ts";
import { choosePersona, lateralDirective, PERSONAS, type Pattern, type Persona } from "../pipeline/resilience.ts";
import type { McpContext } from "./context.ts";
import { authoringDeps } from "./interview.ts";

export interface LateralArgs {
  problem_context: string;
  current_approach?: string;
  persona?: Persona;
  personas?: Persona[];
  stagnation_pattern?: Pattern;
  session_id?: string;
}

export const LATERAL_TAG = "[ouroboros:lateral]";

/** The personas to consult: named ones, else the one the pattern calls for (spinning when unknown). */
export function pickPersonas(a: Pick<LateralArgs, "persona" | "personas" | "stagnation_pattern">): Persona[] {
  const named = [...(a.persona ? [a.persona] : []), ...(a.personas ?? [])];
  if (named.length) return [...new Set(named)];
  return [choosePersona(a.stagnation_pattern ?? "spinning", []) ?? PERSONAS[0]!];
}

export async function lateralThink(ctx: McpContext, a: LateralArgs): Promise<Result<Record<string, unknown>>> {
  const d = await authoringDeps(ctx);
  if (!d.ok) return d;
  const { llm, backend } = d.value;
  let sessionId: string | null = null;
  if (a.session_id) {
    const { lookupSession } = await import("./views.ts");
    const s = await lookupSession(backend, a.session_id);
    if (!s.ok) return s;
    sessionId = s.value.session_id;
  }
  const lateralId = `lateral_${randomBytes(6).toString("hex")}`;
  const pattern = a.stagnation_pattern ?? "spinning";
  const personas = pickPersonas(a);
  const record = <T extends Extract<EventType, `lateral.${string}`>>(
    type: T,
    data: PayloadWithout<T, "lateral_id" | "session_id">,
  ) =>
    backend.append({
      type,
      aggregate_type: "lateral",
      aggregate_id: lateralId,
      data: withFilled<T, "lateral_id" | "session_id">(
        { lateral_id: lateralId, ...(sessionId ? { session_id: sessionId } : {}) },
        data,
      ),
    });
  const started = await record("lateral.think.started", {
    personas,
    pattern,
    problem_context: a.problem_context.slice(0, 2000),
    current_approach: (a.current_approach ?? "").slice(0, 2000),
  });
  if (!started.ok) return started;
  const alternatives: { persona: Persona; directive: string; alternative: string }[] = [];
  const failures: string[] = [];
  for (const persona of personas) {
    const directive = lateralDirective(persona, pattern);
    const r = await llm.complete(
      [
        {
          role: "system",
          content: [
            LATERAL_TAG,
            `You think as the ${persona} persona. ${directive}`,
            "Propose ONE concrete alternative approach in at most 8 sentences: what to do differently and the first step. A thinking prompt, not code.",
          ].join("\n"),
        },
        {
          role: "user",
          content: [
            `Problem: ${a.problem_context}`,
            `Current approach: ${a.current_approach ?? "(not described)"}`,
          ].join("\n"),
        },
      ],
      { temperature: 0.8, max_tokens: 1024 },
    );
    if (!r.ok || !r.value.content.trim()) {
      failures.push(`${persona}: ${r.ok ? "empty answer" : r.error.message}`);
      continue;
    }
    alternatives.push({ persona, directive, alternative: r.value.content.trim() });
  }
  const done = await record(alternatives.length ? "lateral.think.completed" : "lateral.think.failed", {
    alternatives,
    failures,
  });
  if (!done.ok) return done;
  if (!alternatives.length) return fail("failure", `no persona produced an alternative: ${failures.join("; ")}`);
  return ok({
    lateral_id: lateralId,
    session_id: sessionId,
    pattern,
    personas,
    alternatives,
    ...(failures.length ? { failures } : {}),
  });
}
