/**
 * The named lookups (lookups.ts) asked of both backends after the same appends: every answer is
 * the same on SQLite and PostgreSQL, and each is checked against what the log holds, so two
 * backends that both answered wrongly (or emptily) would not pass.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import type { EventBackend } from "../../src/events/backend.ts";
import { PgEventStore } from "../../src/events/pg/store.ts";
import { SqliteBackend } from "../../src/events/sqlite-backend.ts";
import { tempHome } from "../lib/cli.ts";
import { evolvedSession, otherAggregates } from "../lib/evolved-session.ts";
import { freshDatabase } from "../lib/postgres.ts";
import { sessionEvents } from "../lib/session-fixture.ts";

const DONE = "orch_lookup_done";
const LIVE = "orch_lookup_live";
const REPO = "/srv/repo";
const evolved = evolvedSession(DONE);
const live = sessionEvents({ sessionId: LIVE, finished: false, start: new Date("2026-11-25T10:00:00Z") });
// Fixed ids, so the rows read back are the same on both.
const log = [...evolved.events, ...live.events, ...otherAggregates(DONE, REPO)].map((e, i) => ({
  ...e,
  id: `ev_${i}`,
}));
const EVAL = `eval_${DONE.slice(-6)}`;

let sqlite: EventBackend;
let pg: EventBackend;
beforeAll(async () => {
  const s = SqliteBackend.open(join(tempHome(), "e.db"));
  const p = await PgEventStore.open(await freshDatabase());
  if (!s.ok || !p.ok) throw new Error("open failed");
  [sqlite, pg] = [s.value, p.value];
  for (const b of [sqlite, pg]) {
    const r = await b.appendBatch(log);
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.stored).toHaveLength(log.length);
  }
}, 120_000);
afterAll(() => Promise.all([sqlite?.close(), pg?.close()]));

/** Ask both; they must agree, and the answer is returned for the content checks. */
async function both<T>(ask: (b: EventBackend) => Promise<T>): Promise<T> {
  const [a, b] = [await ask(sqlite), await ask(pg)];
  expect(b).toEqual(a);
  return a;
}

describe("EventBackend lookups agree on SQLite and PostgreSQL", () => {
  test("aggregates: events, rows after a cursor, existence", async () => {
    const scans = await both((b) => b.aggregateTypeEvents("brownfield"));
    expect(scans.map((e) => e.type)).toEqual(["brownfield.scanned", "brownfield.default.set"]);
    const evals = await both((b) => b.aggregateEvents("evaluation", EVAL));
    expect(evals.map((e) => [e.type, e.data.error])).toEqual([["evaluation.pipeline.failed", "judge unreachable"]]);
    const rows = await both((b) => b.aggregateRowsAfter("brownfield", REPO, 0, 1));
    expect(rows.map((r) => r.event_type)).toEqual(["brownfield.scanned"]);
    expect(await both((b) => b.aggregateRowsAfter("brownfield", REPO, rows[0]!.seq, 10))).toHaveLength(1);
    expect(await both((b) => b.hasAggregateEvent("evaluation", EVAL, "evaluation.pipeline.failed"))).toBe(true);
    expect(await both((b) => b.hasAggregateEvent("evaluation", EVAL, "evaluation.pipeline.completed"))).toBe(false);
    expect(await both((b) => b.hasEventsFor(REPO))).toBe(true);
    expect(await both((b) => b.hasEventsFor(LIVE))).toBe(true);
    expect(await both((b) => b.hasEventsFor("orch_nobody"))).toBe(false);
  });

  test("a session's start, ending, failures, payloads and lineage", async () => {
    const start = await both((b) => b.sessionStart(DONE));
    expect(start).toMatchObject({ execution_id: evolved.executionId });
    expect(await both((b) => b.sessionStart("orch_nobody"))).toBeNull();
    expect(await both((b) => b.latestSessionForSeed(String(start?.seed_id)))).toBe(LIVE);
    expect(await both((b) => b.latestSessionForSeed("seed_none"))).toBeNull();
    expect((await both((b) => b.sessionEnding(DONE)))?.type).toBe("orchestrator.session.completed");
    expect(await both((b) => b.sessionEnding(LIVE))).toBeNull();
    const failures = await both((b) => b.sessionFailures(DONE));
    expect(failures.map((f) => f.type)).toEqual(
      expect.arrayContaining([
        "execution.ac.status_changed",
        "execution.ac.stall_detected",
        "evaluation.pipeline.failed",
      ]),
    );
    expect(failures.every((f) => f.type !== "execution.ac.status_changed" || f.data.status === "failed")).toBe(true);
    expect(await both((b) => b.sessionFailures(DONE, 2))).toEqual(failures.slice(-2));
    const judged = await both((b) => b.sessionPayloads(DONE, "execution.ac.attempt_judged"));
    expect(judged.map((j) => j.outcome)).toEqual(["approved", "rejected", "passed"]);
    const lineage = await both((b) => b.lineageEvents(DONE));
    expect(lineage.map((e) => e.type)).toEqual([
      "lineage.generation.started",
      "execution.ac.refined",
      "lineage.generation.completed",
      "lineage.converged",
    ]);
  });

  test("pages of events, sessions by execution id, the running session", async () => {
    const all = await both((b) => b.eventPage({ limit: 5, offset: 0 }));
    expect(all.total).toBe(log.length);
    expect(all.rows.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
    const latest = await both((b) => b.eventPage({ limit: 3, offset: 0, latest: true }));
    expect(latest.rows.map((r) => r.seq)).toEqual([log.length - 2, log.length - 1, log.length]);
    const glob = await both((b) => b.eventPage({ session: DONE, type: "lineage.*", limit: 10, offset: 1 }));
    expect([glob.total, glob.rows.length]).toEqual([3, 2]);
    const exact = await both((b) => b.eventPage({ session: DONE, type: "lineage.converged", limit: 10, offset: 0 }));
    expect(exact.total).toBe(1);
    expect((await both((b) => b.sessionByExecutionId(live.executionId)))?.session_id).toBe(LIVE);
    expect(await both((b) => b.sessionByExecutionId("exec_none"))).toBeNull();
    expect((await both((b) => b.latestRunningSession()))?.session_id).toBe(LIVE);
  });
});
