/**
 * The type check of the whole project, and the proof that the typed writers refuse wrong payloads
 * at compile time, in one tsc program (a full check costs tens of seconds of CPU; `npm test` runs
 * it here, beside the other test files, instead of before them).
 * The program is the project as tsconfig.json defines it (src, adapters, test, scripts: the file
 * test/events/typed-emit.fixture.ts among them, whose `@ts-expect-error TSnnnn` markers must all
 * be used, so it compiles) plus a copy of that fixture with the markers blanked out (line numbers
 * kept), which must fail with exactly the marked error codes on exactly the marked lines. Any
 * other error anywhere fails the check, with tsc's own message.
 */
import { describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, tempHome } from "../lib/cli.ts";

const FIXTURE = join(ROOT, "test/events/typed-emit.fixture.ts");
const MARKER = /^\s*\/\/ @ts-expect-error (TS\d+)\s*$/;
const BLANKED = "typed-emit.plain.ts";

/** The project's tsconfig.json, and the blanked copy beside it (paths made absolute: it lives in a temp dir). */
function tsconfig(dir: string, extra: string): string {
  const path = join(dir, "tsconfig.json");
  const base = JSON.parse(readFileSync(join(ROOT, "tsconfig.json"), "utf8")) as { include: string[] };
  writeFileSync(
    path,
    JSON.stringify({
      extends: join(ROOT, "tsconfig.json"),
      compilerOptions: { typeRoots: [join(ROOT, "node_modules/@types")] },
      include: base.include.map((d) => join(ROOT, d)),
      files: [extra],
    }),
  );
  return path;
}

/** tsc's exit code, its errors as "line TSnnnn" by file name, and its whole output. */
async function tsc(project: string): Promise<{ code: number; errors: Map<string, string[]>; text: string }> {
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
  return { code, errors, text: `${out}${err}` };
}

describe("type check", () => {
  const lines = readFileSync(FIXTURE, "utf8").split("\n");
  const expected = lines.flatMap((l, i) => {
    const m = MARKER.exec(l);
    return m ? [`${i + 2} ${m[1]}`] : [];
  });

  test("the project compiles; the typed writers' wrong calls fail on exactly the marked lines", async () => {
    expect(expected.length).toBeGreaterThanOrEqual(9);
    const dir = tempHome("ouro-typecheck-");
    // Markers blanked, not removed, so line numbers stay; imports re-pointed at the checkout.
    const plain = lines.map((l) => (MARKER.test(l) ? "" : l.replaceAll('"../../src/', `"${ROOT}/src/`))).join("\n");
    const failing = join(dir, BLANKED);
    writeFileSync(failing, plain);
    const r = await tsc(tsconfig(dir, failing));
    expect(r.code).not.toBe(0);
    // Errors anywhere else (the project itself, the fixture as written) are shown with tsc's text.
    const elsewhere = r.text.split("\n").filter((l) => / error TS\d+:/.test(l) && !l.includes(BLANKED));
    expect(elsewhere).toEqual([]);
    expect([...r.errors.keys()]).toEqual([BLANKED]);
    expect(r.errors.get(BLANKED)).toEqual(expected);
  }, 300_000);
});
