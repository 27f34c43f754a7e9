import { Database } from "bun:sqlite";
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { EventStore, prepareEvent } from "../../src/events/store.ts";
import { listSessions, queryEvents, sessionAcs } from "../../src/events/read.ts";
import { BUN, ROOT, tempHome } from "../lib/cli.ts";
import { started, terminal } from "../lib/session-events.ts";

const open = (path = join(tempHome(), "e.db")) => {
  const r = EventStore.open(path);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
};

describe("event store", () => {
  test("append, read back in order, projections follow", () => {
    const s = open();
    expect(s.append(started("orch_a")).ok).toBe(true);
    const tree = s.append({
      type: "ac.tree.built",
      aggregate_type: "execution",
      aggregate_id: "exec_1",
      data: {
        session_id: "orch_a",
        nodes: [
          { ac_id: "ac_1", parent: null, depth: 0, position: 0, description: "one" },
          { ac_id: "ac_2", parent: null, depth: 0, position: 1, description: "two" },
        ],
      },
    });
    expect(tree.ok).toBe(true);
    s.append({
      type: "execution.ac.status_changed",
      aggregate_type: "execution",
      aggregate_id: "exec_1",
      data: { session_id: "orch_a", ac_id: "ac_1", status: "passed", attempt: 1 },
    });
    s.append({
      type: "execution.ac.token_attribution.reported",
      aggregate_type: "execution",
      aggregate_id: "exec_1",
      data: { session_id: "orch_a", ac_id: "ac_1", tokens: 100, cost_usd: 0.25 },
    });
    s.append(terminal("orch_a"));
    const rows = queryEvents(s.reader, { session: "orch_a" });
    expect(rows.map((r) => r.event_type)).toEqual([
      "orchestrator.session.started",
      "ac.tree.built",
      "execution.ac.status_changed",
      "execution.ac.token_attribution.reported",
      "orchestrator.session.completed",
    ]);
    expect(rows.map((r) => r.seq)).toEqual([...rows.map((r) => r.seq)].sort((a, b) => a - b));
    const [sess] = listSessions(s.reader);
    expect(sess).toMatchObject({
      session_id: "orch_a",
      status: "completed",
      event_count: 5,
      acs_total: 2,
      acs_passed: 1,
      cost_usd: 0.25,
      tokens: 100,
    });
    expect(sessionAcs(s.reader, "orch_a").map((a) => [a.ac_id, a.status])).toEqual([
      ["ac_1", "passed"],
      ["ac_2", "pending"],
    ]);
    s.close();
  });

  test("one start and at most one terminal event per session", () => {
    const s = open();
    s.append(started("orch_b"));
    const again = s.append(started("orch_b"));
    expect(again.ok && again.value.skipped[0]?.reason).toBe("already_started");
    expect(s.append(terminal("orch_b", "orchestrator.session.failed")).ok).toBe(true);
    const second = s.append(terminal("orch_b"));
    expect(second.ok && second.value.skipped[0]?.reason).toBe("terminal_exists");
    expect(listSessions(s.reader)[0]!.status).toBe("failed");
    expect(queryEvents(s.reader, { session: "orch_b", typeGlob: "orchestrator.session.*" }).length).toBe(2);
    s.close();
  });

  test("a bad event in a batch records nothing from that batch", () => {
    const s = open();
    const r = s.appendBatch([
      started("orch_c"),
      // @ts-expect-error: a failure without `error`; the compiler refuses it, and so must the store.
      {
        type: "orchestrator.session.failed",
        aggregate_type: "session",
        aggregate_id: "orch_c",
        data: { session_id: "orch_c" },
      },
    ]);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toContain("event #2");
    expect(queryEvents(s.reader, {}).length).toBe(0);
    s.close();
  });

  test("a type missing from the catalogue is refused at append, kept on import", () => {
    const s = open();
    const rewound = {
      type: "orchestrator.session.rewound",
      aggregate_type: "session",
      aggregate_id: "orch_u",
      data: {},
    };
    // @ts-expect-error: not a catalogued type; the compiler refuses it, and so must the store.
    const r = s.append(rewound);
    expect(!r.ok && r.error.message).toBe("event type 'orchestrator.session.rewound' is not in the catalogue");
    expect(queryEvents(s.reader, {}).length).toBe(0);
    // A log exported by a newer version may hold types this one does not know.
    expect(prepareEvent(rewound, "accept").ok).toBe(true);
    s.close();
  });

  test("forbidden raw keys are stripped at any depth", () => {
    const s = open();
    const dump = { raw_stream: "x", nested: { event_payload: 1, ok: 2 } };
    s.append({
      type: "orchestrator.progress.updated",
      aggregate_type: "session",
      aggregate_id: "orch_d",
      data: { session_id: "orch_d", ...dump },
    });
    expect(JSON.parse(queryEvents(s.reader, {})[0]!.payload)).toEqual({ session_id: "orch_d", nested: { ok: 2 } });
    s.close();
  });

  test("4 processes × 10,000 single-event transactions at once → exactly 40,000, no busy error", async () => {
    const path = join(tempHome(), "concurrent.db");
    open(path).close();
    const procs = [0, 1, 2, 3].map((i) =>
      Bun.spawn([BUN, join(ROOT, "test/lib/append-worker.ts"), path, `orch_w${i}`, "10000"], {
        stdout: "pipe",
        stderr: "pipe",
      }),
    );
    const results = await Promise.all(
      procs.map(async (p) => ({
        out: await new Response(p.stdout).text(),
        err: await new Response(p.stderr).text(),
        code: await p.exited,
      })),
    );
    for (const r of results) {
      expect(r.err).toBe("");
      expect(r.code).toBe(0);
      expect(JSON.parse(r.out)).toEqual({ stored: 10000, errors: 0 });
    }
    const db = new Database(path, { readonly: true });
    expect((db.query("SELECT count(*) AS n FROM events").get() as { n: number }).n).toBe(40000);
    expect((db.query("SELECT count(DISTINCT seq) AS n FROM events").get() as { n: number }).n).toBe(40000);
    expect((db.query("SELECT sum(event_count) AS n FROM sessions").get() as { n: number }).n).toBe(40000);
    expect((db.query("PRAGMA integrity_check").get() as { integrity_check: string }).integrity_check).toBe("ok");
    db.close();
  }, 120_000);
});
