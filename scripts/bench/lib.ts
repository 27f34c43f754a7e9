/** Shared helpers for benchmark scripts: timing, medians, markdown, BENCHMARKS.md sections. */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

export const ROOT = resolve(import.meta.dir, "../..");
export const BUN = join(ROOT, "node_modules/.bin/bun");

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

/** Median wall time (ms) of running argv `runs` times after `warmup` runs. */
export function timeCommand(
  argv: string[],
  runs = 30,
  warmup = 3,
  env: Record<string, string | undefined> = process.env,
): number {
  const times: number[] = [];
  for (let i = 0; i < runs + warmup; i++) {
    const t = performance.now();
    const r = Bun.spawnSync(argv, { env, stdout: "ignore", stderr: "ignore" });
    const dt = performance.now() - t;
    if (r.exitCode !== 0 && r.exitCode !== 2) throw new Error(`${argv.join(" ")} exited ${r.exitCode}`);
    if (i >= warmup) times.push(dt);
  }
  return median(times);
}

/** Replace (or append) the `## <title>` section of BENCHMARKS.md. */
export function writeSection(title: string, body: string): void {
  const file = join(ROOT, "BENCHMARKS.md");
  let text = existsSync(file)
    ? readFileSync(file, "utf8")
    : "# Benchmarks\n\nRatios are measured against a baseline taken in the same run on the same machine.\n";
  const heading = `## ${title}`;
  const start = text.indexOf(`${heading}\n`);
  const section = `${heading}\n\n${body.trim()}\n`;
  if (start < 0) text = `${text.trimEnd()}\n\n${section}`;
  else {
    const next = text.indexOf("\n## ", start + heading.length);
    text = `${text.slice(0, start)}${section}${next < 0 ? "" : text.slice(next)}`;
  }
  writeFileSync(file, text.endsWith("\n") ? text : `${text}\n`);
}

export const fmt = (n: number, d = 1) => n.toFixed(d);
