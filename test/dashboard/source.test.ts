/** The dashboard's database reader: snapshot from projections, then incremental reads. */
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { DashboardSource } from "../../src/dashboard/source.ts";
import { emptySession, reduceAll } from "../../src/dashboard/state.ts";
import { openReadonly } from "../../src/events/db.ts";
import { rowToEvent } from "../../src/events/envelope.ts";
import { queryEvents } from "../../src/events/read.ts";
import { EventStore } from "../../src/events/store.ts";
import { tempHome } from "../lib/cli.ts";
import { recordSession } from "../lib/session-fixture.ts";

describe("DashboardSource", () => {
  test("a missing database is not created and is picked up once it exists", () => {
    const db = join(tempHome("ouro-src-"), "ouroboros.db");
    const src = new DashboardSource(db);
    expect(src.changed()).toBe(false);
    expect(src.sessions()).toEqual([]);
    expect(Bun.file(db).size).toBe(0);
    recordSession(db, { sessionId: "orch_111111111111" });
    expect(src.changed()).toBe(true);
    expect(src.sessions().map((s) => s.session_id)).toEqual(["orch_111111111111"]);
    src.close();
  });

  test("snapshot equals a full replay of the session; later appends arrive past the cursor", () => {
    const db = join(tempHome("ouro-src-"), "ouroboros.db");
    const f = recordSession(db, { sessionId: "orch_222222222222", acs: 6, finished: false });
    recordSession(db, { sessionId: "orch_333333333333", acs: 4 });
    const src = new DashboardSource(db);
    const v = src.load("orch_2222")!;
    const ro = openReadonly(db);
    if (!ro.ok || !ro.value) throw new Error("no db");
    const all = queryEvents(ro.value, { session: f.sessionId }).map(rowToEvent);
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

    // Another connection commits: data_version moves and only the new row is read.
    expect(src.changed()).toBe(true);
    expect(src.changed()).toBe(false);
    const w = EventStore.open(db);
    if (!w.ok) throw new Error(w.error.message);
    w.value.append({
      type: "execution.tool.started",
      aggregate_type: "execution",
      aggregate_id: f.executionId,
      data: { session_id: f.sessionId, ac_id: f.acIds[5]!, tool_name: "Grep" },
    });
    w.value.close();
    expect(src.changed()).toBe(true);
    const fresh = src.eventsAfter(f.sessionId, v.lastSeq);
    expect(fresh.map((e) => e.type)).toEqual(["execution.tool.started"]);
    expect(src.resolve("orch_")).toBeNull(); // ambiguous prefix
    src.close();
    ro.value.close();
  });
});
