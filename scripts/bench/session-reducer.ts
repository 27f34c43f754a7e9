/**
 * The projections written from the session reducer (src/events/projections.ts): what an append
 * costs with the reducer state kept, caught up and snapshotted, each against a same-run baseline.
 *   node_modules/.bin/bun scripts/bench/session-reducer.ts
 */
import { Database } from "bun:sqlite";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { NewEvent } from "../../src/events/envelope.ts";
import { EventStore } from "../../src/events/store.ts";
import { sessionEvents } from "../../test/lib/session-fixture.ts";
import { BUN, ROOT, fmt, median, writeSection } from "./lib.ts";

const work = mkdtempSync(join(tmpdir(), "ouro-bench-reducer-"));
const rows: string[] = [];
const open = (path: string) => {
  const r = EventStore.open(path);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
};
const progress = (sid: string, i: number): NewEvent => ({
  type: "orchestrator.progress.updated",
  aggregate_type: "session",
  aggregate_id: sid,
  data: { session_id: sid, i },
});

// 1. Realistic sessions (tree, routing, AC status, phases, token reports), one event per transaction,
//    vs raw inserts of the same rows into the same events table.
const mix = Array.from(
  { length: 20 },
  (_, i) => sessionEvents({ sessionId: `orch_${String(i).padStart(12, "0")}`, acs: 8 }).events,
).flat();
function ours(k: number): number {
  const s = open(join(work, `mix-${k}.db`));
  const t = performance.now();
  for (const e of mix) s.append(e);
  const dt = performance.now() - t;
  s.close();
  return (mix.length / dt) * 1000;
}
function raw(k: number): number {
  const schema = open(join(work, `raw-${k}.db`));
  schema.close();
  const db = new Database(join(work, `raw-${k}.db`));
  db.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL");
  const ins = db.prepare(
    "INSERT INTO events (id, aggregate_type, aggregate_id, event_type, payload, timestamp, event_version, consensus_id, session_id) VALUES (?,?,?,?,?,?,?,?,?)",
  );
  const t = performance.now();
  for (const e of mix)
    db.transaction(() =>
      ins.run(
        crypto.randomUUID(),
        e.aggregate_type,
        e.aggregate_id,
        e.type,
        JSON.stringify(e.data),
        e.timestamp!,
        1,
        null,
        String((e.data as { session_id?: string }).session_id),
      ),
    ).immediate();
  const dt = performance.now() - t;
  db.close();
  return (mix.length / dt) * 1000;
}
{
  const r = median([1, 2, 3].map(raw));
  const o = median([1, 2, 3].map(ours));
  rows.push(
    `| append, one event per transaction, ${mix.length} events of 20 recorded sessions vs raw bun:sqlite inserts | ${fmt(o, 0)}/s vs ${fmt(r, 0)}/s | ${fmt((o / r) * 100, 0)} % | ≥ 80 % |`,
  );
}

// 2. A one-off writer (open, append one event, close) to a session with a 100,000-event log vs to a new session.
{
  const path = join(work, "huge.db");
  const s = open(path);
  for (let i = 0; i < 100_000; i += 1000)
    s.appendBatch(Array.from({ length: 1000 }, (_, j) => progress("orch_huge", i + j)));
  s.close();
  const oneOff = (sid: (k: number) => string) =>
    median(
      Array.from({ length: 9 }, (_, k) => {
        const t = performance.now();
        const w = open(path);
        w.append(progress(sid(k), k));
        w.close();
        return performance.now() - t;
      }),
    );
  const big = oneOff(() => "orch_huge");
  const fresh = oneOff((k) => `orch_new_${k}`);
  rows.push(
    `| one-off writer (open, append 1, close) to a 100,000-event session vs to a new session | ${fmt(big, 1)} ms vs ${fmt(fresh, 1)} ms | ${fmt(big / fresh, 2)}× | ≤ 1.5× |`,
  );
}

// 3. Eight writer processes on one session (each catches up on the others' events) vs one process.
{
  const worker = join(ROOT, "test/lib/append-worker.ts");
  const run = (procs: number, each: number) => {
    const path = join(work, `w${procs}.db`);
    open(path).close();
    const t = performance.now();
    const ps = Array.from({ length: procs }, () =>
      Bun.spawn([BUN, worker, path, "orch_shared", String(each), "1"], { stdout: "ignore" }),
    );
    return Promise.all(ps.map((p) => p.exited)).then(() => ((procs * each) / (performance.now() - t)) * 1000);
  };
  const one = await run(1, 4000);
  const eight = await run(8, 500);
  rows.push(
    `| 8 writer processes × 500 single-event transactions on one session vs 1 process × 4000 | ${fmt(eight, 0)}/s vs ${fmt(one, 0)}/s | ${fmt((eight / one) * 100, 0)} % | — |`,
  );
}

rmSync(work, { recursive: true, force: true });
const body = `Command: \`node_modules/.bin/bun scripts/bench/session-reducer.ts\`, ${new Date().toISOString().slice(0, 10)}.

| what | measured | ratio | target |
|---|---|---|---|
${rows.join("\n")}
`;
writeSection("Session reducer projections", body);
console.log(body);
