/**
 * A large event log, fast: one session with `count` events written in batched transactions
 * (100,000 events take about a second). For pipe/backpressure tests and the events benchmark.
 */
import { EventStore } from "../../src/events/store.ts";
import type { NewEvent } from "../../src/events/envelope.ts";

export function writeBulkEvents(dbPath: string, count: number, sessionId = "orch_bulk"): void {
  const opened = EventStore.open(dbPath);
  if (!opened.ok) throw new Error(opened.error.message);
  const store = opened.value;
  const batch: NewEvent[] = [];
  const push = (e: NewEvent) => {
    batch.push(e);
    if (batch.length === 10_000 || batch.length === count) flush();
  };
  const flush = () => {
    const r = store.appendBatch(batch);
    if (!r.ok) throw new Error(r.error.message);
    batch.length = 0;
  };
  push({
    type: "orchestrator.session.started",
    aggregate_type: "session",
    aggregate_id: sessionId,
    data: {
      session_id: sessionId,
      execution_id: `exec_${sessionId.slice(5)}`,
      seed_id: "seed_bulk",
      seed_goal: "a large log",
    },
  });
  for (let i = 1; i < count; i++) {
    push({
      type: "orchestrator.progress.updated",
      aggregate_type: "session",
      aggregate_id: sessionId,
      data: { session_id: sessionId, i, message: `working on acceptance criterion ${i % 7}` },
    });
  }
  if (batch.length) flush();
  store.close();
}
