/** The dashboard's store reader: snapshot from projections, then incremental reads, on SQLite and PostgreSQL. */
import { describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { DashboardSource } from "../../src/dashboard/source.ts";
import { emptySession, reduceAll } from "../../src/dashboard/state.ts";
import type { EventBackend } from "../../src/events/backend.ts";
import { rowToEvent } from "../../src/events/envelope.ts";
import { openBackend } from "../../src/events/open-backend.ts";
import { tempHome } from "../lib/cli.ts";
import { freshDatabase } from "../lib/postgres.ts";
import { type FixtureOptions, sessionEvents } from "../lib/session-fixture.ts";

async function writer(db: string): Promise<EventBackend> {
  const r = await openBackend(db);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

/** Record one fixture session through a writer of its own (another connection than the source's). */
async function record(db: string, opts: FixtureOptions) {
  const f = sessionEvents(opts);
  const w = await writer(db);
  const r = await w.appendBatch(f.events);
  await w.close();
  if (!r.ok) throw new Error(r.error.message);
  return f;
}

const backends: [string, () => Promise<string>][] = [
  ["SQLite", async () => join(tempHome("ouro-src-"), "ouroboros.db")],
  ["PostgreSQL", freshDatabase],
];

for (const [name, fresh] of backends) {
  describe(`DashboardSource on ${name}`, () => {
    test("an empty store shows no sessions (a SQLite file is not created) and picks them up later", async () => {
      const db = await fresh();
      const src = new DashboardSource(db);
      if (name === "SQLite") expect(await src.changed()).toBe(false);
      expect(await src.sessions()).toEqual([]);
      if (name === "SQLite") expect(existsSync(db)).toBe(false);
      await record(db, { sessionId: "orch_111111111111" });
      expect(await src.changed()).toBe(true);
      expect((await src.sessions()).map((s) => s.session_id)).toEqual(["orch_111111111111"]);
      await src.close();
    }, 120_000);

    test("snapshot equals a full replay of the session; later appends arrive past the cursor", async () => {
      const db = await fresh();
      const f = await record(db, { sessionId: "orch_222222222222", acs: 6, finished: false });
      await record(db, { sessionId: "orch_333333333333", acs: 4 });
      const src = new DashboardSource(db);
      const v = (await src.load("orch_2222"))!;
      const w = await writer(db);
      const all = (await w.queryEvents({ session: f.sessionId })).map(rowToEvent);
      const full = reduceAll(emptySession(f.sessionId), all);
      expect(v.order).toEqual(full.order);
      for (const id of full.order) {
        const [a, b] = [v.acs[id]!, full.acs[id]!];
        expect([a.status, a.phase, a.tier, a.attempts, a.tokens, a.verdict, a.evaluations, a.tool]).toEqual([
          b.status,
          b.phase,
          b.tier,
          b.attempts,
          b.tokens,
          b.verdict,
          b.evaluations,
          b.tool,
        ]);
      }
      expect([v.tokens, v.events, v.lastSeq, v.status]).toEqual([full.tokens, full.events, full.lastSeq, "running"]);
      expect(v.tail.map((t) => t.seq)).toEqual(full.tail.map((t) => t.seq));

      // Another connection commits: the last seq moves and only the new row is read.
      expect(await src.changed()).toBe(true);
      expect(await src.changed()).toBe(false);
      const woke = Promise.withResolvers<void>();
      expect(src.watch(() => woke.resolve())).toBe(true);
      await Bun.sleep(50); // the watch is armed (PostgreSQL: LISTEN issued)
      const r = await w.append({
        type: "execution.tool.started",
        aggregate_type: "execution",
        aggregate_id: f.executionId,
        data: { session_id: f.sessionId, ac_id: f.acIds[5]!, tool_name: "Grep" },
      });
      if (!r.ok) throw new Error(r.error.message);
      await w.close();
      // The watch wakes the dashboard without waiting for its slow poll.
      await Promise.race([woke.promise, Bun.sleep(2000).then(() => Promise.reject(new Error("no wake-up")))]);
      expect(await src.changed()).toBe(true);
      const fresh2 = await src.eventsAfter(f.sessionId, v.lastSeq);
      expect(fresh2.map((e) => e.type)).toEqual(["execution.tool.started"]);
      expect(await src.resolve("orch_")).toBeNull(); // ambiguous prefix
      await src.close();
    }, 120_000);
  });
}
