/**
 * Foundation benchmarks (issue: compiled binary, event store, dry-run).
 *   node_modules/.bin/bun scripts/bench/foundation.ts        (needs dist/ouroboros: npm run build)
 * Each figure is compared with a baseline measured in the same run.
 */
import { Database } from "bun:sqlite";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EventStore, openReadonly } from "../../src/events/store.ts";
import { listSessions } from "../../src/events/read.ts";
import { BUN, ROOT, fmt, median, timeCommand, writeSection } from "./lib.ts";

const work = mkdtempSync(join(tmpdir(), "ouro-bench-"));
const bin = join(ROOT, "dist/ouroboros");
const rows: string[] = [];

// 1. Start-up: --help vs a hello-world binary compiled by the same Bun.
const hello = join(work, "hello");
writeFileSync(`${hello}.ts`, 'console.log("hello");\n');
Bun.spawnSync(
  [BUN, "build", "--compile", "--minify", "--format=esm", "--bytecode", `${hello}.ts`, "--outfile", hello],
  { stdout: "ignore", stderr: "ignore" },
);
const tHello = timeCommand([hello]);
const tHelp = timeCommand([bin, "--help"]);
rows.push(
  `| \`dist/ouroboros --help\` vs hello-world binary | ${fmt(tHelp)} ms vs ${fmt(tHello)} ms | ${fmt(tHelp / tHello, 2)}× | ≤ 2× |`,
);

// 2. Append throughput vs raw bun:sqlite inserts of the same rows.
const N = 50_000;
const event = (i: number) => ({
  type: "orchestrator.progress.updated" as const,
  aggregate_type: "session",
  aggregate_id: "orch_bench",
  data: { session_id: "orch_bench", i, note: "progress" },
});
function rawDb(path: string) {
  const db = new Database(path, { create: true });
  db.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000");
  const store = EventStore.open(`${path}.schema`);
  if (!store.ok) throw new Error(store.error.message);
  // Same table and indexes as the real store, so only the store's own work differs.
  store.value.close();
  const schema = new Database(`${path}.schema`, { readonly: true });
  for (const r of schema
    .query("SELECT sql FROM sqlite_master WHERE name LIKE 'events' OR name LIKE 'ix_events%'")
    .all() as { sql: string }[])
    db.exec(r.sql);
  schema.close();
  const ins = db.prepare(
    "INSERT INTO events (id, aggregate_type, aggregate_id, event_type, payload, timestamp, event_version, consensus_id, session_id) VALUES (?,?,?,?,?,?,?,?,?)",
  );
  return { db, ins };
}
function rawInsert(path: string, batch: number): number {
  const { db, ins } = rawDb(path);
  const t = performance.now();
  for (let i = 0; i < N; i += batch) {
    db.transaction(() => {
      for (let j = i; j < i + batch; j++) {
        const e = event(j);
        ins.run(
          crypto.randomUUID(),
          e.aggregate_type,
          e.aggregate_id,
          e.type,
          JSON.stringify(e.data),
          new Date().toISOString(),
          1,
          null,
          "orch_bench",
        );
      }
    }).immediate();
  }
  const dt = performance.now() - t;
  db.close();
  return (N / dt) * 1000;
}
function storeInsert(path: string, batch: number): number {
  const s = EventStore.open(path);
  if (!s.ok) throw new Error(s.error.message);
  const t = performance.now();
  for (let i = 0; i < N; i += batch) s.value.appendBatch(Array.from({ length: batch }, (_, j) => event(i + j)));
  const dt = performance.now() - t;
  s.value.close();
  return (N / dt) * 1000;
}
for (const batch of [1, 500]) {
  const raw = median([1, 2, 3].map((k) => rawInsert(join(work, `raw-${batch}-${k}.db`), batch)));
  const ours = median([1, 2, 3].map((k) => storeInsert(join(work, `store-${batch}-${k}.db`), batch)));
  rows.push(
    `| append, ${batch === 1 ? "one event per transaction" : `batches of ${batch}`} (${N} events) vs raw bun:sqlite inserts | ${fmt(ours, 0)}/s vs ${fmt(raw, 0)}/s | ${fmt((ours / raw) * 100, 0)} % | ≥ 80 % |`,
  );
}

// 3. status and replay over a 1,000,000-event database.
const big = join(work, "big.db");
{
  const s = EventStore.open(big);
  if (!s.ok) throw new Error(s.error.message);
  for (let k = 0; k < 200; k++) {
    const sid = `orch_${String(k).padStart(12, "0")}`;
    const batch = [
      {
        type: "orchestrator.session.started" as const,
        aggregate_type: "session",
        aggregate_id: sid,
        data: { session_id: sid, execution_id: `exec_${k}`, seed_id: "seed_b", seed_goal: `goal ${k}` },
      },
    ];
    s.value.appendBatch(batch);
    for (let b = 0; b < 10; b++)
      s.value.appendBatch(
        Array.from({ length: 500 }, (_, i) => event(b * 500 + i)).map((e) => ({
          ...e,
          aggregate_id: sid,
          data: { ...e.data, session_id: sid },
        })),
      );
  }
  s.value.close();
}
const home = join(work, "home");
mkdirSync(home);
Bun.spawnSync(["ln", "-s", big, join(home, "ouroboros.db")]);
const tStatus = timeCommand([bin, "status", "--json"], 20, 3, { ...process.env, OUROBOROS_HOME: home });
const tNoop = timeCommand([bin, "--version"], 20, 3);
rows.push(
  `| \`status --json\` on 1,000,000 events (200 sessions), whole process | ${fmt(tStatus)} ms (process start alone: ${fmt(tNoop)} ms) | — | < 50 ms |`,
);
{
  const db = new Database(big, { readonly: true });
  const reader = openReadonly(big);
  if (!reader.ok || !reader.value) throw new Error("benchmark database missing");
  const tq = performance.now();
  for (let i = 0; i < 20; i++) listSessions(reader.value, 20);
  reader.value.close();
  rows.push(`| status query alone (sessions projection) | ${fmt((performance.now() - tq) / 20, 2)} ms | — | — |`);
  const t = performance.now();
  let n = 0;
  let acc = 0;
  for (const r of db.query("SELECT seq, event_type, payload FROM events ORDER BY seq").iterate() as IterableIterator<{
    seq: number;
    event_type: string;
    payload: string;
  }>) {
    const d = JSON.parse(r.payload) as { i?: number };
    acc += d.i ?? 0;
    n++;
  }
  const rate = (n / (performance.now() - t)) * 1000;
  rows.push(`| ordered replay with payload decode (${n} events) | ${fmt(rate / 1e6, 2)} M events/s | — | ≥ 1 M/s |`);
  db.close();
}

// 4. dry-run of a 200-AC seed.
const seed = join(work, "seed200.yaml");
const acs = Array.from(
  { length: 200 },
  (_, i) =>
    `  - description: Acceptance criterion number ${i + 1} with a realistic sentence of text\n    verify_command: bun test test/ac${i}.test.ts${i ? `\n    depends_on: [${i}]` : ""}`,
);
writeFileSync(
  seed,
  `goal: A 200-AC seed\nacceptance_criteria:\n${acs.join("\n")}\nontology_schema: {name: n, description: d}\nmetadata: {}\n`,
);
const fakeBin = join(work, "bin");
mkdirSync(fakeBin);
writeFileSync(join(fakeBin, "claude"), "#!/bin/sh\necho 1.0.0\n", { mode: 0o755 });
// The seed's verify commands name `bun`: dry-run refuses a command whose executable is not on PATH.
writeFileSync(join(fakeBin, "bun"), "#!/bin/sh\nexit 0\n", { mode: 0o755 });
const envDry = { ...process.env, PATH: `${fakeBin}:/usr/bin:/bin`, OUROBOROS_HOME: join(work, "dry-home") };
const tDry = timeCommand([bin, "run", "workflow", seed, "--dry-run", "--json"], 20, 3, envDry);
rows.push(
  `| \`run workflow --dry-run --json\` on a 200-AC seed, whole process | ${fmt(tDry)} ms (process start alone: ${fmt(tNoop)} ms) | — | < 50 ms |`,
);

const body = `Command: \`node_modules/.bin/bun scripts/bench/foundation.ts\` (after \`npm run build\`), ${new Date().toISOString().slice(0, 10)}, 2 cores.
Times are medians of repeated whole-process runs.

| what | measured | ratio | target |
|---|---|---|---|
${rows.join("\n")}`;
process.stdout.write(`${body}\n`);
writeSection("Foundation", body);
rmSync(work, { recursive: true, force: true });
