/**
 * `events --json` throughput on 100,000 events, into a pipe and into a file, against `cat` of
 * the very same bytes through the same pipe / into the same kind of file, in the same run.
 * Run after `npm run build` (uses dist/ouroboros; `--bin PATH` to choose another binary).
 */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { writeBulkEvents } from "../../test/lib/bulk-events.ts";
import { fmt, median, ROOT, writeSection } from "./lib.ts";

const N = 100_000;
const RUNS = 7;
const binArg = process.argv.indexOf("--bin");
const bin = resolve(ROOT, binArg > 0 ? process.argv[binArg + 1]! : "dist/ouroboros");
const home = mkdtempSync(join(tmpdir(), "ouro-bench-events-"));
writeBulkEvents(join(home, "ouroboros.db"), N);
const bytes = join(home, "events.jsonl");
const q = (s: string) => `'${s}'`;

function time(cmd: string): number {
  const times: number[] = [];
  for (let i = 0; i < RUNS + 1; i++) {
    const t = performance.now();
    const r = Bun.spawnSync(["bash", "-c", cmd], { env: { ...process.env, OUROBOROS_HOME: home }, stdout: "ignore", stderr: "pipe" });
    const dt = performance.now() - t;
    if (r.exitCode !== 0) throw new Error(`${cmd}: exit ${r.exitCode} ${r.stderr}`);
    if (i > 0) times.push(dt);
  }
  return median(times);
}

// The reference bytes: exactly what the command prints.
Bun.spawnSync(["bash", "-c", `${q(bin)} events --json > ${q(bytes)}`], { env: { ...process.env, OUROBOROS_HOME: home } });
const size = statSync(bytes).size;
const shell = time("true");
const rows = [
  { what: "into a pipe (`| cat > /dev/null`)", ours: time(`${q(bin)} events --json | cat > /dev/null`), base: time(`cat ${q(bytes)} | cat > /dev/null`) },
  { what: "into a file (`> file`)", ours: time(`${q(bin)} events --json > ${q(join(home, "a.jsonl"))}`), base: time(`cat ${q(bytes)} > ${q(join(home, "b.jsonl"))}`) },
];
const perSec = (ms: number) => Math.round(N / ((ms - shell) / 1000));
const table = rows.map((r) => `| ${r.what} | ${perSec(r.ours).toLocaleString("en")} events/s (${fmt(r.ours - shell)} ms) | ${perSec(r.base).toLocaleString("en")} events/s (${fmt(r.base - shell)} ms) | ${Math.round(((r.base - shell) / (r.ours - shell)) * 100)} % | ≥ 50 % |`);
const body = `Command: \`node_modules/.bin/bun scripts/bench/events-pipe.ts\` (after \`npm run build\`), ${new Date().toISOString().slice(0, 10)}, 2 cores.
${N.toLocaleString("en")} events (${fmt(size / 1e6)} MB of JSONL); whole-process wall time, median of ${RUNS} runs, minus an empty \`bash -c true\` (${fmt(shell)} ms). \`cat\` moves the same bytes the same way in the same run.

| \`events --json\` | ouroboros | cat (same bytes) | ratio | target |
|---|---|---|---|---|
${table.join("\n")}`;
console.log(body);
writeSection("events --json throughput", body);
rmSync(home, { recursive: true, force: true });
