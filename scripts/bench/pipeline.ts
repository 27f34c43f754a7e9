/**
 * Orchestration overhead per AC: wall time of a 100-AC run minus time spent inside the runtime,
 * with an instant in-process runtime, so what remains is the pipeline itself (events, routing,
 * Double Diamond turns, workspace snapshots and diffs, stage 1 checks, the judge call, exit-condition
 * checks). Also counts model calls per AC (every prompt the pipeline sends to the runtime).
 *   node_modules/.bin/bun scripts/bench/pipeline.ts
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defaultConfig } from "../../src/config/schema.ts";
import { queryEvents } from "../../src/events/read.ts";
import { EventStore } from "../../src/events/store.ts";
import type { Agent, AgentEvent, AgentTask } from "../../src/pipeline/agent.ts";
import { runPipeline } from "../../src/pipeline/run.ts";
import { parseSeedText } from "../../src/seed/load.ts";
import { ScriptedAgent } from "../../test/lib/scripted-agent.ts";
import { fmt, median, writeSection } from "./lib.ts";
import { SqliteBackend } from "../../src/events/sqlite-backend.ts";

/** Wraps an agent and measures the time spent inside it. */
class Timed implements Agent {
  readonly name = "timed";
  readonly canResume = true;
  inside = 0;
  calls = 0;
  constructor(private readonly inner: Agent) {}
  async *run(task: AgentTask, signal: AbortSignal): AsyncIterable<AgentEvent> {
    this.calls++;
    const it = this.inner.run(task, signal)[Symbol.asyncIterator]();
    for (;;) {
      const t = performance.now();
      const r = await it.next();
      this.inside += performance.now() - t;
      if (r.done) return;
      yield r.value;
    }
  }
}

const N = 100;
const acs = Array.from(
  { length: N },
  (_, i) =>
    `  - description: Criterion ${i + 1} creates file f${i}.txt with its own content\n    expected_artifacts: [f${i}.txt]`,
).join("\n");
const seed = parseSeedText(
  "bench.yaml",
  `goal: bench\nacceptance_criteria:\n${acs}\nontology_schema: {name: n, description: d}\nevaluation_principles:\n  - {name: p, description: d, weight: 1}\nexit_conditions:\n  - {name: done, description: d, criteria: all_acs_passed}\nmetadata: {}\n`,
).seed!;

const rows: number[] = [];
let events = 0;
let calls = 0;
for (let k = 0; k < 5; k++) {
  process.env.OUROBOROS_HOME = mkdtempSync(join(tmpdir(), "bench-pipe-"));
  const store = EventStore.open(join(process.env.OUROBOROS_HOME, "ouroboros.db"));
  if (!store.ok) throw new Error(store.error.message);
  const agent = new Timed(new ScriptedAgent());
  const t = performance.now();
  const config = defaultConfig();
  // Default depth: Big Bang runs too (evidently atomic criteria cost no model call).
  const r = await runPipeline({
    backend: SqliteBackend.of(store.value),
    agent,
    runtime: "bench",
    config,
    seed,
    projectDir: mkdtempSync(join(tmpdir(), "bench-proj-")),
    parallel: 3,
    maxDepth: config.orchestrator.max_decomposition_depth,
  });
  const wall = performance.now() - t;
  if (!r.ok || r.value.status !== "completed") throw new Error(`run failed: ${JSON.stringify(r)}`);
  rows.push((wall - agent.inside) / N);
  events = queryEvents(store.value.reader, {}).length;
  calls = agent.calls;
  store.value.close();
}
const perAc = median(rows);
const body = `Command: \`node_modules/.bin/bun scripts/bench/pipeline.ts\`, ${new Date().toISOString().slice(0, 10)}, 2 cores.
A 100-AC seed run end to end (all six phases) with an instant in-process runtime; overhead = wall time − time inside the runtime, median of 5 runs.

| what | measured | target |
|---|---|---|
| orchestration overhead per AC | ${fmt(perAc, 2)} ms (${events} events, ${calls} runtime calls per run) | ≤ 5 ms |
| model calls per AC (frugal tier: one agent turn + one judge call; Big Bang asks nothing for evidently atomic criteria) | ${fmt(calls / N, 2)} | — |`;
process.stdout.write(`${body}\n`);
writeSection("Pipeline", body);
