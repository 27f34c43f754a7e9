/**
 * One session reducer, every consumer: the pipeline's replay, the projection rows (and `status
 * --json` of the binary), the TUI (seeded from the projection or folding everything), the
 * progress printer and the MCP views give the same answer for the same log.
 */
import { EventReader } from "../../src/events/reader.ts";
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { createProgress } from "../../src/dashboard/progress.ts";
import { emptySession, fromProjection, reduceAll, statusCounts } from "../../src/dashboard/state.ts";
import { rowToEvent, type NewEvent, type StoredEvent } from "../../src/events/envelope.ts";
import { sessionParams, SNAPSHOT_EVERY } from "../../src/events/projections.ts";
import { findSession, queryEvents, sessionAcs, sessionPhases } from "../../src/events/read.ts";
import { leafCounts, replay, rootCounts, type SessionState } from "../../src/events/session-state.ts";
import { SqliteBackend } from "../../src/events/sqlite-backend.ts";
import { EventStore } from "../../src/events/store.ts";
import { acTree } from "../../src/mcp/markdown.ts";
import { sessionDetail, sessionSummary } from "../../src/mcp/views.ts";
import { runCli, tempHome } from "../lib/cli.ts";
import { SCENARIOS, scenarioEvents, type Scenario } from "../lib/session-scenarios.ts";

const open = (path: string) => {
  const r = EventStore.open(path);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
};
const append = (store: EventStore, events: NewEvent[]) => {
  const r = store.appendBatch(events);
  if (!r.ok) throw new Error(r.error.message);
  expect(r.value.skipped).toEqual([]);
};
const sid = (kind: Scenario) => `orch_agree_${kind}`;

/** What each scenario must come to, whoever reads it. */
const EXPECTED: Record<Scenario, { status: string; total: number; passed: number; failed: number }> = {
  decomposed: { status: "completed", total: 2, passed: 2, failed: 0 },
  resumed: { status: "completed", total: 2, passed: 2, failed: 0 },
  cancelled: { status: "cancelled", total: 2, passed: 1, failed: 0 },
  unverifiable: { status: "unverifiable", total: 2, passed: 1, failed: 0 },
};

/**
 * All four sessions in one database. The resumed one is written by three writers with their own
 * projector caches: the first run, a second process resuming it, and the first writer again
 * (whose cached state is stale and must catch up).
 */
function buildDatabase(): string {
  const path = join(tempHome(), "ouroboros.db");
  const first = open(path);
  for (const kind of SCENARIOS) append(first, scenarioEvents(kind, sid(kind)).first);
  const rest = scenarioEvents("resumed", sid("resumed")).second;
  const second = open(path);
  for (const e of rest.slice(0, -1)) append(second, [e]);
  second.close();
  append(first, rest.slice(-1));
  first.close();
  return path;
}
const path = buildDatabase();
const store = open(path);
const eventsOf = (kind: Scenario): StoredEvent[] =>
  queryEvents(store.reader, { session: sid(kind) }).map((r) => rowToEvent(r));
const pipelineState = (kind: Scenario) => replay(sid(kind), eventsOf(kind));

describe.each(SCENARIOS)("every consumer agrees: %s", (kind) => {
  const want = EXPECTED[kind];
  const s = pipelineState(kind);

  test("pipeline replay", () => {
    expect({ status: s.status, ...rootCounts(s) }).toEqual(want);
    if (kind === "cancelled") expect(s.cancelRequested).toBe("user pressed c");
    if (kind === "decomposed") expect(s.acs.get("ac_r1")!.children).toEqual(["ac_c1", "ac_c2"]);
  });

  test("projection rows are the reducer's replay, row for row", () => {
    const row = findSession(store.reader, sid(kind))!;
    expect(row).toMatchObject({
      status: want.status,
      acs_total: want.total,
      acs_passed: want.passed,
      acs_failed: want.failed,
    });
    const cols = Object.keys(row);
    const [session_id, execution_id, seed_id, goal, runtime, status, current_phase, started_at, updated_at] =
      sessionParams(s);
    expect({ session_id, execution_id, seed_id, goal, runtime, status, current_phase, started_at, updated_at }).toEqual(
      Object.fromEntries(cols.slice(0, 9).map((c) => [c, row[c as keyof typeof row]])) as never,
    );
    expect([row.event_count, row.last_seq, row.tokens]).toEqual([s.events, s.lastSeq, s.tokens]);
    expect(row.cost_usd).toBeCloseTo(s.costUsd, 10);
    const acs = sessionAcs(store.reader, sid(kind));
    expect(acs.map((a) => [a.ac_id, a.status, a.phase, a.tier, a.attempts, a.tokens])).toEqual(
      acs.map((a) => {
        const c = s.acs.get(a.ac_id)!;
        return [c.ac_id, c.status, c.phase, c.tier, c.attempts, c.tokens];
      }),
    );
    expect(acs.length).toBe(s.acs.size);
    expect(sessionPhases(store.reader, sid(kind)).map((p) => [p.phase, p.status])).toEqual(
      [...s.phases].map(([name, p]) => [name, p.status]),
    );
  });

  test("TUI: seeded from the projection, or folding every event", () => {
    const events = eventsOf(kind);
    const full = reduceAll(emptySession(sid(kind)), events);
    const row = findSession(store.reader, sid(kind))!;
    const seeded = reduceAll(
      fromProjection(row, sessionAcs(store.reader, row.session_id), sessionPhases(store.reader, row.session_id)),
      events.slice(-6),
    );
    // A late pause (the store accepts it after the end) changes no ended session, however seeded.
    const late = { ...events.at(-1)!, rowid: s.lastSeq + 1, id: "late", type: "orchestrator.session.paused" };
    for (const v of [reduceAll(full, [late]), reduceAll(seeded, [late])]) expect(v.status).toBe(want.status);
    for (const v of [full, seeded]) {
      expect({ status: v.status, ...rootCounts(v.core) }).toEqual(want);
      expect(statusCounts(v)).toEqual(leafCounts(s));
      expect(v.costUsd).toBeCloseTo(s.costUsd, 10);
      expect([v.tokens, v.events, v.lastSeq]).toEqual([s.tokens, s.events, s.lastSeq]);
      expect(v.phases).toEqual(Object.fromEntries([...s.phases].map(([n, p]) => [n, p.status])));
      expect(Object.fromEntries(v.order.map((id) => [id, v.acs[id]!.status]))).toEqual(
        Object.fromEntries([...s.acs].map(([id, a]) => [id, a.status])),
      );
    }
  });

  test("progress printer", () => {
    let text = "";
    const p = createProgress({ mode: "plain", stream: { write: (x: string) => (text += x) }, now: () => 0 });
    for (const e of eventsOf(kind)) p.onEvent(e);
    p.stop();
    const done = [...text.matchAll(/\((\d+)\/(\d+) done\)/g)].at(-1)!;
    const leaves = leafCounts(s);
    const settled = Object.entries(leaves)
      .filter(([st]) => st !== "pending" && st !== "executing")
      .reduce((n, [, c]) => n + c, 0);
    expect([Number(done[1]), Number(done[2])]).toEqual([settled, Object.values(leaves).reduce((a, b) => a + b, 0)]);
  });

  test("MCP session view and markdown", async () => {
    const row = findSession(store.reader, sid(kind))!;
    const backend = SqliteBackend.of(store);
    expect(sessionSummary(row)).toMatchObject({
      status: want.status,
      done: true,
      progress: { acs_total: want.total, acs_passed: want.passed, acs_failed: want.failed },
    });
    expect((await sessionDetail(backend, row)).acs.map((a) => [a.ac_id, a.status])).toEqual(
      [...s.acs.values()].sort((a, b) => a.depth - b.depth || a.position - b.position).map((a) => [a.ac_id, a.status]),
    );
    expect(await acTree(backend, row)).toContain(`${want.passed}/${want.total} ACs passed`);
  });
});

test("status --json of the binary counts the same", async () => {
  const r = await runCli(["status", "--json", "--db", path]);
  expect(r.code).toBe(0);
  const rows = JSON.parse(r.stdout).sessions as Record<string, any>[];
  for (const kind of SCENARIOS) {
    const row = rows.find((x) => x.session_id === sid(kind))!;
    const s = pipelineState(kind);
    expect({ status: row.status, ...row.acs, events: row.events }).toEqual({
      status: s.status,
      ...rootCounts(s),
      events: s.events,
    });
  }
});

describe("the projector's reducer state", () => {
  const progress = (id: string, i: number): NewEvent => ({
    type: "orchestrator.progress.updated",
    aggregate_type: "session",
    aggregate_id: id,
    data: { session_id: id, i },
  });
  const rowsOf = (db: EventStore, id: string) => ({
    session: findSession(db.reader, id),
    acs: sessionAcs(db.reader, id),
    phases: sessionPhases(db.reader, id),
  });

  test("a fresh writer restores a long session from its snapshot, not from the whole log", () => {
    const p = join(tempHome(), "e.db");
    const a = open(p);
    const id = "orch_snapshot_01";
    const { first } = scenarioEvents("decomposed", id);
    append(a, first.slice(0, -1));
    for (let i = 0; i < SNAPSHOT_EVERY * 3 + 7; i++) append(a, [progress(id, i)]);
    a.close();
    const snap = EventReader.sqlite(open(p).reader)
      .query("SELECT seq FROM session_snapshots WHERE session_id = ?")
      .get(id) as { seq: number };
    const last = findSession(open(p).reader, id)!.last_seq!;
    // At most SNAPSHOT_EVERY events lie past the snapshot a fresh writer starts from.
    expect(last - snap.seq).toBeLessThan(SNAPSHOT_EVERY);
    const b = open(p);
    append(b, first.slice(-1));
    const full: SessionState = replay(
      id,
      queryEvents(b.reader, { session: id }).map((r) => rowToEvent(r)),
    );
    expect(findSession(b.reader, id)).toMatchObject({ status: "completed", acs_passed: 2, event_count: full.events });
    // The terminal event writes a snapshot: the next writer needs no catch-up at all.
    expect(
      (
        EventReader.sqlite(b.reader).query("SELECT seq FROM session_snapshots WHERE session_id = ?").get(id) as {
          seq: number;
        }
      ).seq,
    ).toBe(full.lastSeq);
    b.close();
  });

  test("a refused batch leaves no trace in the cached state", () => {
    const p = join(tempHome(), "e.db");
    const a = open(p);
    const id = "orch_refused_01";
    const { first } = scenarioEvents("unverifiable", id);
    append(a, first.slice(0, 4));
    const before = rowsOf(a, id);
    const r = a.appendRows(
      first
        .slice(4)
        .map((e) => a.prepareEvent(e))
        .map((x) => (x.ok ? x.value : null)!),
      () => ({ kind: "conflict", message: "refused by the guard" }) as never,
    );
    expect(r.ok).toBe(false);
    expect(rowsOf(a, id)).toEqual(before);
    append(a, first.slice(4));
    const other = open(p);
    expect(rowsOf(a, id)).toEqual(rowsOf(other, id));
    expect(findSession(a.reader, id)).toMatchObject({ status: "unverifiable", acs_passed: 1 });
    a.close();
    other.close();
  });
});
