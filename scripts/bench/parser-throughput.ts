/**
 * Parser throughput: each CLI's parser eats a generated 100,000-line stream built from its
 * recorded fixture (head event, body repeated, terminal event), all in memory.
 *   node_modules/.bin/bun scripts/bench/parser-throughput.ts
 * Prints a markdown section and writes it under "## Runtime layer" in BENCHMARKS.md.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as v from "valibot";
import { TaskSchema } from "../../src/adapter-kit/contract.ts";
import { ADAPTERS } from "../../src/runtime/registry.ts";
import { fmt, median, ROOT } from "./lib.ts";

const LINES = 100_000;
const RUNS = 5;
/** CLIs whose stream ends with one terminal event that must stay last. */
const HAS_TERMINAL = new Set(["claude", "gemini", "copilot"]);

function stream(rt: keyof typeof ADAPTERS): string[] {
  if (rt === "kiro")
    return Array.from(
      { length: LINES },
      (_, i) => `\u001b[32m> \u001b[0mline ${i} of the answer with some \u001b[1mbold\u001b[0m text`,
    );
  if (rt === "hermes") return Array.from({ length: LINES }, (_, i) => `line ${i} of the hermes answer, plain text`);
  const rec = readFileSync(join(ROOT, "adapters", rt, "fixtures", "tool_write.jsonl"), "utf8")
    .split("\n")
    .filter((l) => l.trim());
  const head = rec.slice(0, 1);
  const tail = HAS_TERMINAL.has(rt) ? rec.slice(-1) : [];
  const body = rec.slice(1, HAS_TERMINAL.has(rt) ? -1 : undefined);
  const out = [...head];
  while (out.length < LINES - tail.length) out.push(body[(out.length - 1) % body.length]!);
  return [...out, ...tail];
}

export interface Row {
  rt: string;
  linesPerSec: number;
  mbPerSec: number;
  avgBytes: number;
}

export function measure(): Row[] {
  const rows: Row[] = [];
  for (const rt of Object.keys(ADAPTERS) as (keyof typeof ADAPTERS)[]) {
    const lines = stream(rt);
    const bytes = lines.reduce((n, l) => n + Buffer.byteLength(l) + 1, 0);
    const task = v.parse(TaskSchema, { prompt: "p", cwd: "/tmp/ws" });
    const times: number[] = [];
    for (let r = 0; r < RUNS + 1; r++) {
      const p = ADAPTERS[rt].createParser(task);
      const t0 = performance.now();
      for (const l of lines) p.feed(l);
      const res = p.finish({ exitCode: 0, signal: null, stderrTail: [] }).at(-1);
      const dt = performance.now() - t0;
      if (p.failure || res?.type !== "result" || !res.ok)
        throw new Error(
          `${rt}: generated stream did not parse cleanly: ${p.failure?.message ?? JSON.stringify(res).slice(0, 200)}`,
        );
      if (r > 0) times.push(dt);
    }
    const ms = median(times);
    rows.push({ rt, linesPerSec: LINES / (ms / 1000), mbPerSec: bytes / 1e6 / (ms / 1000), avgBytes: bytes / LINES });
  }
  return rows;
}

/** Replace one `### sub` block inside `## Runtime layer` of BENCHMARKS.md (creating either). */
export function writeRuntimeSubsection(sub: string, body: string): void {
  const file = join(ROOT, "BENCHMARKS.md");
  let text = existsSync(file) ? readFileSync(file, "utf8") : "# Benchmarks\n";
  const H = "## Runtime layer";
  let start = text.indexOf(`${H}\n`);
  if (start < 0) {
    text = `${text.trimEnd()}\n\n${H}\n`;
    start = text.indexOf(`${H}\n`);
  }
  const nextTop = text.indexOf("\n## ", start + H.length);
  const end = nextTop < 0 ? text.length : nextTop + 1;
  let section = text.slice(start, end);
  const subH = `### ${sub}`;
  const block = `${subH}\n\n${body.trim()}\n\n`;
  const s = section.indexOf(`${subH}\n`);
  if (s < 0) section = `${section.trimEnd()}\n\n${block}`;
  else {
    const n = section.indexOf("\n### ", s + subH.length);
    section = `${section.slice(0, s)}${block}${n < 0 ? "" : section.slice(n + 1)}`;
  }
  text = `${text.slice(0, start)}${section.trimEnd()}\n${end < text.length ? `\n${text.slice(end)}` : ""}`;
  writeFileSync(file, text.endsWith("\n") ? text : `${text}\n`);
}

if (import.meta.main) {
  const rows = measure();
  const date = new Date().toISOString().slice(0, 10);
  const body = [
    `Command: \`node_modules/.bin/bun scripts/bench/parser-throughput.ts\`, ${date}, ${navigator.hardwareConcurrency} cores.`,
    `100,000-line stream per CLI generated from its recorded tool round-trip fixture (kiro/hermes: synthetic text); median of ${RUNS} runs; target ≥ 500k lines/s.`,
    "",
    "| runtime | lines/s | MB/s | avg line | target met |",
    "|---|---|---|---|---|",
    ...rows.map(
      (r) =>
        `| ${r.rt} | ${Math.round(r.linesPerSec).toLocaleString("en-US")} | ${fmt(r.mbPerSec)} | ${Math.round(r.avgBytes)} B | ${r.linesPerSec >= 500_000 ? "yes" : "no"} |`,
    ),
  ].join("\n");
  process.stdout.write(`### Parser throughput\n\n${body}\n`);
  writeRuntimeSubsection("Parser throughput", body);
}
