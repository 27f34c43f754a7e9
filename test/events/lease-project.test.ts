/** The --project-dir takeover check against real git repositories in temporary directories. */
import { describe, expect, test } from "bun:test";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { checkTakeoverDir, gitHead, recordedProject } from "../../src/events/lease-project.ts";
import { tempHome } from "../lib/cli.ts";

function git(cwd: string, ...args: string[]): string {
  const p = Bun.spawnSync(["git", ...args], {
    cwd,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: "t",
      GIT_AUTHOR_EMAIL: "t@example.invalid",
      GIT_COMMITTER_NAME: "t",
      GIT_COMMITTER_EMAIL: "t@example.invalid",
    },
  });
  if (p.exitCode !== 0) throw new Error(`git ${args.join(" ")}: ${p.stderr.toString()}`);
  return p.stdout.toString().trim();
}

/** A repository with two commits; returns its path and both shas. */
function repo(): { dir: string; first: string; second: string } {
  const dir = join(tempHome("ouro-takeover-"), "proj");
  mkdirSync(dir);
  git(dir, "init", "-q");
  writeFileSync(join(dir, "a.txt"), "one\n");
  git(dir, "add", "a.txt");
  git(dir, "commit", "-qm", "one");
  const first = git(dir, "rev-parse", "HEAD");
  writeFileSync(join(dir, "a.txt"), "two\n");
  git(dir, "commit", "-qam", "two");
  return { dir, first, second: git(dir, "rev-parse", "HEAD") };
}

describe("takeover project directory", () => {
  test("the recorded directory, when it exists here, is used as is", () => {
    const { dir, second } = repo();
    const rec = recordedProject("orch_t", { project_dir: dir, base_commit: second });
    expect(checkTakeoverDir(rec)).toEqual({ ok: true, value: dir });
    // Naming the same directory explicitly is also fine, whatever its HEAD.
    expect(checkTakeoverDir({ ...rec, baseCommit: "0".repeat(40) }, dir).ok).toBe(true);
  });

  test("a missing recorded directory asks for --project-dir, naming the base commit", () => {
    const { second } = repo();
    const r = checkTakeoverDir(recordedProject("orch_t", { project_dir: "/nowhere/proj", base_commit: second }));
    expect(!r.ok && r.error.message).toBe(
      `session orch_t ran in /nowhere/proj, which does not exist here; pass --project-dir <a checkout at ${second}>`,
    );
  });

  test("a clone checked out at the base commit is accepted; another commit is refused", () => {
    const { dir, first, second } = repo();
    const clone = join(tempHome("ouro-takeover-clone-"), "copy");
    git(tempHome(), "clone", "-q", dir, clone);
    const rec = recordedProject("orch_t", { project_dir: "/other/machine/proj", base_commit: first });
    const wrong = checkTakeoverDir(rec, clone);
    expect(!wrong.ok && wrong.error.message).toBe(
      `--project-dir ${clone} is at ${second.slice(0, 12)}, but session orch_t started at ${first.slice(0, 12)}; check that commit out first`,
    );
    git(clone, "checkout", "-q", first);
    expect(gitHead(clone)).toBe(first);
    expect(checkTakeoverDir(rec, clone)).toEqual({ ok: true, value: clone });
    // An abbreviated recorded commit matches too.
    expect(checkTakeoverDir({ ...rec, baseCommit: first.slice(0, 12) }, clone).ok).toBe(true);
  });

  test("not a git checkout, no such directory, or nothing recorded to check against: one line each", () => {
    const { first } = repo();
    const plain = tempHome("ouro-takeover-plain-");
    const rec = recordedProject("orch_t", { project_dir: "/other/proj", base_commit: first });
    const notGit = checkTakeoverDir(rec, plain);
    expect(!notGit.ok && notGit.error.message).toBe(
      `--project-dir ${plain} is not a git checkout (session orch_t started at ${first})`,
    );
    const missing = join(plain, "gone");
    const none = checkTakeoverDir(rec, missing);
    expect(!none.ok && [none.error.kind, none.error.message]).toEqual([
      "badArgs",
      `--project-dir ${missing}: no such directory`,
    ]);
    const old = checkTakeoverDir(recordedProject("orch_t", { project_dir: "/other/proj" }), plain);
    expect(!old.ok && old.error.message).toContain("recorded no base commit");
    rmSync(plain, { recursive: true, force: true });
  });
});
