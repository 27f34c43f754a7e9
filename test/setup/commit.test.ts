/**
 * commitAll: all planned files land together or none do — a failure while moving files into
 * place restores the ones already replaced and leaves no temp files behind.
 */
import { afterAll, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BACKUP_SUFFIX, commitAll } from "../../src/setup/commit.ts";

const dir = mkdtempSync(join(tmpdir(), "ouro-commit-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("a rename failure half-way rolls back the files already replaced", () => {
  const a = join(dir, "a.json");
  const created = join(dir, "new/b.md");
  writeFileSync(a, "old a\n");
  // A non-empty directory where a file should go: staging succeeds, the rename into place fails.
  const blocker = join(dir, "c.toml");
  mkdirSync(blocker);
  writeFileSync(join(blocker, "x"), "x");
  const r = commitAll([
    { path: a, before: "old a\n", after: "new a\n" },
    { path: created, before: null, after: "created\n" },
    { path: blocker, before: null, after: "never\n" },
  ]);
  expect(r.ok).toBe(false);
  if (!r.ok) expect(r.error.message).toContain("rolled back");
  expect(readFileSync(a, "utf8")).toBe("old a\n");
  expect(existsSync(created)).toBe(false);
  expect(readdirSync(dir).filter((f) => f.includes(".tmp-"))).toEqual([]);
});

test("success: backups only for changed user files, deletes prune empty managed dirs", () => {
  const user = join(dir, "s/user.json");
  const managed = join(dir, "s/skills/ouroboros-x/SKILL.md");
  mkdirSync(join(dir, "s/skills/ouroboros-x"), { recursive: true });
  writeFileSync(user, "{}\n");
  writeFileSync(managed, "managed\n");
  const r = commitAll([
    { path: user, before: "{}\n", after: '{ "a": 1 }\n' },
    { path: managed, before: "managed\n", after: null, pruneUpTo: join(dir, "s/skills") },
  ]);
  expect(r.ok).toBe(true);
  expect(readFileSync(`${user}${BACKUP_SUFFIX}`, "utf8")).toBe("{}\n");
  expect(existsSync(join(dir, "s/skills/ouroboros-x"))).toBe(false);
  expect(existsSync(join(dir, "s/skills"))).toBe(true);
  expect(existsSync(`${managed}${BACKUP_SUFFIX}`)).toBe(false);
});
