/**
 * Adapter latency: spawn → first parsed message through runTask() versus the bare CLI (same
 * argv, env and mock model; time to its first stdout line), interleaved in the same run.
 *   node_modules/.bin/bun scripts/bench/adapter-latency.ts
 * Prints a markdown section and writes it under "## Runtime layer" in BENCHMARKS.md.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as v from "valibot";
import { TaskSchema, type TaskInput } from "../../src/adapter-kit/contract.ts";
import { childEnv } from "../../src/runtime/env.ts";
import { ADAPTERS } from "../../src/runtime/registry.ts";
import { runTask } from "../../src/runtime/run.ts";
import { groupAlive } from "../../src/runtime/supervisor.ts";
import { cliEnv, type CliName } from "../../test/lib/cli-env.ts";
import { startMockModel } from "../../test/lib/mock-model/index.ts";
import { fmt, median, ROOT } from "./lib.ts";
import { writeRuntimeSubsection } from "./parser-throughput.ts";

interface Case {
  label: string;
  rt: CliName;
  binary: string;
  env: Record<string, string>;
  pass: string[];
  runs: number;
}

async function groupGone(pgid: number): Promise<void> {
  for (let i = 0; i < 500 && groupAlive(pgid); i++) await Bun.sleep(10);
}

async function bare(c: Case, input: TaskInput): Promise<number> {
  const a = ADAPTERS[c.rt];
  const task = v.parse(TaskSchema, input);
  const inv = a.buildInvocation(task, c.binary, c.env);
  const env = childEnv(c.env, a.descriptor.env, inv.ok ? inv.value.env : {}, c.pass);
  if (!inv.ok || !env.ok) throw new Error("cannot build invocation");
  const t0 = performance.now();
  const p = Bun.spawn(inv.value.argv, {
    cwd: task.cwd,
    env: env.value,
    stdin: inv.value.stdin === null ? "ignore" : new TextEncoder().encode(inv.value.stdin),
    stdout: "pipe",
    stderr: "ignore",
    detached: true,
  });
  const reader = p.stdout.getReader();
  let dt = Number.NaN;
  while (true) {
    const r = await reader.read();
    if (r.done) break;
    if (r.value.includes(10)) {
      dt = performance.now() - t0;
      break;
    }
  }
  // Stop it exactly as the adapter does (SIGTERM to the group) and wait until the group is gone,
  // so neither side starts while the other's CLI is still shutting down.
  try {
    process.kill(-p.pid, "SIGTERM");
  } catch {
    // Already gone.
  }
  await p.exited;
  await groupGone(p.pid);
  return dt;
}

async function adapter(c: Case, input: TaskInput): Promise<number> {
  const t0 = performance.now();
  let dt = Number.NaN;
  let pid = 0;
  for await (const _m of runTask(c.rt, input, {
    env: c.env,
    binary: c.binary,
    passEnv: c.pass,
    killGraceMs: 5000,
    onSpawn: (p) => (pid = p),
  })) {
    dt = performance.now() - t0;
    break; // leaving the loop stops the CLI (generator cleanup SIGTERMs its group)
  }
  await groupGone(pid);
  return dt;
}

async function measure(c: Case, ws: string) {
  const input: TaskInput = { prompt: "Reply with OK.", cwd: ws };
  const a: number[] = [];
  const b: number[] = [];
  await bare(c, input); // warm the file cache
  await adapter(c, input);
  for (let i = 0; i < c.runs; i++) {
    b.push(await bare(c, input));
    a.push(await adapter(c, input));
  }
  const q = (xs: number[], f: number) => [...xs].sort((x, y) => x - y)[Math.floor((xs.length - 1) * f)]!;
  return { bare: median(b), adapter: median(a), iqr: q(b, 0.75) - q(b, 0.25) };
}

const mock = await startMockModel({ scenario: "plain" });
const ws = mkdtempSync(join(tmpdir(), "ouro-bench-ws-"));
const cases: Case[] = [
  {
    label: "fake CLI (bash, claude stream-json)",
    rt: "claude",
    binary: join(ROOT, "test/fakes/misbehave"),
    env: { ...process.env, FAKE_MODE: "ok" } as Record<string, string>,
    pass: ["FAKE_MODE"],
    runs: Number(process.env.FAKE_RUNS ?? 200),
  },
];
for (const rt of ["claude", "codex"] as const) {
  const bin = join(ROOT, "node_modules/.bin", rt);
  if (existsSync(bin))
    cases.push({
      label: `${rt} (real CLI, mock model)`,
      rt,
      binary: bin,
      env: cliEnv(rt, mock.url).env,
      pass: ["MOCK_API_KEY"],
      runs: 30,
    });
}
const rows: string[] = [];
for (const c of cases) {
  const tc = performance.now();
  const r = await measure(c, ws);
  process.stderr.write(`(${c.label}: ${fmt((performance.now() - tc) / 1000)} s)\n`);
  const added = r.adapter - r.bare;
  const verdict = added <= 5 ? "yes" : Math.abs(added) < r.iqr / 2 ? "within noise" : "no";
  rows.push(
    `| ${c.label} | ${c.runs} | ${fmt(r.bare, 2)} ms | ${fmt(r.iqr, 1)} ms | ${fmt(r.adapter, 2)} ms | ${fmt(added, 2)} ms | ${verdict} |`,
  );
  process.stderr.write(`${c.label}: bare ${fmt(r.bare, 2)} ms, adapter ${fmt(r.adapter, 2)} ms\n`);
}
await mock.stop();
rmSync(ws, { recursive: true, force: true });
const date = new Date().toISOString().slice(0, 10);
const body = [
  `Command: \`node_modules/.bin/bun scripts/bench/adapter-latency.ts\`, ${date}, ${navigator.hardwareConcurrency} cores.`,
  "Spawn → first parsed message via `runTask()` vs the bare CLI's first stdout line (same argv, env, mock model), runs interleaved, medians; target ≤ 5 ms added. Real-CLI rows carry the CLIs' own start-up noise (hundreds of ms); the fake-CLI row isolates the layer's cost.",
  "",
  "| CLI | runs | bare (median) | bare IQR | through adapter (median) | added | target met |",
  "|---|---|---|---|---|---|---|",
  ...rows,
].join("\n");
process.stdout.write(`### Adapter latency\n\n${body}\n`);
writeRuntimeSubsection("Adapter latency", body);
