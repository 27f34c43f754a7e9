/**
 * Convergence cost of a one-criterion seed (create one file): `ouroboros run workflow` on the real
 * claude CLI versus one bare claude run on the same prompt, both against the scripted model in the
 * same benchmark run (interleaved). Reports model requests and the wall-time ratio.
 *   node_modules/.bin/bun scripts/bench/converge.ts [--runs N] [--baseline <older ouroboros binary>]
 * Uses dist/ouroboros when built (else the TypeScript entry). Writes "## Convergence" in BENCHMARKS.md.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as v from "valibot";
import { TURNS, turnPrompt } from "../../src/pipeline/diamond.ts";
import { TaskSchema } from "../../src/adapter-kit/contract.ts";
import { childEnv } from "../../src/runtime/env.ts";
import { ADAPTERS } from "../../src/runtime/registry.ts";
import { parseSeedText } from "../../src/seed/load.ts";
import { cliEnv } from "../../test/lib/cli-env.ts";
import { startMockModel } from "../../test/lib/mock-model/index.ts";
import { pipelinePersona } from "../../test/lib/pipeline-script.ts";
import { BUN, fmt, median, ROOT, writeSection } from "./lib.ts";

const runsFlag = process.argv.indexOf("--runs");
const RUNS = runsFlag > 0 ? Number(process.argv[runsFlag + 1]) : 3;
const baseFlag = process.argv.indexOf("--baseline");
const BASELINE = baseFlag > 0 ? process.argv[baseFlag + 1]! : null;
const SEED = `goal: Create one file
acceptance_criteria:
  - description: hello.txt exists and greets the reader
    expected_artifacts: [hello.txt]
ontology_schema: {name: Files, description: one file}
evaluation_principles:
  - {name: correctness, description: the file is there and says hello, weight: 1}
exit_conditions:
  - {name: done, description: every criterion passed, criteria: all acceptance criteria pass}
metadata: {seed_id: seed_bench_converge}
`;
const CLAUDE = join(ROOT, "node_modules/.bin/claude");
if (!existsSync(CLAUDE)) throw new Error("the pinned claude CLI is not installed (npm install)");
const ENTRY = existsSync(join(ROOT, "dist/ouroboros"))
  ? [join(ROOT, "dist/ouroboros")]
  : [BUN, join(ROOT, "src/cli/main.ts")];

const mock = await startMockModel({ script: pipelinePersona("competent") });
const seed = parseSeedText("bench.yaml", SEED).seed!;
const ac = seed.acceptance_criteria[0]!;
// The exact prompt the frugal turn sends: the bare run gets the same work to do.
const prompt = turnPrompt(
  TURNS.frugal[0]!,
  0,
  1,
  {
    seed,
    acId: "ac_bench",
    description: ac.description,
    expectedArtifacts: ac.expected_artifacts,
    attempt: 1,
    tier: "frugal",
    cwd: "",
    model: null,
    directive: null,
    feedback: null,
    resume: null,
  },
  {},
  false,
);

async function bare(): Promise<{ ms: number; requests: number }> {
  const ce = cliEnv("claude", mock.url);
  const cwd = mkdtempSync(join(tmpdir(), "bench-bare-"));
  const task = v.parse(TaskSchema, { prompt, cwd, permission_mode: "bypassPermissions", tools: null });
  const inv = ADAPTERS.claude.buildInvocation(task, CLAUDE, ce.env);
  const env = childEnv(ce.env, ADAPTERS.claude.descriptor.env, inv.ok ? inv.value.env : {}, []);
  if (!inv.ok || !env.ok) throw new Error("cannot build the claude invocation");
  const before = mock.modelRequests().length;
  const t0 = performance.now();
  const p = Bun.spawn(inv.value.argv, {
    cwd,
    env: env.value,
    stdin: new TextEncoder().encode(inv.value.stdin ?? ""),
    stdout: "ignore",
    stderr: "ignore",
  });
  const code = await p.exited;
  const ms = performance.now() - t0;
  if (code !== 0 || !existsSync(join(cwd, "hello.txt"))) throw new Error(`bare claude failed (exit ${code})`);
  ce.cleanup();
  rmSync(cwd, { recursive: true, force: true });
  return { ms, requests: mock.modelRequests().length - before };
}

async function workflow(entry = ENTRY): Promise<{ ms: number; requests: number; summary: string }> {
  const ce = cliEnv("claude", mock.url);
  const home = mkdtempSync(join(tmpdir(), "bench-conv-home-"));
  const project = mkdtempSync(join(tmpdir(), "bench-conv-proj-"));
  const seedFile = join(home, "seed.yaml");
  writeFileSync(seedFile, SEED);
  const env = { ...ce.env, PATH: `${join(ROOT, "node_modules/.bin")}:${ce.env.PATH}`, OUROBOROS_HOME: home };
  const before = mock.modelRequests().length;
  const t0 = performance.now();
  const p = Bun.spawn(
    [...entry, "run", "workflow", seedFile, "--runtime", "claude", "--project-dir", project, "--json"],
    { env, stdout: "pipe", stderr: "ignore" },
  );
  const [out, code] = await Promise.all([new Response(p.stdout).text(), p.exited]);
  const ms = performance.now() - t0;
  if (code !== 0) throw new Error(`run workflow exited ${code}: ${out}`);
  ce.cleanup();
  rmSync(home, { recursive: true, force: true });
  rmSync(project, { recursive: true, force: true });
  return { ms, requests: mock.modelRequests().length - before, summary: JSON.parse(out).summary };
}

await bare(); // warm-up (first start of the CLI reads more from disk)
const rows: {
  bare: number;
  wf: number;
  bareReq: number;
  wfReq: number;
  summary: string;
  base?: { ms: number; requests: number };
}[] = [];
for (let i = 0; i < RUNS; i++) {
  const b = await bare();
  const w = await workflow();
  const base = BASELINE ? await workflow([BASELINE]) : undefined;
  rows.push({ bare: b.ms, wf: w.ms, bareReq: b.requests, wfReq: w.requests, summary: w.summary, base });
  process.stderr.write(
    `run ${i + 1}: bare ${fmt(b.ms / 1000, 2)} s / ${b.requests} requests; workflow ${fmt(w.ms / 1000, 2)} s / ${w.requests} requests (${w.summary})${base ? `; baseline ${fmt(base.ms / 1000, 2)} s / ${base.requests} requests` : ""}\n`,
  );
}
await mock.stop();
const bareMs = median(rows.map((r) => r.bare));
const wfMs = median(rows.map((r) => r.wf));
const wfReq = median(rows.map((r) => r.wfReq));
const bareReq = median(rows.map((r) => r.bareReq));
const baseRows = rows.flatMap((r) => (r.base ? [r.base] : []));
const baseline = baseRows.length
  ? `\n\nBaseline \`${BASELINE}\` (an older build, same seed and scripted model, interleaved in the same runs): ${median(baseRows.map((r) => r.requests))} model requests, ${fmt(median(baseRows.map((r) => r.ms)) / 1000, 2)} s wall (${fmt(median(baseRows.map((r) => r.ms)) / bareMs, 2)}× bare).`
  : "";
const body = `Command: \`node_modules/.bin/bun scripts/bench/converge.ts --runs ${RUNS}${BASELINE ? ` --baseline ${BASELINE}` : ""}\`, ${new Date().toISOString().slice(0, 10)}, 2 cores shared with other work.
One-criterion seed (create one file, \`expected_artifacts\` only), real claude CLI against the scripted model, \`run workflow\` versus one bare claude run on the same prompt, interleaved, median of ${RUNS}.

| what | workflow | bare claude | ratio | target |
|---|---|---|---|---|
| model requests | ${wfReq} | ${bareReq} | — | ≤ 6 |
| wall time | ${fmt(wfMs / 1000, 2)} s | ${fmt(bareMs / 1000, 2)} s | ${fmt(wfMs / bareMs, 2)}× | ≤ 2.5× |

Per-run wall ratios (load varies on a shared machine): ${rows.map((r) => fmt(r.wf / r.bare, 2)).join(", ")}. Run summary: ${rows.at(-1)!.summary}.

The workflow's requests: the frugal turn's tool call (write the file), the answer after the tool result,
and one judge call; Big Bang asks nothing for an evidently atomic criterion and the worded exit condition
is a predicate.${baseline}`;
process.stdout.write(`${body}\n`);
writeSection("Convergence", body);
