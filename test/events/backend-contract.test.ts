/** The same contract run on both EventBackend implementations (SQLite file, real PostgreSQL server). */
import type { NewEvent } from "../../src/events/envelope.ts";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { EventBackend } from "../../src/events/backend.ts";
import type { EventType } from "../../src/events/catalogue.ts";
import { PgEventStore } from "../../src/events/pg/store.ts";
import { SqliteBackend } from "../../src/events/sqlite-backend.ts";
import { parseImport } from "../../src/events/transfer.ts";
import { tempHome } from "../lib/cli.ts";
import { freshDatabase } from "../lib/postgres.ts";

const ev = <T extends EventType>(sid: string, type: T, extra: Record<string, unknown> = {}, id?: string) =>
  ({
    ...(id ? { id } : {}),
    type,
    aggregate_type: "session",
    aggregate_id: sid,
    data: {
      session_id: sid,
      execution_id: "e",
      seed_id: "s",
      seed_goal: "g",
      runtime: "claude",
      summary: "ok",
      reason: "r",
      ...extra,
    },
  }) as NewEvent; // a loose fixture: the store's validation at append is what these tests exercise

const open: Record<string, () => Promise<EventBackend>> = {
  sqlite: async () => {
    const r = SqliteBackend.open(join(tempHome(), "e.db"));
    if (!r.ok) throw new Error(r.error.message);
    return r.value;
  },
  postgres: async () => {
    const r = await PgEventStore.open(await freshDatabase());
    if (!r.ok) throw new Error(r.error.message);
    return r.value;
  },
};
const opened: EventBackend[] = [];
// Starting the server (initdb) takes seconds: do it once, outside any test's timeout.
beforeAll(() => freshDatabase(), 120_000);
afterAll(() => Promise.all(opened.map((b) => b.close())));

describe.each(Object.keys(open))("EventBackend contract: %s", (kind) => {
  const backend = async () => {
    const b = await open[kind]!();
    opened.push(b);
    return b;
  };

  test("start once, end once, ids idempotent, glob and since filters", async () => {
    const b = await backend();
    expect((await b.append(ev("orch_c", "orchestrator.session.started", {}, "ev_start"))).ok).toBe(true);
    const r = await b.appendBatch([
      ev("orch_c", "orchestrator.session.started"),
      ev("orch_c", "orchestrator.progress.updated", {}, "ev_p"),
      ev("orch_c", "orchestrator.progress.updated", {}, "ev_p"),
      ev("orch_c", "orchestrator.session.completed"),
      ev("orch_c", "orchestrator.session.cancelled", { reason: "late" }),
    ]);
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.stored.map((e) => e.type)).toEqual([
      "orchestrator.progress.updated",
      "orchestrator.session.completed",
    ]);
    expect(r.value.skipped.map((s) => s.reason)).toEqual(["already_started", "duplicate_id", "terminal_exists"]);
    expect(
      (await b.queryEvents({ session: "orch_c", typeGlob: "orchestrator.session.*" })).map((e) => e.event_type),
    ).toEqual(["orchestrator.session.started", "orchestrator.session.completed"]);
    const since = await b.resolveSince("ev_start");
    expect(since.ok && (await b.queryEvents({ session: "orch_c", ...since.value })).length).toBe(2);
    const s = await b.findSession("orch_");
    expect([s?.status, s?.event_count]).toEqual(["completed", 3]);
    expect((await b.listSessions()).map((x) => x.session_id)).toEqual(["orch_c"]);
  }, 30_000);

  test("follow delivers later appends in order and stops when told", async () => {
    const b = await backend();
    await b.append(ev("orch_f", "orchestrator.session.started"));
    const got: string[] = [];
    const following = b.follow({ session: "orch_f", afterSeq: await b.tailSeq() }, (r) => {
      got.push(r.id);
      return got.length < 3;
    });
    await Bun.sleep(100);
    for (const id of ["f1", "f2", "f3"]) await b.append(ev("orch_f", "orchestrator.progress.updated", {}, id));
    await following;
    expect(got).toEqual(["f1", "f2", "f3"]);
  }, 30_000);

  test("follow waits for a slow reader before handing over the next row", async () => {
    const b = await backend();
    await b.append(ev("orch_slow", "orchestrator.session.started"));
    const from = await b.tailSeq();
    for (const id of ["s1", "s2", "s3"]) await b.append(ev("orch_slow", "orchestrator.progress.updated", {}, id));
    const stop = new AbortController();
    const got: string[] = [];
    let busy = 0;
    let most = 0;
    await b.follow(
      { session: "orch_slow", afterSeq: from },
      async (r) => {
        most = Math.max(most, ++busy);
        await Bun.sleep(20);
        busy--;
        got.push(r.id);
        if (got.length === 3) stop.abort();
      },
      { signal: stop.signal },
    );
    expect([got, most]).toEqual([["s1", "s2", "s3"], 1]);
  }, 30_000);

  test("hasEventsFor knows session and aggregate ids; sessionSnapshot is the tail plus the kept types", async () => {
    const b = await backend();
    const sid = "orch_snapshot";
    await b.appendBatch([
      ev(sid, "orchestrator.session.started", {}, "snap_0"),
      ...[1, 2, 3, 4].map((i) => ev(sid, "orchestrator.progress.updated", { i }, `snap_${i}`)),
      {
        ...ev(sid, "orchestrator.progress.updated", {}, "snap_5"),
        aggregate_type: "execution",
        aggregate_id: "exec_snap",
      },
    ]);
    await b.append(ev("orch_later", "orchestrator.session.started"));
    expect(await Promise.all([sid, "exec_snap", "orch_none", "orch_snap"].map((id) => b.hasEventsFor(id)))).toEqual([
      true,
      true,
      false,
      false, // a prefix is not an id here
    ]);
    const snap = await b.sessionSnapshot("orch_snap", 2, ["orchestrator.session.started"]);
    expect(snap?.row.session_id).toBe(sid);
    expect(snap?.events.map((e) => e.id)).toEqual(["snap_0", "snap_4", "snap_5"]);
    expect(snap?.row.last_seq).toBe(snap?.events.at(-1)?.seq ?? -1);
    expect(await b.sessionSnapshot("orch_", 2, [])).toBeNull(); // ambiguous prefix
  }, 30_000);

  test("session ACs and phases, streamed export, import all-or-nothing", async () => {
    const b = await backend();
    const sid = "orch_acs";
    const exec = (type: EventType, data: Record<string, unknown>) =>
      ({
        type,
        aggregate_type: "execution",
        aggregate_id: "exec_1",
        data: { session_id: sid, ...data },
      }) as NewEvent;
    await b.appendBatch([
      ev(sid, "orchestrator.session.started"),
      ev(sid, "pipeline.phase.started", { phase: "big_bang" }),
      exec("ac.tree.built", {
        nodes: [
          { ac_id: "ac_1", parent: null, depth: 0, position: 0, description: "one" },
          { ac_id: "ac_1a", parent: "ac_1", depth: 1, position: 0, description: "one, part a" },
          { ac_id: "ac_2", parent: null, depth: 0, position: 1, description: "two" },
        ],
      }),
      exec("execution.ac.status_changed", { ac_id: "ac_2", status: "failed", attempt: 2 }),
      ev(sid, "pipeline.phase.completed", { phase: "big_bang", outcome: "completed" }),
      ev(sid, "pipeline.phase.started", { phase: "pal_router" }),
    ]);
    expect((await b.sessionAcs(sid)).map((a) => [a.ac_id, a.depth, a.status, a.attempts])).toEqual([
      ["ac_1", 0, "pending", 0],
      ["ac_2", 0, "failed", 2],
      ["ac_1a", 1, "pending", 0],
    ]);
    expect((await b.sessionPhases(sid)).map((p) => [p.phase, p.status, p.ended_at === null])).toEqual([
      ["big_bang", "completed", false],
      ["pal_router", "running", true],
    ]);
    const seen: string[] = [];
    const n = await b.forEachEvent({ session: sid, limit: 4 }, async (r) => {
      await Bun.sleep(1);
      seen.push(r.event_type);
    });
    expect([n, seen.length, seen[0]]).toEqual([4, 4, "orchestrator.session.started"]);

    // An import touching an ended session is refused whole; a fresh one lands whole.
    await b.append(ev(sid, "orchestrator.session.completed"));
    const file = join(tempHome(), "in.jsonl");
    const line = (id: string, s: string) =>
      JSON.stringify({
        id,
        type: "orchestrator.progress.updated",
        aggregate_type: "session",
        aggregate_id: s,
        timestamp: "2026-01-01T00:00:00.000Z",
        data: { session_id: s },
      });
    writeFileSync(file, `${line("imp_1", "orch_new")}\n${line("imp_2", sid)}\n`);
    const parsed = parseImport(file);
    if (!parsed.ok) throw new Error(parsed.error.message);
    const refused = await b.importRows(parsed.value);
    expect(!refused.ok && refused.error.message).toContain("which has ended");
    expect(await b.queryEvents({ session: "orch_new" })).toEqual([]);
    writeFileSync(file, `${line("imp_1", "orch_new")}\n`);
    const fine = parseImport(file);
    if (!fine.ok) throw new Error(fine.error.message);
    const r = await b.importRows(fine.value);
    expect(r.ok && r.value).toEqual({ lines: 1, imported: 1, skipped: 0 });
  }, 30_000);
});
