/**
 * What an attempt changed, observed by the orchestrator itself (never taken from the agent's word).
 * In a git work tree a snapshot is a tree object written through a temporary index (a copy of the
 * user's index, so `git add` is fast) — the user's index, HEAD and stash are never touched.
 * Elsewhere it is a bounded manifest of paths, sizes and hashes, with small text files kept so a
 * unified diff can be shown.
 */
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { createTwoFilesPatch } from "diff";

/** Bounds: the diff the judge and the log see, and how much a manifest walks. */
export const DIFF_MAX_CHARS = 12_000;
const MANIFEST_MAX_FILES = 5_000;
const KEEP_TEXT_BYTES = 64 * 1024;
const SKIP_DIRS = new Set([".git", "node_modules", ".ouroboros", "__pycache__", ".venv", "target", "dist"]);

type ManifestEntry = { size: number; sha256: string; text: string | null };
export type Snapshot =
  | { kind: "git"; top: string; tree: string }
  | { kind: "manifest"; files: Map<string, ManifestEntry>; truncated: boolean };

export interface WorkspaceChange {
  added: string[];
  modified: string[];
  deleted: string[];
  /** Bounded unified diff; `diff_truncated` says when it was cut. */
  diff: string;
  diff_truncated: boolean;
  snapshot: "git" | "manifest";
  /** Set when the manifest hit its file cap (changes beyond it are not seen). */
  note?: string;
}

export const isEmptyChange = (c: WorkspaceChange) => c.added.length + c.modified.length + c.deleted.length === 0;

function git(args: string[], cwd: string, env: Record<string, string> = {}): { ok: boolean; out: string } {
  const p = Bun.spawnSync(["git", ...args], {
    cwd,
    env: { ...process.env, ...env, GIT_OPTIONAL_LOCKS: "0" },
    stdout: "pipe",
    stderr: "pipe",
  });
  return { ok: p.exitCode === 0, out: p.stdout.toString() };
}

// Whether a directory is in a git work tree is asked once per directory (a process spawn each time
// would cost more than the snapshot itself for small workspaces).
const tops = new Map<string, { top: string; gitDir: string } | null>();
function gitTop(cwd: string): { top: string; gitDir: string } | null {
  if (tops.has(cwd)) return tops.get(cwd)!;
  let found: { top: string; gitDir: string } | null = null;
  if (Bun.which("git")) {
    const r = git(["rev-parse", "--show-toplevel", "--absolute-git-dir"], cwd);
    const [top, gitDir] = r.ok ? r.out.trim().split("\n") : [];
    found = top && gitDir ? { top, gitDir } : null;
  }
  tops.set(cwd, found);
  return found;
}

function gitSnapshot(cwd: string, top: string, gitDir: string): Snapshot | null {
  const tmp = mkdtempSync(join(tmpdir(), "ouro-index-"));
  try {
    const index = join(tmp, "index");
    if (existsSync(join(gitDir, "index"))) copyFileSync(join(gitDir, "index"), index);
    const env = { GIT_INDEX_FILE: index };
    if (!git(["add", "-A", "--", "."], cwd, env).ok) return null;
    const tree = git(["write-tree"], cwd, env);
    return tree.ok ? { kind: "git", top, tree: tree.out.trim() } : null;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

// Like git's index: a file whose size, mtime, ctime and inode are unchanged is not read again.
const statCache = new Map<string, { key: string; entry: ManifestEntry }>();

function manifest(cwd: string): Snapshot {
  const files = new Map<string, ManifestEntry>();
  let truncated = false;
  const walk = (dir: string) => {
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch {
      return;
    }
    for (const name of names) {
      if (files.size >= MANIFEST_MAX_FILES) {
        truncated = true;
        return;
      }
      const full = join(dir, name);
      let st;
      try {
        st = statSync(full);
      } catch {
        continue;
      }
      if (st.isDirectory()) {
        if (!SKIP_DIRS.has(name)) walk(full);
      } else if (st.isFile()) {
        const key = `${st.size}:${st.mtimeMs}:${st.ctimeMs}:${st.ino}`;
        const cached = statCache.get(full);
        if (cached?.key === key) {
          files.set(relative(cwd, full), cached.entry);
          continue;
        }
        const data = readFileSync(full);
        const text = st.size <= KEEP_TEXT_BYTES && !data.includes(0) ? data.toString("utf8") : null;
        const entry = { size: st.size, sha256: createHash("sha256").update(data).digest("hex"), text };
        statCache.set(full, { key, entry });
        files.set(relative(cwd, full), entry);
      }
    }
  };
  walk(cwd);
  return { kind: "manifest", files, truncated };
}

/** Snapshot the workspace before (or after) an attempt. */
export function snapshot(cwd: string): Snapshot {
  const g = gitTop(cwd);
  return (g && gitSnapshot(cwd, g.top, g.gitDir)) || manifest(cwd);
}

function bound(diff: string): { diff: string; diff_truncated: boolean } {
  return diff.length > DIFF_MAX_CHARS
    ? {
        diff: `${diff.slice(0, DIFF_MAX_CHARS)}\n… diff cut at ${DIFF_MAX_CHARS} of ${diff.length} characters`,
        diff_truncated: true,
      }
    : { diff, diff_truncated: false };
}

/** What changed between two snapshots of the same workspace. */
export function compare(cwd: string, before: Snapshot, after: Snapshot): WorkspaceChange {
  if (before.kind === "git" && after.kind === "git") {
    const c: WorkspaceChange = {
      added: [],
      modified: [],
      deleted: [],
      diff: "",
      diff_truncated: false,
      snapshot: "git",
    };
    if (before.tree === after.tree) return c;
    const names = git(["diff", "--relative", "--no-renames", "--name-status", before.tree, after.tree], cwd).out;
    for (const line of names.split("\n").filter(Boolean)) {
      const [status, path] = [line[0], line.slice(1).trim()];
      (status === "A" ? c.added : status === "D" ? c.deleted : c.modified).push(path);
    }
    return {
      ...c,
      ...bound(git(["diff", "--relative", "--no-renames", "--no-color", before.tree, after.tree], cwd).out),
    };
  }
  const a = before.kind === "manifest" ? before : (manifest(cwd) as Extract<Snapshot, { kind: "manifest" }>);
  const b = after.kind === "manifest" ? after : (manifest(cwd) as Extract<Snapshot, { kind: "manifest" }>);
  const c: WorkspaceChange = {
    added: [],
    modified: [],
    deleted: [],
    diff: "",
    diff_truncated: false,
    snapshot: "manifest",
  };
  const parts: string[] = [];
  for (const [path, e] of b.files) {
    const old = a.files.get(path);
    if (old && old.sha256 === e.sha256) continue;
    (old ? c.modified : c.added).push(path);
    parts.push(
      e.text !== null && (!old || old.text !== null)
        ? createTwoFilesPatch(old ? `a/${path}` : "/dev/null", `b/${path}`, old?.text ?? "", e.text)
        : `Binary or large file ${path} (${old?.size ?? 0} → ${e.size} bytes)\n`,
    );
  }
  for (const [path, old] of a.files) {
    if (b.files.has(path)) continue;
    c.deleted.push(path);
    parts.push(
      old.text !== null
        ? createTwoFilesPatch(`a/${path}`, "/dev/null", old.text, "")
        : `Deleted ${path} (${old.size} bytes)\n`,
    );
  }
  const note = a.truncated || b.truncated ? `manifest capped at ${MANIFEST_MAX_FILES} files` : undefined;
  return { ...c, ...bound(parts.join("")), ...(note ? { note } : {}) };
}
