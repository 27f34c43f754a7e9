/**
 * `examples/` holds seeds only, and the natural first try — `ouroboros seed validate examples/*.yaml`
 * — passes; so does every seed the README shows or names.
 */
import { expect, test } from "bun:test";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, runCli, tempHome } from "../lib/cli.ts";

test("seed validate examples/*.yaml passes for every file", async () => {
  const files = readdirSync(join(ROOT, "examples"))
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => join(ROOT, "examples", f));
  expect(files.length).toBeGreaterThan(0);
  const r = await runCli(["seed", "validate", ...files, "--json"]);
  expect(JSON.parse(r.stdout).files.filter((f: { ok: boolean }) => !f.ok)).toEqual([]);
  expect(r.code).toBe(0);
});

test("every seed in the README (named examples/ files and yaml blocks with a goal) validates", async () => {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const named = [...new Set([...readme.matchAll(/examples\/[\w.-]+\.ya?ml/g)].map((m) => join(ROOT, m[0])))];
  const dir = tempHome("readme-seeds-");
  const blocks = [...readme.matchAll(/```ya?ml\n([\s\S]*?)```/g)].map((m) => m[1]!).filter((b) => /^goal:/m.test(b));
  const inline = blocks.map((b, i) => {
    const f = join(dir, `readme-${i + 1}.yaml`);
    writeFileSync(f, b);
    return f;
  });
  const files = [...named, ...inline];
  if (!files.length) return;
  const r = await runCli(["seed", "validate", ...files, "--json"]);
  expect(JSON.parse(r.stdout).files.filter((f: { ok: boolean }) => !f.ok)).toEqual([]);
});
