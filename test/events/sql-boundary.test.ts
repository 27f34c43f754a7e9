/**
 * SQL lives in src/events only: everything else asks the log through named functions there and
 * holds an EventReader, never a bun:sqlite Database. This scans src/ and adapters/ (comments
 * stripped, so prose may say SELECT) for the ways the boundary gets crossed.
 */
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";

const ROOT = join(import.meta.dir, "..", "..");

/** Drop block and line comments; strings stay (that is where SQL would hide). */
function code(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'`\\])\/\/.*$/gm, "$1");
}

const RULES: [string, RegExp][] = [
  ["imports bun:sqlite", /from\s+["']bun:sqlite["']|import\(\s*["']bun:sqlite["']\s*\)/],
  ["SQL SELECT … FROM", /\bSELECT\b[\s\S]{0,200}?\bFROM\b/],
  ["SQL INSERT", /\bINSERT\s+(OR\s+\w+\s+)?INTO\b/],
  ["SQL UPDATE", /\bUPDATE\s+\w+\s+SET\b/],
  ["SQL DELETE", /\bDELETE\s+FROM\b/],
  ["SQL PRAGMA", /\bPRAGMA\s+\w+/],
  ["SQL json_extract", /\bjson_extract\s*\(/],
  ["a raw statement call", /\.(query|prepare)\s*\(/],
  ["the store's connection", /\bstore(\.value)?\.db\b/],
  ["unwraps an EventReader", /\b(EventReader\.(sqlite|over)|OwnedReader\.own)\s*\(/],
];

export function violations(text: string): string[] {
  const body = code(text);
  return RULES.filter(([, re]) => re.test(body)).map(([name]) => name);
}

function sources(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.tsx?$/.test(e.name))
    .map((e) => join(e.parentPath, e.name));
}

describe("SQL boundary", () => {
  test("the scan sees SQL in code and ignores it in comments", () => {
    expect(violations(`const r = db.query("SELECT seq FROM events WHERE id = ?").get(id);`)).toEqual([
      "SQL SELECT … FROM",
      "a raw statement call",
    ]);
    expect(violations(`import type { Database } from "bun:sqlite";`)).toEqual(["imports bun:sqlite"]);
    expect(violations("const n = store.value.db;\nconst x = `PRAGMA data_version`;")).toEqual([
      "SQL PRAGMA",
      "the store's connection",
    ]);
    expect(
      violations(`// SELECT payload FROM events, then store.db\n/* INSERT INTO x */\nconst url = "http://x";`),
    ).toEqual([]);
    expect(violations(`log("select a runtime from the list"); const p = args.db;`)).toEqual([]);
  });

  test("no file outside src/events crosses it", () => {
    const files = [...sources(join(ROOT, "src")), ...sources(join(ROOT, "adapters"))]
      .map((f) => relative(ROOT, f))
      .filter((f) => !f.startsWith(`${join("src", "events")}/`));
    expect(files.length).toBeGreaterThan(100);
    const found = files.flatMap((f) => violations(readFileSync(join(ROOT, f), "utf8")).map((v) => `${f}: ${v}`));
    expect(found).toEqual([]);
  });
});
