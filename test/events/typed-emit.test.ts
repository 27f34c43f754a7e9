/**
 * The typed writers refuse wrong payloads at compile time. One tsc program checks
 * typed-emit.fixture.ts twice: as written (its `@ts-expect-error TSnnnn` markers must all be used, so it
 * compiles), and a copy with the markers blanked out (line numbers kept), which must fail with exactly
 * the marked error codes on exactly the marked lines. Neither half can pass without the other; one
 * program type-checks src/ and the bun types once for both.
 */
import { describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, tempHome } from "../lib/cli.ts";

const FIXTURE = join(ROOT, "test/events/typed-emit.fixture.ts");
const MARKER = /^\s*\/\/ @ts-expect-error (TS\d+)\s*$/;

/** The project's strictness, on the given files only (fast: no lib check, nothing else included). */
function tsconfig(dir: string, files: string[]): string {
  const path = join(dir, "tsconfig.json");
  const compilerOptions = {
    target: "ESNext",
    module: "Preserve",
    moduleResolution: "bundler",
    lib: ["ESNext", "DOM"],
    types: ["bun"],
    typeRoots: [join(ROOT, "node_modules/@types")],
    strict: true,
    noUncheckedIndexedAccess: true,
    allowImportingTsExtensions: true,
    noEmit: true,
    skipLibCheck: true,
    resolveJsonModule: true,
  };
  writeFileSync(path, JSON.stringify({ compilerOptions, files }));
  return path;
}

/** tsc's exit code and its errors by file name: "line TSnnnn" each. */
async function tsc(project: string): Promise<{ code: number; errors: Map<string, string[]> }> {
  const p = Bun.spawn([join(ROOT, "node_modules/.bin/tsc"), "-p", project, "--pretty", "false"], {
    stdout: "pipe",
    stderr: "pipe",
  });
  const [out, err, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  // "file(line,col): error TSnnnn: message" → file: "line TSnnnn"
  const errors = new Map<string, string[]>();
  for (const m of `${out}${err}`.matchAll(/^(.*)\((\d+),\d+\): error (TS\d+):/gm)) {
    const name = m[1]!.split("/").at(-1)!;
    errors.set(name, [...(errors.get(name) ?? []), `${m[2]} ${m[3]}`]);
  }
  return { code, errors };
}

describe("typed emit", () => {
  const lines = readFileSync(FIXTURE, "utf8").split("\n");
  const expected = lines.flatMap((l, i) => {
    const m = MARKER.exec(l);
    return m ? [`${i + 2} ${m[1]}`] : [];
  });

  test("wrong field type, missing field, unknown type: compile errors on exactly the marked lines", async () => {
    expect(expected.length).toBeGreaterThanOrEqual(9);
    const dir = tempHome("ouro-typed-emit-");
    // Markers blanked, not removed, so line numbers stay; imports re-pointed at the checkout.
    const plain = lines.map((l) => (MARKER.test(l) ? "" : l.replaceAll('"../../src/', `"${ROOT}/src/`))).join("\n");
    const failing = join(dir, "typed-emit.plain.ts");
    writeFileSync(failing, plain);
    const r = await tsc(tsconfig(dir, [failing, FIXTURE]));
    expect(r.code).not.toBe(0);
    // The fixture as written compiles; only the blanked copy fails, on exactly the marked lines.
    expect([...r.errors.keys()]).toEqual(["typed-emit.plain.ts"]);
    expect(r.errors.get("typed-emit.plain.ts")).toEqual(expected);
  }, 120_000);
});
