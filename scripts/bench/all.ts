/**
 * Every benchmark in turn (`npm run bench`), each writing its own BENCHMARKS.md section.
 * Builds the binary first so the compiled figures are current. Pass names to run a subset.
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { BUN, ROOT } from "./lib.ts";

const BINARY_AWARE = new Set(["interview", "tui"]);
const wanted = process.argv.slice(2);
const all = readdirSync(join(ROOT, "scripts/bench"))
  .filter((f) => f.endsWith(".ts") && !["all.ts", "lib.ts"].includes(f))
  .map((f) => f.slice(0, -3));
const names = wanted.length ? wanted : all;
const build = Bun.spawnSync([BUN, join(ROOT, "scripts/build.ts")], { stdout: "inherit", stderr: "inherit" });
if (build.exitCode !== 0) process.exit(build.exitCode ?? 1);
let failed = 0;
for (const name of names) {
  const file = join(ROOT, "scripts/bench", `${name}.ts`);
  if (!existsSync(file)) {
    console.error(`no benchmark '${name}' (have: ${all.join(", ")})`);
    failed++;
    continue;
  }
  console.error(`\n== ${name}`);
  const extra = BINARY_AWARE.has(name) ? ["--bin", "dist/ouroboros"] : [];
  const r = Bun.spawnSync([BUN, file, ...extra], { cwd: ROOT, stdout: "inherit", stderr: "inherit" });
  if (r.exitCode !== 0) failed++;
}
process.exit(failed ? 1 : 0);
