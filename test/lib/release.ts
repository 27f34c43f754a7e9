/**
 * The release (scripts/release.ts: five binaries, SHA256SUMS, npm tarballs) built once and shared
 * by the test files that need it: five compiles take minutes on a loaded machine. The build is cached
 * in $TMPDIR under a hash of every file it is made from, so a re-run with unchanged sources reuses it.
 * Set OUROBOROS_TEST_RELEASE=dist/release to test a release built beforehand (`npm run release`).
 * Also a loopback HTTP server (127.0.0.1 only) that serves such a directory.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { BUN, ROOT } from "./cli.ts";

let built: Promise<string> | undefined;

export function releaseDir(): Promise<string> {
  built ??= (async () => {
    const given = process.env.OUROBOROS_TEST_RELEASE;
    if (given) return resolve(ROOT, given);
    const cache = join(tmpdir(), "ouroboros-test-release");
    const out = join(cache, sourceHash());
    if (existsSync(join(out, "SHA256SUMS"))) return out;
    const building = `${out}.${process.pid}`;
    rmSync(cache, { recursive: true, force: true }); // older builds: ~600 MB each
    mkdirSync(cache, { recursive: true });
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
  })();
  return built;
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
