/**
 * The JSONC range editor (insert/remove one property or array item, exact inverses) and the
 * unified diff (checked by applying it with the system `patch`).
 */
import { describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { unifiedDiff } from "../../src/setup/diff.ts";
import { appendToArray, parseJsonc, removeFromArray, removePath, setPath } from "../../src/setup/jsonc.ts";

const DOCS = [
  `{\n  "a": 1,\n  "mcpServers": {\n    "x": { "command": "y" }\n  }\n}\n`,
  `{"mcpServers": {"x": {"command": "y"}}}`,
  `{\n  // only a comment\n}\n`,
  `{}`,
  `{\n\t"mcpServers": {\n\t\t"x": 1, // trailing comment\n\t},\n}\n`,
  `{\n  "mcpServers": {\n    "x": 1 /* after */\n  }\n}`,
  `{\n  "other": true\n}\n`,
];

describe("jsonc", () => {
  test.each(DOCS.map((d, i) => [i, d] as const))("doc %d: set then remove restores every byte", (_, doc) => {
    const entry = { command: "/bin/ouro", args: ["mcp", "serve"], env: { K: "v" } };
    const set = setPath(doc, ["mcpServers", "ouroboros"], entry);
    expect(set.ok).toBe(true);
    if (!set.ok) return;
    const parsed = parseJsonc(set.text, true);
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect((parsed.value as any).mcpServers.ouroboros).toEqual(entry);
    const removed = removePath(set.text, ["mcpServers", "ouroboros"]);
    // A parent we had to create goes again; a user's parent keeps its bytes.
    const hadParent = (parseJsonc(doc, true) as any).value?.mcpServers !== undefined;
    if (hadParent) expect(removed).toBe(doc);
    else expect((parseJsonc(removed, true) as any).value).toEqual((parseJsonc(doc, true) as any).value);
  });

  test("replacing an existing value touches only that value", () => {
    const doc = `{\n  // c1\n  "a": { "b": [1, 2] }, // c2\n  "z": 0\n}\n`;
    const set = setPath(doc, ["a", "b"], { n: 1 });
    expect(set.ok && set.text).toBe(`{\n  // c1\n  "a": { "b": {\n    "n": 1\n  } }, // c2\n  "z": 0\n}\n`);
  });

  test("array items: append then remove restores every byte", () => {
    for (const doc of [
      `{\n  "plugin": ["a"]\n}\n`,
      `{\n  "plugin": [\n    "a",\n    "b"\n  ]\n}\n`,
      `{ "plugin": [] }`,
    ]) {
      const add = appendToArray(doc, ["plugin"], "file:///p/ouro.ts");
      expect(add.ok).toBe(true);
      if (!add.ok) continue;
      expect((parseJsonc(add.text, true) as any).value.plugin.at(-1)).toBe("file:///p/ouro.ts");
      const back = removeFromArray(add.text, ["plugin"], (s) => s.endsWith("ouro.ts"));
      // An array left empty goes with its key (we cannot tell a user's `[]` from one we created).
      if (doc.includes("[]")) expect(back).toBe("{}");
      else expect(back).toBe(doc);
    }
  });

  test("strict JSON refuses comments and trailing commas with line and column; JSONC accepts them", () => {
    const bad = `{\n  "a": 1,\n}`;
    const strict = parseJsonc(bad, false);
    expect(strict.ok).toBe(false);
    if (!strict.ok) expect(strict.error).toEqual({ message: "trailing comma", line: 3, column: 1 });
    expect(parseJsonc(bad, true).ok).toBe(true);
    const c = parseJsonc(`{\n  // x\n}`, false);
    expect(!c.ok && c.error.line).toBe(2);
  });

  test("unterminated input reports where it ended", () => {
    const r = parseJsonc(`{"a": [1, 2`, true);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toBe("unexpected end of file");
  });
});

describe("unifiedDiff", () => {
  // A deterministic pseudo-random generator: the same edits on every run.
  let seed = 42;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };

  test("applying the diff with patch(1) turns before into after", () => {
    const dir = mkdtempSync(join(tmpdir(), "ouro-diff-"));
    try {
      for (let round = 0; round < 25; round++) {
        const before = Array.from({ length: 40 + rnd(60) }, (_, i) => `line ${i} ${rnd(5)}`);
        const after = [...before];
        for (let k = 0; k < 1 + rnd(6); k++) {
          const at = rnd(after.length);
          const op = rnd(3);
          if (op === 0) after.splice(at, 1 + rnd(3));
          else if (op === 1) after.splice(at, 0, `new ${round}.${k}`);
          else after[at] = `changed ${round}.${k}`;
        }
        const a = `${before.join("\n")}\n`;
        const b = `${after.join("\n")}\n`;
        const file = join(dir, "f.txt");
        writeFileSync(file, a);
        writeFileSync(join(dir, "d.patch"), unifiedDiff(file, a, b));
        const p = Bun.spawnSync(["patch", "-s", file, join(dir, "d.patch")], { stderr: "pipe", stdout: "pipe" });
        expect(p.exitCode).toBe(0);
        expect(readFileSync(file, "utf8")).toBe(b);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("created and removed files diff against /dev/null; equal texts give nothing", () => {
    expect(unifiedDiff("/x", null, "a\nb\n")).toBe("--- /dev/null\n+++ b/x\n@@ -0,0 +1,2 @@\n+a\n+b\n");
    expect(unifiedDiff("/x", "a\n", null)).toBe("--- a/x\n+++ /dev/null\n@@ -1,1 +0,0 @@\n-a\n");
    expect(unifiedDiff("/x", "same\n", "same\n")).toBe("");
  });
});
