/**
 * Start-up budget guard (scripts/bench/startup.ts measures the time): the modules `--version` and
 * `--help` load, i.e. the CLI entry's static import closure in the split bundle, must not load
 * node:fs or touch process.stdout, which in a compiled Bun each cost about a bare runtime start.
 * Everything else (output, logging, .env, commands) is imported on the paths that use it.
 */
import { expect, test } from "bun:test";
import { join } from "node:path";
import { ROOT } from "../lib/cli.ts";

test("the CLI entry's static imports load neither node:fs nor process.stdout", async () => {
  const built = await Bun.build({
    entrypoints: [join(ROOT, "src/cli/main.ts")],
    target: "bun",
    format: "esm",
    splitting: true,
    minify: true,
  });
  expect(built.success).toBe(true);
  const chunks = new Map<string, string>();
  for (const o of built.outputs) chunks.set(o.path.replace(/^.*\//, ""), await o.text());
  const entry = built.outputs.find((o) => o.kind === "entry-point")!.path.replace(/^.*\//, "");
  const seen = new Set<string>();
  const builtins = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    const code = chunks.get(name)!;
    // Static imports only: `import{a}from"./x.js"` / `import"./x.js"`, never `import("./x.js")`.
    for (const m of code.matchAll(/\bimport\s*(?:[^"'()]*?from\s*)?["']([^"']+)["']/g)) {
      const spec = m[1]!;
      if (spec.startsWith("./")) visit(spec.slice(2));
      else builtins.add(spec);
    }
  };
  visit(entry);
  expect([...builtins].filter((b) => /^(node:)?fs(\/promises)?$/.test(b))).toEqual([]);
  // output.ts creates process.stdout when it loads (its EPIPE handler): it must not be in the closure.
  const closure = [...seen].map((n) => chunks.get(n)!).join("\n");
  expect(closure.includes("process.stdout.on(")).toBe(false);
  // The guard can see what it guards: the whole bundle does have both.
  const all = [...chunks.values()].join("\n");
  expect(all.includes("process.stdout.on(")).toBe(true);
  expect(/from\s*["'](node:)?fs["']/.test(all)).toBe(true);
}, 60_000);
