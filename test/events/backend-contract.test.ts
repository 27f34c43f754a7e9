/** The same contract run on both EventBackend implementations (SQLite file, real PostgreSQL server). */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import type { EventBackend } from "../../src/events/backend.ts";
import type { EventType } from "../../src/events/catalogue.ts";
import { PgEventStore } from "../../src/events/pg/store.ts";
import { SqliteBackend } from "../../src/events/sqlite-backend.ts";
import { tempHome } from "../lib/cli.ts";
import { freshDatabase } from "../lib/postgres.ts";

const ev = <T extends EventType>(sid: string, type: T, extra: Record<string, unknown> = {}, id?: string) => ({
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
});

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
});
