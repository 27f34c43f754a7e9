/**
 * Seeds through the bounded reader: devices and FIFOs are refused before any read, nesting is
 * capped before the YAML parser recurses, and the size cap follows OUROBOROS_MAX_SEED_BYTES.
 */
import { describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadSeedFile, parseSeedText } from "../../src/seed/load.ts";
import { inputCap } from "../../src/util/bounded-read.ts";
import { runCli } from "../lib/cli.ts";

const dir = mkdtempSync(join(tmpdir(), "seed-bounded-"));
const write = (name: string, body: string) => (writeFileSync(join(dir, name), body), join(dir, name));

describe("seed files are read bounded", () => {
  const cases: [string, () => string, string][] = [
    ["/dev/zero", () => "/dev/zero", "file.device"],
    ["/dev/null", () => "/dev/null", "file.device"],
    ["a FIFO", () => (Bun.spawnSync(["mkfifo", join(dir, "f.yaml")]), join(dir, "f.yaml")), "file.fifo"],
    [
      "900 KB of nested flow brackets",
      () => write("deep.yaml", `goal: ${"[".repeat(450_000)}${"]".repeat(450_000)}\n`),
      "yaml.too_deep",
    ],
    [
      "nested flow maps",
      () => write("maps.yaml", `goal: x\nconstraints: ${"{a: ".repeat(100)}1${"}".repeat(100)}\n`),
      "yaml.too_deep",
    ],
    [
      "100 levels of block nesting",
      () =>
        write(
          "block.yaml",
          `goal: x\nx:\n${Array.from({ length: 100 }, (_, i) => `${" ".repeat(i + 1)}k:`).join("\n")} v\n`,
        ),
      "yaml.too_deep",
    ],
  ];
  for (const [name, make, code] of cases) {
    test(name, () => {
      const started = performance.now();
      const r = loadSeedFile(make());
      expect(r.errors.map((e) => e.code)).toEqual([code]);
      expect(r.errors[0]!.message).not.toContain("Maximum call stack");
      expect(performance.now() - started).toBeLessThan(5000);
    });
  }

  test("brackets and apostrophes in ordinary text are not nesting", () => {
    const r = parseSeedText("s.yaml", `goal: "don't [stop] {now}"\nconstraints: ["it's fine", 'a [b] c']\n`);
    expect(r.errors.filter((e) => e.code === "yaml.too_deep")).toEqual([]);
  });

  test("the cap follows OUROBOROS_MAX_SEED_BYTES, also for inline seed text", async () => {
    expect(inputCap("seed", { OUROBOROS_MAX_SEED_BYTES: "100" })).toBe(100);
    expect(inputCap("seed", { OUROBOROS_MAX_SEED_BYTES: "lots" })).toBe(1_000_000);
    const file = write("small.yaml", `goal: ${"x".repeat(200)}\n`);
    const r = await runCli(["seed", "validate", file], { env: { OUROBOROS_MAX_SEED_BYTES: "100" } });
    expect(r.code).toBe(65);
    expect(r.stdout + r.stderr).toContain("the limit is 100 bytes");
    process.env.OUROBOROS_MAX_SEED_BYTES = "100";
    try {
      expect(parseSeedText("inline", `goal: ${"x".repeat(200)}\n`).errors.map((e) => e.code)).toEqual([
        "file.too_large",
      ]);
    } finally {
      delete process.env.OUROBOROS_MAX_SEED_BYTES;
    }
  }, 60_000);
});
