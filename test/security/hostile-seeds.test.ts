/**
 * ≥ 300 malformed seeds, generated deterministically (test/lib/hostile-seeds.ts), on every run:
 * `seed validate` and dry-run (one validator) refuse each with exit 65, a one-line message naming
 * the file and the field, no stack trace, and nothing written anywhere. `seed validate` runs all of
 * them in batches of 40 files per CLI process; dry-run's validator runs on all in process and as a
 * CLI on a sample.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { chmodSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { checkSeed } from "../../src/cli/commands/seed.ts";
import { loadConfig } from "../../src/config/load.ts";
import { buildPlan } from "../../src/pipeline/plan.ts";
import { formatProblem } from "../../src/util/problems.ts";
import { stringify } from "yaml";
import { runCli, tempHome } from "../lib/cli.ts";
import { baseSeed, hostileSeeds, type HostileSeed } from "../lib/hostile-seeds.ts";

const cases = hostileSeeds();
let dir: string;
let home: string;
let path: string;
const hashes = new Map<string, string>();
const hashOf = (f: string) => createHash("sha256").update(readFileSync(f)).digest("hex");

beforeAll(() => {
  dir = tempHome("hostile-seeds-");
  home = tempHome("hostile-home-");
  for (const c of cases) {
    writeFileSync(join(dir, c.file), c.body);
    hashes.set(c.file, hashOf(join(dir, c.file)));
  }
  // A fake `claude` so dry-run finds a runtime; python3/grep come from the system PATH.
  const bin = join(tempHome("hostile-bin-"), "bin");
  mkdirSync(bin);
  writeFileSync(join(bin, "claude"), "#!/bin/sh\necho '9.9.9 (Claude Code)'\n");
  chmodSync(join(bin, "claude"), 0o755);
  path = `${bin}:${process.env.PATH}`;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const STACK = /\n\s+at |\bat .+\.ts:\d+|TypeError|RangeError|ReferenceError|Maximum call stack/;
const names = (c: HostileSeed) => (line: string) =>
  line.startsWith(`${join(dir, c.file)}:`) && (c.field === "" || line.split(/\s{2,}/)[1]!.startsWith(c.field));

describe("hostile seed generator", () => {
  test("is deterministic and has at least 300 cases; the base seed is valid", () => {
    expect(cases.length).toBeGreaterThanOrEqual(300);
    expect(hostileSeeds().map((c) => c.body)).toEqual(cases.map((c) => c.body));
    const f = join(tempHome("hostile-base-"), "base.yaml");
    writeFileSync(f, stringify(baseSeed()));
    expect(checkSeed(f, false).errors).toEqual([]);
  }, 30_000);

  test("in process: seed validate and dry-run report the same errors for every case, naming the field, one line each", () => {
    const config = loadConfig({ ...process.env, OUROBOROS_HOME: home }, join(home, "none.yaml"));
    if (!config.ok) throw new Error(config.error.message);
    const misses: string[] = [];
    for (const c of cases) {
      const file = join(dir, c.file);
      const validate = checkSeed(file, false).errors.map(formatProblem);
      const plan = buildPlan({ seedFile: file, config: config.value, env: { PATH: path } });
      const dry = plan.errors.map(formatProblem);
      // Dry-run may add what depends on this machine; everything validate reports, it reports too.
      for (const line of validate) if (!dry.includes(line)) misses.push(`${c.name}: dry-run lacks ${line}`);
      if (!validate.some(names(c)))
        misses.push(`${c.name}: no error names ${c.field || "the file"} in ${JSON.stringify(validate)}`);
      for (const line of validate)
        if (line.includes("\n") || STACK.test(line)) misses.push(`${c.name}: not one clean line: ${line}`);
    }
    expect(misses).toEqual([]);
  }, 120_000);

  // Batches of 40 files per process: output stays well under a pipe buffer (a large stdout cut at
  // exit is a separate problem, not what this test is about).
  test("CLI seed validate over all of them (40 files per process): exit 65, every file and field named, no stack trace, nothing written", async () => {
    const unnamed: string[] = [];
    for (let i = 0; i < cases.length; i += 40) {
      const batch = cases.slice(i, i + 40);
      const r = await runCli(["seed", "validate", ...batch.map((c) => join(dir, c.file))], {
        home,
        env: { PATH: path },
      });
      expect(r.code).toBe(65);
      const lines = r.stdout.split("\n").filter(Boolean);
      unnamed.push(...batch.filter((c) => !lines.some(names(c))).map((c) => c.name));
      expect(STACK.test(r.stdout + r.stderr)).toBe(false);
    }
    expect(unnamed).toEqual([]);
    expect(readdirSync(home)).toEqual([]);
    for (const c of cases) expect(hashOf(join(dir, c.file))).toBe(hashes.get(c.file)!);
  }, 120_000);

  // Each dry-run is its own process (~0.1 s idle, seconds on a loaded machine: 307 of them were the
  // slowest file of the suite). What differs per case, the validator, runs in process on all of
  // them above, and `seed validate` runs all of them through the CLI; the dry-run CLI path (exit
  // code, stderr, nothing written) runs on every third case and on every file-level case.
  const sample = cases.filter((c, i) => i % 3 === 0 || c.field === "");
  test(`CLI dry-run on ${sample.length} of them (one process each, 4 at a time): exit 65, file and field named on stderr, no stack trace, nothing written`, async () => {
    const failures: string[] = [];
    let next = 0;
    const worker = async () => {
      while (next < sample.length) {
        const c = sample[next++]!;
        const r = await runCli(["run", "workflow", join(dir, c.file), "--dry-run"], { home, env: { PATH: path } });
        const lines = r.stderr.split("\n");
        if (r.code !== 65) failures.push(`${c.name}: exit ${r.code}`);
        else if (!lines.some(names(c))) failures.push(`${c.name}: field not named in ${r.stderr.slice(0, 300)}`);
        if (STACK.test(r.stdout + r.stderr)) failures.push(`${c.name}: stack trace`);
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    expect(failures).toEqual([]);
    expect(readdirSync(home)).toEqual([]);
    const changed = cases.filter((c) => hashOf(join(dir, c.file)) !== hashes.get(c.file)).map((c) => c.name);
    expect(changed).toEqual([]);
    expect(readdirSync(dir).length).toBe(cases.length);
  }, 600_000);
});
