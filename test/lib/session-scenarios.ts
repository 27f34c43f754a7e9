/**
 * Short session logs for the "every consumer agrees" tests (test/events/reducer.test.ts and the
 * PostgreSQL store suite): a root split into two passing children, a run interrupted and resumed,
 * a cancellation, and an unverifiable ending. Events only; the tests choose how they are written.
 */
import type { EventPayload, EventType } from "../../src/events/catalogue.ts";
import { type NewEvent, newEvent } from "../../src/events/envelope.ts";

export type Scenario = "decomposed" | "resumed" | "cancelled" | "unverifiable";
export const SCENARIOS: readonly Scenario[] = ["decomposed", "resumed", "cancelled", "unverifiable"];

/** The log, cut where the run was interrupted (`resumed` is the only one with a second part). */
export function scenarioEvents(kind: Scenario, sid: string): { first: NewEvent[]; second: NewEvent[] } {
  let t = Date.UTC(2026, 10, 24, 10, 0, 0);
  const out: NewEvent[] = [];
  const emit = <T extends EventType>(
    type: T,
    data: Omit<EventPayload<T>, "session_id">,
    aggregate: "session" | "execution" = "execution",
  ) => {
    t += 1000;
    out.push(
      newEvent<T>({
        type,
        aggregate_type: aggregate,
        aggregate_id: aggregate === "session" ? sid : `exec_${sid}`,
        timestamp: new Date(t).toISOString(),
        data: { session_id: sid, ...data } as EventPayload<T>,
      }),
    );
  };
  const node = (ac_id: string, position: number, parent: string | null = null) => ({
    ac_id,
    parent,
    depth: parent ? 1 : 0,
    position,
    description: `criterion ${ac_id}`,
  });
  const attempt = (ac: string, n: number, status: string, cost = 0.01) => {
    emit("execution.ac.status_changed", { ac_id: ac, status: "executing", attempt: n });
    emit("execution.ac.attempt.dispatched", { ac_id: ac, attempt: n, runtime: "claude", tier: "frugal" });
    emit("execution.ac.phase.started", { ac_id: ac, phase: "develop", attempt: n });
    emit("execution.ac.token_attribution.reported", { ac_id: ac, tokens: 100 * n, cost_usd: cost, model_calls: 1 });
    if (status !== "executing")
      emit("execution.ac.status_changed", {
        ac_id: ac,
        status,
        attempt: n,
        ...(status === "passed" ? {} : { reason: `${status} on attempt ${n}` }),
      });
  };

  emit(
    "orchestrator.session.started",
    {
      execution_id: `exec_${sid}`,
      seed_id: "seed_agree",
      seed_goal: `goal of ${kind}`,
      runtime: "claude",
      ac_count: 2,
    },
    "session",
  );
  emit("pipeline.phase.started", { phase: "big_bang" }, "session");
  emit("ac.tree.built", { nodes: [node("ac_r1", 0), node("ac_r2", 1)] });
  if (kind === "decomposed") {
    emit("ac.decomposition.decided", { ac_id: "ac_r1", disposition: "SPLIT", reason: "two concerns" });
    emit("ac.decomposed", { ac_id: "ac_r1", nodes: [node("ac_c1", 0, "ac_r1"), node("ac_c2", 1, "ac_r1")] });
  }
  emit("pipeline.phase.completed", { phase: "big_bang", outcome: "completed", duration_ms: 5 }, "session");
  emit("pipeline.phase.started", { phase: "double_diamond" }, "session");
  emit("routing.decision.made", { ac_id: "ac_r2", score: 0.3, tier: "standard" });
  const second: NewEvent[] = [];
  switch (kind) {
    case "decomposed":
      attempt("ac_c1", 1, "passed");
      attempt("ac_c2", 1, "failed");
      attempt("ac_c2", 2, "passed");
      emit("execution.ac.status_changed", { ac_id: "ac_r1", status: "passed", rolled_up: true });
      attempt("ac_r2", 1, "passed");
      emit("pipeline.phase.completed", { phase: "double_diamond", outcome: "completed", duration_ms: 9 }, "session");
      emit("orchestrator.session.completed", { summary: "2/2 ACs passed" }, "session");
      break;
    case "resumed": {
      attempt("ac_r1", 1, "passed");
      attempt("ac_r2", 1, "executing");
      // Killed here; a second process resumes the session.
      const cut = out.length;
      emit("orchestrator.session.resumed", { reason: "--resume" }, "session");
      attempt("ac_r2", 2, "passed", 0.02);
      emit("pipeline.phase.completed", { phase: "double_diamond", outcome: "completed", duration_ms: 9 }, "session");
      emit("orchestrator.session.completed", { summary: "2/2 ACs passed" }, "session");
      second.push(...out.splice(cut));
      break;
    }
    case "cancelled":
      attempt("ac_r1", 1, "passed");
      attempt("ac_r2", 1, "executing");
      emit("orchestrator.session.cancel_requested", { reason: "user pressed c", requested_by: "tui" }, "session");
      emit("orchestrator.session.cancelled", { reason: "user pressed c" }, "session");
      break;
    case "unverifiable":
      attempt("ac_r1", 1, "passed");
      attempt("ac_r2", 1, "unverifiable");
      emit("orchestrator.session.failed", { error: "1 AC unverifiable", ending: "unverifiable" }, "session");
      break;
  }
  return { first: out, second };
}
