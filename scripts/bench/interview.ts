/**
 * Interview round overhead beyond the model's own latency (issue target: < 20 ms per round).
 *   node_modules/.bin/bun scripts/bench/interview.ts [--bin dist/ouroboros] [--no-write]
 * 1. In process: the real loop (events, state file, prompts, score parsing) over the real HTTP
 *    backend against the loopback mock; every complete() call is timed, so
 *    overhead/round = (loop time − Σ model-call time) / rounds.
 * 2. Whole CLI: `init start --answers` with 2 and 22 answers; the per-round slope, against the
 *    baseline of the same model calls made with bare fetch() in this process.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EventStore } from "../../src/events/store.ts";
import { SqliteBackend } from "../../src/events/sqlite-backend.ts";
import { createHttpBackend } from "../../src/llm/http.ts";
import type { Llm } from "../../src/llm/index.ts";
import { answersIO } from "../../src/interview/io-answers.ts";
import { InterviewLog } from "../../src/interview/log.ts";
import { runInterviewLoop } from "../../src/interview/loop.ts";
import { newInterviewId } from "../../src/interview/state.ts";
import { interviewScript } from "../../test/lib/interview-script.ts";
import { startMockModel } from "../../test/lib/mock-model/index.ts";
import { BUN, ROOT, fmt, median, writeSection } from "./lib.ts";

const ROUNDS = 30;
const args = process.argv.slice(2);
const bin = args.includes("--bin") ? join(ROOT, args[args.indexOf("--bin") + 1]!) : null;
// Never ready: every round from 3 on costs a question and a score call.
const mock = await startMockModel({ script: interviewScript({ clarity: () => [0.5, 0.5, 0.5] }) });
const home = mkdtempSync(join(tmpdir(), "ouro-bench-interview-"));
process.env.OUROBOROS_HOME = home;

async function inProcess(): Promise<{ perRound: number; modelPerRound: number }> {
  const opened = EventStore.open(join(home, "ouroboros.db"));
  if (!opened.ok) throw new Error(opened.error.message);
  const store = opened.value;
  const http = createHttpBackend({ name: "openai", apiKey: "k", baseUrl: `${mock.url}/v1`, model: "m" });
  let modelMs = 0;
  const timed: Llm = {
    name: http.name,
    target: http.target,
    complete: async (m, o) => {
      const t = performance.now();
      const r = await http.complete(m, o);
      modelMs += performance.now() - t;
      return r;
    },
  };
  const samples: { total: number; model: number }[] = [];
  for (let i = 0; i < 7; i++) {
    const log = await InterviewLog.create(SqliteBackend.of(store), newInterviewId(), {
      initial_context: "greet people",
    });
    if (!log.ok) throw new Error(log.error.message);
    modelMs = 0;
    const t = performance.now();
    const r = await runInterviewLoop(
      log.value,
      timed,
      answersIO({ answers: Array.from({ length: ROUNDS }, (_, k) => `answer ${k + 1}`) }, () => {}, true),
      { threshold: 0.2 },
    );
    if (!r.ok) throw new Error(r.error.message);
    samples.push({ total: performance.now() - t, model: modelMs });
  }
  store.close();
  const s = samples.slice(2); // warm-up
  return {
    perRound: median(s.map((x) => (x.total - x.model) / ROUNDS)),
    modelPerRound: median(s.map((x) => x.model / ROUNDS)),
  };
}

async function cliRun(answers: number): Promise<number> {
  const argv = bin ? [bin] : [BUN, join(ROOT, "src/cli/main.ts")];
  const times: number[] = [];
  for (let i = 0; i < 6; i++) {
    const list = JSON.stringify(Array.from({ length: answers }, (_, k) => `answer ${k + 1}`));
    const t = performance.now();
    // Async spawn: the mock answers from this process's event loop.
    const p = Bun.spawn([...argv, "init", "start", "greet people", "--answers", "-", "--force", "--greenfield"], {
      env: {
        ...process.env,
        OUROBOROS_HOME: mkdtempSync(join(tmpdir(), "ouro-bench-cli-")),
        OPENAI_API_KEY: "k",
        OPENAI_BASE_URL: `${mock.url}/v1`,
        OUROBOROS_LLM_BACKEND: "openai",
      },
      stdin: new Blob([list]),
      stdout: "ignore",
      stderr: "pipe",
    });
    const [code, err] = await Promise.all([p.exited, new Response(p.stderr).text()]);
    if (code !== 0) throw new Error(`init exited ${code}: ${err}`);
    if (i > 0) times.push(performance.now() - t);
  }
  return median(times);
}

async function fetchBaseline(): Promise<number> {
  const body = JSON.stringify({
    model: "m",
    messages: [
      { role: "system", content: "[ouroboros:interview:question] Round 5. x".repeat(20) },
      { role: "user", content: "Ask." },
    ],
    stream: false,
  });
  const times: number[] = [];
  for (let i = 0; i < 300; i++) {
    const t = performance.now();
    const r = await fetch(`${mock.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer k" },
      body,
    });
    await r.text();
    if (i >= 20) times.push(performance.now() - t);
  }
  return median(times);
}

const inproc = await inProcess();
const fetchMs = await fetchBaseline();
const short = await cliRun(2);
const long = await cliRun(22);
await mock.stop();
const slope = (long - short) / 20;
const modelCalls = 2 * fetchMs; // question + score per round from round 3 on
const lines = [
  `Measured ${new Date().toISOString().slice(0, 10)} with \`node_modules/.bin/bun scripts/bench/interview.ts${bin ? ` --bin ${args[args.indexOf("--bin") + 1]}` : ""}\`; loopback mock model answering at once. Target: < 20 ms of our own work per round.`,
  "",
  "| measure | value |",
  "|---|---|",
  `| in process: our work per round (loop time − timed model calls), ${ROUNDS} rounds, median of 5 | **${fmt(inproc.perRound, 2)} ms** |`,
  `| in process: model calls per round (2 loopback HTTP calls) | ${fmt(inproc.modelPerRound, 2)} ms |`,
  `| whole CLI${bin ? " (compiled)" : " (from source)"}: \`init start --answers\` 2 answers / 22 answers | ${fmt(short)} ms / ${fmt(long)} ms |`,
  `| whole CLI: per-round slope | ${fmt(slope, 2)} ms |`,
  `| baseline, same run: 2 bare fetch() calls to the mock | ${fmt(modelCalls, 2)} ms |`,
  `| whole CLI: per-round overhead beyond the model calls (slope − baseline) | **${fmt(slope - modelCalls, 2)} ms** (${fmt(slope / modelCalls, 1)}× the bare calls) |`,
];
console.log(lines.join("\n"));
if (!args.includes("--no-write")) writeSection("Interview", lines.join("\n"));
