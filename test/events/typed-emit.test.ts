/**
 * The typed writers refuse wrong payloads at compile time. tsc runs twice on
 * typed-emit.fixture.ts: as written (its `@ts-expect-error TSnnnn` markers must all be used, so it
 * compiles), and with the markers blanked out (line numbers kept), when it must fail with exactly
 * the marked error codes on exactly the marked lines. Neither run can pass without the other.
 */
import { describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, tempHome } from "../lib/cli.ts";

const FIXTURE = join(ROOT, "test/events/typed-emit.fixture.ts");
const MARKER = /^\s*\/\/ @ts-expect-error (TS\d+)\s*$/;

/** The project's strictness, on the given files only (fast: no lib check, nothing else included). */
function tsconfig(dir: string, file: string): string {
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
  writeFileSync(path, JSON.stringify({ compilerOptions, files: [file] }));
  return path;
}

async function tsc(project: string): Promise<{ code: number; errors: string[] }> {
  const p = Bun.spawn([join(ROOT, "node_modules/.bin/tsc"), "-p", project, "--pretty", "false"], {
    stdout: "pipe",
    stderr: "pipe",
  });
  const [out, err, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  // "file(line,col): error TSnnnn: message" → "line TSnnnn"
  const errors = [...`${out}${err}`.matchAll(/\((\d+),\d+\): error (TS\d+):/g)].map((m) => `${m[1]} ${m[2]}`);
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
    const marked = join(dir, "marked");
    mkdirSync(marked);
    const [bad, good] = await Promise.all([tsc(tsconfig(dir, failing)), tsc(tsconfig(marked, FIXTURE))]);
    expect(good).toEqual({ code: 0, errors: [] });
    expect(bad.code).not.toBe(0);
    expect(bad.errors).toEqual(expected);
  }, 120_000);
});
