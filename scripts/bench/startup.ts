/**
 * Start-up and size of the compiled binary (needs dist/ouroboros: npm run build).
 *   node_modules/.bin/bun scripts/bench/startup.ts [--runs 40]
 * Baselines measured in the same run, interleaved round by round so machine load hits all alike:
 * a hello-world binary compiled by the same Bun with the same flags, and the pinned `codex --version`
 * and `claude --version` (node_modules/.bin). Wall time and CPU time (user + system) are medians.
 */
import { mkdtempSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BUN, ROOT, fmt, median, writeSection } from "./lib.ts";

const runsIdx = process.argv.indexOf("--runs");
const RUNS = runsIdx > 0 ? Number(process.argv[runsIdx + 1]) : 40;
const WARMUP = 3;
const bin = join(ROOT, "dist/ouroboros");
const work = mkdtempSync(join(tmpdir(), "ouro-bench-startup-"));

const hello = join(work, "hello");
writeFileSync(`${hello}.ts`, 'console.log("hello");\n');
const built = Bun.spawnSync(
  [
    BUN,
    "build",
    "--compile",
    "--minify",
    "--sourcemap=none",
    "--format=esm",
    "--bytecode",
    "--splitting",
    "--no-compile-autoload-dotenv",
    "--no-compile-autoload-bunfig",
    `${hello}.ts`,
    "--outfile",
    hello,
  ],
  { stdout: "ignore", stderr: "pipe" },
);
if (built.exitCode !== 0) throw new Error(`hello-world build failed: ${built.stderr}`);

const cases: { name: string; argv: string[]; wall: number[]; cpu: number[] }[] = [
  { name: "hello-world binary", argv: [hello] },
  { name: "`ouroboros --help`", argv: [bin, "--help"] },
  { name: "`ouroboros --version`", argv: [bin, "--version"] },
  { name: "`codex --version`", argv: [join(ROOT, "node_modules/.bin/codex"), "--version"] },
  { name: "`claude --version`", argv: [join(ROOT, "node_modules/.bin/claude"), "--version"] },
].map((c) => ({ ...c, wall: [], cpu: [] }));

for (let i = 0; i < RUNS + WARMUP; i++) {
  for (const c of cases) {
    const t = performance.now();
    const r = Bun.spawnSync(c.argv, { stdout: "ignore", stderr: "ignore", env: { ...process.env, NO_COLOR: "1" } });
    const dt = performance.now() - t;
    if (r.exitCode !== 0) throw new Error(`${c.argv.join(" ")} exited ${r.exitCode}`);
    if (i < WARMUP) continue;
    c.wall.push(dt);
    const u = r.resourceUsage;
    if (u) c.cpu.push((Number(u.cpuTime.user) + Number(u.cpuTime.system)) / 1000);
  }
}

const base = cases[0]!;
const [bw, bc] = [median(base.wall), median(base.cpu)];
const target = (name: string) => (name.includes("--help") ? "≤ 2×" : "—");
const rows = cases.map((c) => {
  const [w, cpu] = [median(c.wall), median(c.cpu)];
  return `| ${c.name} | ${fmt(w)} ms | ${fmt(w / bw, 2)}× | ${fmt(cpu)} ms | ${fmt(cpu / bc, 2)}× | ${c === base ? "baseline" : target(c.name)} |`;
});
const mb = (p: string) => statSync(p).size / 1e6;
const [ours, bare] = [mb(bin), mb(hello)];
const load = (
  await Bun.file("/proc/loadavg")
    .text()
    .catch(() => "?")
)
  .split(" ")
  .slice(0, 3)
  .join(" ");

writeSection(
  "Start-up and size",
  `Command: \`node_modules/.bin/bun scripts/bench/startup.ts\` (after \`npm run build\`), ${new Date().toISOString().slice(0, 10)}, 2 cores,
load average at the end ${load}. ${RUNS} interleaved rounds (each round runs every command once) after ${WARMUP} warm-up rounds;
medians of wall time (spawn → exit) and of CPU time (user + system of the child). The hello-world binary is
\`console.log("hello")\` compiled by the same pinned Bun with the same flags as scripts/build.ts. On a shared, loaded
machine the absolute times inflate many times over; the ratios, measured round by round, are what the targets are about.

| command | wall | vs hello-world | CPU | vs hello-world | target |
|---|---|---|---|---|---|
${rows.join("\n")}

| binary | size |
|---|---|
| dist/ouroboros | ${fmt(ours)} MB |
| hello-world | ${fmt(bare)} MB |
| difference | ${fmt(ours - bare)} MB (target ≤ 15 MB) |

\`--help\` and \`--version\` load only the CLI entry, the version and the command table: output, logging (consola), .env
loading and node:fs are imported on the paths that use them, and the help text goes out through console.log, because in
a compiled Bun creating \`process.stdout\` and loading \`node:fs\` each cost about as much as the bare runtime start.
This supersedes the \`--help\` row of the Foundation table (3.01×, measured before that change).`,
);
console.log(rows.join("\n"));
console.log(`size: ${fmt(ours)} MB vs ${fmt(bare)} MB (+${fmt(ours - bare)} MB)`);
