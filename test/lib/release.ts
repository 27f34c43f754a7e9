/**
 * The release (scripts/release.ts: five binaries, SHA256SUMS, npm tarballs) built once and shared
 * by the test files that need it: five compiles take minutes on a loaded machine. The build is cached
 * in $TMPDIR under a hash of every file it is made from, so a re-run with unchanged sources reuses it.
 * Set OUROBOROS_TEST_RELEASE=dist/release to test a release built beforehand (`npm run release`).
 * Also a loopback HTTP server (127.0.0.1 only) that serves such a directory.
 */
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { BUN, ROOT } from "./cli.ts";
import { alive } from "./pids.ts";

let built: Promise<string> | undefined;

export function releaseDir(): Promise<string> {
  built ??= (async () => {
    const given = process.env.OUROBOROS_TEST_RELEASE;
    if (given) return resolve(ROOT, given);
    const cache = join(tmpdir(), "ouroboros-test-release");
    const hash = sourceHash();
    const out = join(cache, hash);
    mkdirSync(cache, { recursive: true });
    // Test files run in parallel processes (and other checkouts share $TMPDIR): one process builds
    // a given source hash, the others wait for its result instead of compiling five binaries again.
    const done = () => (existsSync(join(out, "SHA256SUMS")) ? touched(out) : null);
    return madeOnce(`${out}.lock`, done, 1000, async () => {
      pruneOldBuilds(cache, hash);
      const building = `${out}.${process.pid}`;
      // npm tarballs only for what npm.test.ts installs: packing 110 MB binaries is the slow part.
      const proc = Bun.spawn(
        [BUN, join(ROOT, "scripts/release.ts"), "--out", building, "--pack", "linux-x64,linux-arm64"],
        { cwd: ROOT, stdout: "pipe", stderr: "pipe" },
      );
      const [stderr, code] = await Promise.all([new Response(proc.stderr).text(), proc.exited]);
      if (code !== 0 || !existsSync(join(building, "SHA256SUMS")))
        throw new Error(`scripts/release.ts exited ${code}:\n${stderr}`);
      renameSync(building, out);
      return out;
    });
  })();
  return built;
}

/** A build in use is not "untouched" for pruneOldBuilds in another checkout. */
function touched(dir: string): string {
  const now = new Date();
  utimesSync(dir, now, now);
  return dir;
}

/** mkdir is atomic: the process that creates the lock builds. A lock whose owner died is taken over. */
export function takeLock(lock: string): boolean {
  try {
    mkdirSync(lock);
    writeFileSync(join(lock, "pid"), String(process.pid));
    return true;
  } catch {
    // Just created, its pid not yet written (owner 0): the owner is alive, wait.
    const owner = lockOwner(lock);
    if (owner && !alive(owner)) rmSync(lock, { recursive: true, force: true });
    return false;
  }
}

/**
 * What `done` returns once some process has made it: the first process to take `lock` runs `make`
 * (unless it was made meanwhile), the others poll every `pollMs` until it is there.
 */
export async function madeOnce<T>(
  lock: string,
  done: () => T | null,
  pollMs: number,
  make: () => Promise<T>,
): Promise<T> {
  for (;;) {
    const made = done();
    if (made !== null) return made;
    if (takeLock(lock)) break;
    await Bun.sleep(pollMs);
  }
  try {
    return done() ?? (await make());
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function lockOwner(lock: string): number {
  try {
    return Number(readFileSync(join(lock, "pid"), "utf8")) || 0;
  } catch {
    return 0;
  }
}

/**
 * Older builds are ~600 MB each. Remove other hashes' builds unless another process may be using
 * them: a finished build untouched for an hour, an unfinished one or a lock whose builder is gone.
 */
function pruneOldBuilds(cache: string, keep: string): void {
  for (const name of readdirSync(cache)) {
    if (name === keep || name === `${keep}.lock`) continue;
    const path = join(cache, name);
    const [, suffix] = name.split(".");
    let stale: boolean;
    if (!suffix) stale = Date.now() - statSync(path).mtimeMs > 3_600_000;
    else if (suffix === "lock") stale = lockOwner(path) !== 0 && !alive(lockOwner(path));
    else stale = !alive(Number(suffix));
    if (stale) rmSync(path, { recursive: true, force: true });
  }
}

/**
 * Hash of everything the release binaries are built from (tracked and untracked files, contents included):
 * src/, every top-level scripts/*.ts (build, release, the Mach-O re-signing and its verifier) and the npm
 * templates. Tests run the repository's install.sh, not the copy in the release.
 */
function sourceHash(): string {
  const files = Bun.spawnSync(
    [
      "git",
      "ls-files",
      "-co",
      "--exclude-standard",
      "src",
      ":(glob)scripts/*.ts",
      "scripts/npm",
      "package.json",
      "package-lock.json",
    ],
    { cwd: ROOT },
  )
    .stdout.toString()
    .split("\n")
    .filter(Boolean)
    .sort();
  const h = new Bun.CryptoHasher("sha256");
  for (const f of files) if (existsSync(join(ROOT, f))) h.update(f).update(readFileSync(join(ROOT, f)));
  return h.digest("hex").slice(0, 16);
}

/** A release build is slow: tests that need one use this timeout for the first call. */
export const RELEASE_TIMEOUT_MS = 15 * 60_000;
/** Installs copy 100 MB binaries and run npm: slow on a loaded machine. */
export const TEST_TIMEOUT_MS = 300_000;

/**
 * Serve `dir` on 127.0.0.1. `overrides` replaces single paths: a string body, or a number for
 * that HTTP status with no body (404 = a missing file).
 */
export function serveDir(dir: string, overrides: Record<string, string | number> = {}) {
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(req) {
      const path = decodeURIComponent(new URL(req.url).pathname);
      const o = overrides[path];
      if (typeof o === "number") return new Response(null, { status: o });
      if (typeof o === "string") return new Response(o);
      const file = join(dir, path);
      if (path.includes("..") || !existsSync(file)) return new Response(null, { status: 404 });
      return new Response(Bun.file(file));
    },
  });
  return { url: `http://127.0.0.1:${server.port}`, stop: () => server.stop(true) };
}

export const readText = (dir: string, name: string) => readFileSync(join(dir, name), "utf8");
