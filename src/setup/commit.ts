/**
 * Commit a planned set of file changes all together: every new content is first written to a temp
 * file beside its target, then all are renamed into place; any failure rolls back what was already
 * replaced. The previous content of a changed user file is kept in `<file>.ouroboros.bak`.
 */
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  realpathSync,
  renameSync,
  rmdirSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { dirname } from "node:path";
import { describeUnknown, fail, ok, type Result } from "../errors.ts";

export interface FileChange {
  path: string;
  before: string | null;
  after: string | null;
  /**
   * Set for whole files we own (skills, rules, plugin): no backup (they are regenerated), and
   * after a delete empty parent directories are removed up to (not including) this one.
   */
  pruneUpTo?: string;
  /** Mode for a new file (existing files keep theirs). */
  mode?: number;
}

export const BACKUP_SUFFIX = ".ouroboros.bak";

/** Writes go through a symlink to its target instead of replacing the link. */
function target(path: string): string {
  try {
    return lstatSync(path).isSymbolicLink() ? realpathSync(path) : path;
  } catch {
    return path;
  }
}

function pruneEmpty(dir: string, stop: string): void {
  while (dir.startsWith(`${stop}/`) && dir !== stop) {
    try {
      if (readdirSync(dir).length) return;
      rmdirSync(dir);
    } catch {
      return;
    }
    dir = dirname(dir);
  }
}

export function commitAll(changes: readonly FileChange[]): Result<void> {
  const staged: { c: FileChange; file: string; tmp: string | null }[] = [];
  const done: { file: string; before: string | null }[] = [];
  try {
    for (const c of changes) {
      if (c.before === c.after) continue;
      const file = target(c.path);
      let tmp: string | null = null;
      if (c.after !== null) {
        mkdirSync(dirname(file), { recursive: true });
        tmp = `${file}.tmp-${process.pid}`;
        const mode = existsSync(file) ? statSync(file).mode & 0o777 : (c.mode ?? 0o644);
        writeFileSync(tmp, c.after, { mode });
      }
      staged.push({ c, file, tmp });
    }
    for (const s of staged) {
      if (s.c.before !== null && !s.c.pruneUpTo)
        writeFileSync(`${s.file}${BACKUP_SUFFIX}`, s.c.before, { mode: 0o600 });
      if (s.tmp) renameSync(s.tmp, s.file);
      else if (existsSync(s.file)) unlinkSync(s.file);
      done.push({ file: s.file, before: s.c.before });
    }
  } catch (e) {
    for (const d of done.reverse()) {
      try {
        if (d.before === null) unlinkSync(d.file);
        else writeFileSync(d.file, d.before);
      } catch {
        // Best effort: the .ouroboros.bak copy is still there.
      }
    }
    for (const s of staged) if (s.tmp && existsSync(s.tmp)) unlinkSync(s.tmp);
    return fail("failure", `setup could not write its files (rolled back): ${describeUnknown(e)}`);
  }
  for (const s of staged) if (s.c.after === null && s.c.pruneUpTo) pruneEmpty(dirname(s.file), s.c.pruneUpTo);
  return ok(undefined);
}
