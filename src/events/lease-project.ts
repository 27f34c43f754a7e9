/**
 * Before a session is taken over (possibly on another machine), its work must continue on the same
 * code: the project directory recorded at `orchestrator.session.started` (`project_dir`, and
 * `base_commit`, the git HEAD when the session started) must exist here as the same path, or
 * `--project-dir <dir>` must name a git checkout at that base commit.
 */
import { existsSync, realpathSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { fail, ok, type Result } from "../errors.ts";

export interface RecordedProject {
  sessionId: string;
  projectDir: string | null;
  baseCommit: string | null;
}

/** What a session's started event recorded (older sessions have no base commit). */
export function recordedProject(sessionId: string, started: Record<string, unknown>): RecordedProject {
  const str = (x: unknown) => (typeof x === "string" && x ? x : null);
  return { sessionId, projectDir: str(started.project_dir), baseCommit: str(started.base_commit) };
}

/** The commit checked out in `dir`, or null when it is not a git work tree (or git is missing). */
export function gitHead(dir: string): string | null {
  if (!Bun.which("git")) return null;
  const p = Bun.spawnSync(["git", "rev-parse", "--verify", "-q", "HEAD"], {
    cwd: dir,
    env: { ...process.env, GIT_OPTIONAL_LOCKS: "0" },
    stdout: "pipe",
    stderr: "pipe",
  });
  const sha = p.stdout.toString().trim();
  return p.exitCode === 0 && /^[0-9a-f]{40,64}$/.test(sha) ? sha : null;
}

const isDir = (p: string) => existsSync(p) && statSync(p).isDirectory();
const real = (p: string) => {
  try {
    return realpathSync(p);
  } catch {
    return resolve(p);
  }
};

/** The directory the taking-over run works in, or a one-line reason it cannot. */
export function checkTakeoverDir(rec: RecordedProject, projectDirArg?: string): Result<string> {
  const id = rec.sessionId;
  if (!projectDirArg) {
    if (!rec.projectDir) return fail("usage", `session ${id} recorded no project directory; pass --project-dir <dir>`);
    if (isDir(rec.projectDir)) return ok(rec.projectDir);
    return fail(
      "usage",
      `session ${id} ran in ${rec.projectDir}, which does not exist here; pass --project-dir <a checkout at ${rec.baseCommit ?? "its base commit"}>`,
    );
  }
  const dir = resolve(projectDirArg);
  if (!isDir(dir)) return fail("badArgs", `--project-dir ${projectDirArg}: no such directory`);
  if (rec.projectDir && isDir(rec.projectDir) && real(rec.projectDir) === real(dir)) return ok(dir);
  if (!rec.baseCommit)
    return fail(
      "usage",
      `session ${id} recorded no base commit, so --project-dir ${projectDirArg} cannot be checked against it; run where it ran (${rec.projectDir ?? "unknown"})`,
    );
  const head = gitHead(dir);
  if (!head)
    return fail(
      "usage",
      `--project-dir ${projectDirArg} is not a git checkout (session ${id} started at ${rec.baseCommit})`,
    );
  if (head !== rec.baseCommit && !head.startsWith(rec.baseCommit))
    return fail(
      "usage",
      `--project-dir ${projectDirArg} is at ${head.slice(0, 12)}, but session ${id} started at ${rec.baseCommit.slice(0, 12)}; check that commit out first`,
    );
  return ok(dir);
}
