/**
 * A finished session whose secondary loop evolved a failing criterion before the end (judged
 * attempts, a stall, one lineage generation that converged; an import refuses events after a
 * session's end, so they come before it), plus the non-session aggregates the MCP tools read (a brownfield
 * scan, an evaluation job). For the tests that ask both backends the same questions.
 */
import type { EventPayload, EventType } from "../../src/events/catalogue.ts";
import { type NewEvent, newEvent } from "../../src/events/envelope.ts";
import { sessionEvents } from "./session-fixture.ts";

export function evolvedSession(sessionId: string, start = new Date("2026-11-24T10:00:00Z")) {
  const f = sessionEvents({ sessionId, start });
  const events: NewEvent[] = f.events.slice(0, -1);
  const ending = f.events.at(-1)!;
  const add = <T extends EventType>(type: T, data: EventPayload<T>, aggregate_type: string, aggregate_id: string) =>
    events.push(newEvent<T>({ type, aggregate_type, aggregate_id, data }));
  const [a1, a2] = [f.acIds[0]!, f.acIds[1]!];
  const sid = { session_id: sessionId };
  add(
    "execution.ac.attempt_judged",
    { ...sid, ac_id: a1, outcome: "approved", attempt: 1 },
    "execution",
    f.executionId,
  );
  add(
    "execution.ac.attempt_judged",
    { ...sid, ac_id: a2, outcome: "rejected", attempt: 1 },
    "execution",
    f.executionId,
  );
  add("execution.ac.attempt_judged", { ...sid, ac_id: a2, outcome: "passed", attempt: 2 }, "execution", f.executionId);
  add(
    "execution.ac.stall_detected",
    { ...sid, ac_id: a2, silent_seconds: 300, action: "retry" },
    "execution",
    f.executionId,
  );
  add("lineage.generation.started", { ...sid, generation: 1, failing: [a2] }, "session", sessionId);
  add(
    "execution.ac.refined",
    { ...sid, ac_id: a2, generation: 1, description: "clearer wording" },
    "session",
    sessionId,
  );
  add(
    "lineage.generation.completed",
    { ...sid, generation: 1, results: { [a2]: "passed" }, similarity: 0.4 },
    "session",
    sessionId,
  );
  add("lineage.converged", { ...sid, generation: 1 }, "session", sessionId);
  events.push(ending);
  // One second apart, as the fixture's own events are.
  return {
    ...f,
    events: events.map((e, i) => ({ ...e, timestamp: new Date(start.getTime() + (i + 1) * 1000).toISOString() })),
  };
}

/** A brownfield registry entry and an evaluation job that failed: aggregates outside any session. */
export function otherAggregates(sessionId: string, repo: string, at = "2026-11-26T10:00:00.000Z"): NewEvent[] {
  const evalId = `eval_${sessionId.slice(-6)}`;
  const events: NewEvent[] = [
    newEvent({
      type: "brownfield.scanned",
      aggregate_type: "brownfield",
      aggregate_id: repo,
      data: { path: repo, languages: ["typescript"], context: "a repo" },
    }),
    newEvent({
      type: "brownfield.default.set",
      aggregate_type: "brownfield",
      aggregate_id: repo,
      data: { path: repo },
    }),
    newEvent({
      type: "evaluation.pipeline.failed",
      aggregate_type: "evaluation",
      aggregate_id: evalId,
      data: { session_id: sessionId, evaluation_id: evalId, error: "judge unreachable" },
    }),
  ];
  return events.map((e) => ({ ...e, timestamp: at }));
}
