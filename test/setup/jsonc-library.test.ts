/**
 * Round trips through the libraries setup edits with (jsonc-parser for JSON/JSONC, `diff` for
 * dry-run diffs): user files with comments, trailing commas, tabs, CRLF and a byte-order mark get
 * our entry and lose it again byte for byte; errors point at line:column; diffs are stable.
 */
import { describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { unifiedDiff } from "../../src/setup/diff.ts";
import { appendToArray, parseJsonc, removeFromArray, removePath, setPath } from "../../src/setup/jsonc.ts";

const USER_DOCS: Record<string, string> = {
  "comments and trailing commas": `{\n  // editor settings\n  "theme": "dark", /* inline */\n  "mcpServers": {\n    "other": { "command": "other-server", }, // keep me\n  },\n  "plugin": ["a", "b",],\n}\n`,
  tabs: `{\n\t"mcpServers": {\n\t\t"other": {\n\t\t\t"command": "x"\n\t\t}\n\t},\n\t"plugin": [\n\t\t"a"\n\t]\n}\n`,
  "four spaces, no final newline": `{\n    "mcpServers": {\n        "other": {"command": "x"}\n    },\n    "plugin": []\n}`,
  "CRLF line ends": `{\r\n  "mcpServers": {\r\n    "other": {"command": "x"}\r\n  },\r\n  "plugin": ["a"]\r\n}\r\n`,
  "byte-order mark": `\uFEFF{\n  "mcpServers": {\n    "other": {"command": "x"}\n  },\n  "plugin": ["a"]\n}\n`,
};
const ENTRY = {
  type: "stdio",
  command: "/opt/ouro/bin/ouroboros",
  args: ["mcp", "serve"],
  env: { OUROBOROS_AGENT_RUNTIME: "claude" },
};

const value = (text: string) => {
  const p = parseJsonc(text, true);
  if (!p.ok) throw new Error(`${p.error.line}:${p.error.column} ${p.error.message}`);
  return p.value as Record<string, any>;
};

describe("JSONC edits on jsonc-parser", () => {
  test.each(Object.entries(USER_DOCS))("%s: entry and plugin added, then removed, byte for byte", (_, doc) => {
    const before = value(doc);
    const set = setPath(doc, ["mcpServers", "ouroboros"], ENTRY);
    if (!set.ok) throw new Error(set.reason);
    const added = appendToArray(set.text, ["plugin"], "file:///p/ouro.ts");
    if (!added.ok) throw new Error(added.reason);
    const after = value(added.text);
    expect(after.mcpServers.ouroboros).toEqual(ENTRY);
    expect(after.mcpServers.other).toEqual(before.mcpServers.other);
    expect(after.plugin).toEqual([...before.plugin, "file:///p/ouro.ts"]);
    // The user's comments are all still there.
    for (const c of doc.match(/\/\/[^\r\n]*|\/\*[\s\S]*?\*\//g) ?? []) expect(added.text).toContain(c);
    const back = removePath(
      removeFromArray(added.text, ["plugin"], (s) => s.endsWith("ouro.ts")),
      ["mcpServers", "ouroboros"],
    );
    // `[]` cannot be told apart from an array we created, so it goes with its key (as documented).
    if (before.plugin.length) expect(back).toBe(doc);
    else expect(value(back)).toEqual({ mcpServers: before.mcpServers });
  });

  test("a second install of the same entry changes nothing", () => {
    const doc = USER_DOCS["comments and trailing commas"]!;
    const once = setPath(doc, ["mcpServers", "ouroboros"], ENTRY);
    const twice = once.ok && setPath(once.text, ["mcpServers", "ouroboros"], ENTRY);
    expect(twice && twice.ok && twice.text).toBe(once.ok && once.text);
  });

  test("inserted values follow the file's indentation", () => {
    const tabs = setPath(USER_DOCS.tabs!, ["mcpServers", "ouroboros"], { command: "o" });
    expect(tabs.ok && tabs.text).toContain(`\t\t},\n\t\t"ouroboros": {\n\t\t\t"command": "o"\n\t\t}\n\t},`);
    const four = setPath(USER_DOCS["four spaces, no final newline"]!, ["mcpServers", "ouroboros"], { command: "o" });
    expect(four.ok && four.text).toContain(
      `"other": {"command": "x"},\n        "ouroboros": {\n            "command": "o"\n        }\n    },`,
    );
  });

  test("syntax errors carry line and column", () => {
    const cases: [string, boolean, { message: string; line: number; column: number }][] = [
      [`{\n  "a" 1\n}`, true, { message: "expected ':'", line: 2, column: 7 }],
      [`{\n  "a": ,\n}`, true, { message: "expected a value", line: 2, column: 8 }],
      [`{\n  "a": "b\n}`, true, { message: "unterminated string", line: 2, column: 8 }],
      [`{\n  "a": 1 /* x */\n}`, false, { message: "comments are not allowed in JSON", line: 2, column: 10 }],
      [`{"a": [1, 2,]}`, false, { message: "trailing comma", line: 1, column: 13 }],
      [`{"a": 1} x`, true, { message: "unexpected text after the end of the document", line: 1, column: 10 }],
      [`{"a": 1`, true, { message: "unexpected end of file", line: 1, column: 8 }],
    ];
    for (const [text, jsonc, error] of cases)
      expect({ text, r: parseJsonc(text, jsonc) }).toEqual({ text, r: { ok: false, error } });
  });

  test("edits refuse malformed files and non-object paths instead of guessing", () => {
    expect(setPath(`{"a": }`, ["b"], 1)).toEqual({ ok: false, reason: "expected a value" });
    expect(setPath(`{"a": 1}`, ["a", "b"], 1)).toEqual({ ok: false, reason: "'a' is not an object" });
    expect(appendToArray(`{"plugin": {}}`, ["plugin"], "x")).toEqual({ ok: false, reason: "'plugin' is not an array" });
  });

  test("with a duplicate key the last one is edited, as JSON.parse would read it", () => {
    const doc = `{"a": {"x": 1}, "a": {"y": 2}}`;
    const set = setPath(doc, ["a", "z"], 3);
    expect(set.ok && JSON.parse(set.text)).toEqual({ a: { y: 2, z: 3 } });
    expect(set.ok && set.text.startsWith(`{"a": {"x": 1}, `)).toBe(true);
  });
});

describe("dry-run diffs from the diff package", () => {
  const before = `${Array.from({ length: 12 }, (_, i) => `line ${i + 1}`).join("\n")}\n`;

  test("output is stable: headers, hunk ranges, context", () => {
    const after = before.replace("line 2\n", "line 2\nadded\n").replace("line 11\n", "");
    expect(unifiedDiff("/h/f.json", before, after)).toBe(
      [
        "--- a/h/f.json",
        "+++ b/h/f.json",
        "@@ -1,5 +1,6 @@",
        " line 1",
        " line 2",
        "+added",
        " line 3",
        " line 4",
        " line 5",
        "@@ -8,5 +9,4 @@",
        " line 8",
        " line 9",
        " line 10",
        "-line 11",
        " line 12",
        "",
      ].join("\n"),
    );
  });

  test("a file without a final newline says so, and patch(1) still applies the diff", () => {
    const dir = mkdtempSync(join(tmpdir(), "ouro-diff-"));
    try {
      const file = join(dir, "f.json");
      const a = `{\n  "a": 1\n}`;
      const b = `{\n  "a": 1,\n  "b": 2\n}`;
      const d = unifiedDiff(file, a, b);
      expect(d).toContain("\\ No newline at end of file");
      writeFileSync(file, a);
      writeFileSync(join(dir, "d.patch"), d);
      const p = Bun.spawnSync(["patch", "-s", file, join(dir, "d.patch")], { stderr: "pipe", stdout: "pipe" });
      expect(p.exitCode).toBe(0);
      expect(readFileSync(file, "utf8")).toBe(b);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
