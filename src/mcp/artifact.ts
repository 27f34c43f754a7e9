/**
 * What a judge reads when the caller names a path instead of pasting text: a file's content, or
 * for a directory its uncommitted change (git diff against HEAD, new files listed) or, outside
 * git, its file list. Always bounded, so a huge tree never floods a model call.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";

export const ARTIFACT_LIMIT = 20_000;

export interface Artifact {
  kind: "file" | "diff" | "listing" | "text";
  path: string | null;
  text: string;
  truncated: boolean;
}

const cut = (text: string) => ({
  text: text.length > ARTIFACT_LIMIT ? text.slice(0, ARTIFACT_LIMIT) : text,
  truncated: text.length > ARTIFACT_LIMIT,
});

function git(dir: string, args: string[]): string | null {
  const r = Bun.spawnSync(["git", "-C", dir, ...args], {
    stdout: "pipe",
    stderr: "ignore",
    stdin: "ignore",
    timeout: 10_000,
  });
  return r.exitCode === 0 ? r.stdout.toString() : null;
}

function listing(dir: string, max = 200): string[] {
  const out: string[] = [];
  const stack = [""];
  while (stack.length && out.length < max) {
    const rel = stack.pop()!;
    let names: string[] = [];
    try {
      names = readdirSync(join(dir, rel)).sort();
    } catch {
      continue;
    }
    for (const n of names) {
      if (n === ".git" || n === "node_modules") continue;
      const p = rel ? `${rel}/${n}` : n;
      if (statSync(join(dir, p)).isDirectory()) stack.push(p);
      else out.push(p);
    }
  }
  return out;
}

/** A directory's state: the git change when it is a work tree, else its files. */
export function describeDir(dir: string): Artifact {
  if (git(dir, ["rev-parse", "--is-inside-work-tree"])?.trim() === "true") {
    const status = git(dir, ["status", "--porcelain"]) ?? "";
    const diff = git(dir, ["diff", "HEAD"]) ?? git(dir, ["diff"]) ?? "";
    return { kind: "diff", path: dir, ...cut(`git status --porcelain:\n${status || "(clean)\n"}\n${diff}`) };
  }
  return { kind: "listing", path: dir, ...cut(`files:\n${listing(dir).join("\n")}`) };
}

/** `artifact` is a path (relative to cwd) when one exists there, else the text itself. */
export function readArtifact(artifact: string, cwd: string): Artifact {
  const candidate =
    artifact.length < 4096 && !artifact.includes("\n")
      ? isAbsolute(artifact)
        ? artifact
        : resolve(cwd, artifact)
      : null;
  if (candidate && existsSync(candidate)) {
    if (statSync(candidate).isDirectory()) return describeDir(candidate);
    return { kind: "file", path: candidate, ...cut(readFileSync(candidate, "utf8")) };
  }
  const isDiff = /^(diff --git |--- |Index: )/m.test(artifact) && /^@@ /m.test(artifact);
  return { kind: isDiff ? "diff" : "text", path: null, ...cut(artifact) };
}
