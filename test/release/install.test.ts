/**
 * install.sh against a loopback HTTP server serving the release directory, run by dash (the POSIX
 * /bin/sh of Debian) and by bash: success, checksum mismatch, missing artifact, unknown platform,
 * unwritable install directory, re-install over an older version.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "../lib/cli.ts";
import { RELEASE_TIMEOUT_MS, TEST_TIMEOUT_MS, readText, releaseDir, serveDir } from "../lib/release.ts";

const SHELLS = ["dash", "bash"].filter((s) => Bun.which(s));
const HOST_OK = process.platform === "linux" && process.arch === "x64";
let dir = "";
let server: ReturnType<typeof serveDir>;
let version = "";

beforeAll(async () => {
  dir = await releaseDir();
  server = serveDir(dir);
  const release = JSON.parse(readText(dir, "release.json")) as { version: string; commit: string };
  version = `ouroboros ${release.version} (${release.commit}) linux-x64`;
}, RELEASE_TIMEOUT_MS);
afterAll(() => server?.stop());

/** A directory of fake tools put first on PATH (e.g. a `uname` naming another machine). */
function fakeBin(tools: Record<string, string>): string {
  const d = mkdtempSync(join(tmpdir(), "ouro-fakebin-"));
  for (const [name, body] of Object.entries(tools)) {
    writeFileSync(join(d, name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(d, name), 0o755);
  }
  return d;
}

/** Async: the loopback server lives in this process, so a blocking spawn would starve it. */
async function install(
  shell: string,
  opts: { url?: string; target?: string; pathPrefix?: string; asUser?: number; home?: string } = {},
) {
  const target = opts.target ?? join(mkdtempSync(join(tmpdir(), "ouro-install-")), "bin");
  const home = opts.home ?? mkdtempSync(join(tmpdir(), "ouro-home-"));
  const env = {
    PATH: `${opts.pathPrefix ? `${opts.pathPrefix}:` : ""}/usr/local/bin:/usr/bin:/bin`,
    HOME: home,
    OUROBOROS_DOWNLOAD_URL: opts.url ?? server.url,
    OUROBOROS_INSTALL_DIR: target,
  };
  // setpriv drops root, so that directory permissions mean what they say.
  const argv =
    opts.asUser !== undefined
      ? [
          "setpriv",
          `--reuid=${opts.asUser}`,
          `--regid=${opts.asUser}`,
          "--clear-groups",
          shell,
          join(ROOT, "install.sh"),
        ]
      : [shell, join(ROOT, "install.sh")];
  const p = Bun.spawn(argv, { env, stdout: "pipe", stderr: "pipe", cwd: tmpdir() });
  const [stdout, stderr, code] = await Promise.all([
    new Response(p.stdout).text(),
    new Response(p.stderr).text(),
    p.exited,
  ]);
  return { code, stderr, stdout, target };
}

const entries = (d: string) => (existsSync(d) ? readdirSync(d) : []);

describe.each(SHELLS)("install.sh under %s", (shell) => {
  test(
    "success: downloads, verifies, installs a working binary and prints a PATH hint",
    async () => {
      if (!HOST_OK) return;
      const r = await install(shell);
      expect(r.code).toBe(0);
      expect(entries(r.target)).toEqual(["ouroboros"]);
      const v = Bun.spawnSync([join(r.target, "ouroboros"), "--version"], { stdout: "pipe" });
      expect(v.stdout.toString().trim()).toBe(version);
      expect(r.stderr).toContain(`installed ${version} at ${join(r.target, "ouroboros")}`);
      expect(r.stderr).toContain(`${r.target} is not on your PATH`);
      expect(r.stdout).toBe("");
      // Already on PATH: no hint.
      const again = await install(shell, { target: r.target, pathPrefix: r.target });
      expect(again.code).toBe(0);
      expect(again.stderr).not.toContain("not on your PATH");
      // No root needed: an ordinary user installs into a directory of their own.
      if (process.getuid?.() === 0 && Bun.which("setpriv")) {
        const mine = mkdtempSync(join(tmpdir(), "ouro-user-"));
        chmodSync(mine, 0o777);
        const u = await install(shell, { target: join(mine, "bin"), asUser: 65534, home: mine });
        expect(u.code).toBe(0);
        expect(entries(join(mine, "bin"))).toEqual(["ouroboros"]);
      }
    },
    TEST_TIMEOUT_MS,
  );

  test(
    "checksum mismatch: exit non-zero, nothing installed",
    async () => {
      const sums = readText(dir, "SHA256SUMS").replace(/^[0-9a-f]{64}(?= {2}ouroboros-linux-x64$)/m, "0".repeat(64));
      const bad = serveDir(dir, { "/SHA256SUMS": sums });
      try {
        const r = await install(shell, { url: bad.url });
        expect(r.code).not.toBe(0);
        expect(r.stderr).toContain("checksum mismatch for ouroboros-linux-x64");
        expect(entries(r.target)).toEqual([]);
      } finally {
        bad.stop();
      }
    },
    TEST_TIMEOUT_MS,
  );

  test(
    "missing artifact or SHA256SUMS: exit non-zero naming the URL, nothing installed",
    async () => {
      for (const missing of ["/ouroboros-linux-x64", "/SHA256SUMS"]) {
        const gone = serveDir(dir, { [missing]: 404 });
        try {
          const r = await install(shell, { url: gone.url });
          expect(r.code).not.toBe(0);
          expect(r.stderr).toContain(`could not download ${gone.url}${missing}`);
          expect(entries(r.target)).toEqual([]);
        } finally {
          gone.stop();
        }
      }
      // Nothing listening at all.
      const r = await install(shell, { url: "http://127.0.0.1:1" });
      expect(r.code).not.toBe(0);
      expect(entries(r.target)).toEqual([]);
    },
    TEST_TIMEOUT_MS,
  );

  test(
    "unknown platform: exit non-zero naming it, nothing downloaded or installed",
    async () => {
      for (const [s, m, says] of [
        ["SunOS", "x86_64", "unsupported operating system 'SunOS'"],
        ["Linux", "riscv64", "unsupported architecture 'riscv64'"],
      ] as const) {
        const fake = fakeBin({ uname: `case "$1" in -s) echo ${s} ;; -m) echo ${m} ;; esac` });
        const r = await install(shell, { pathPrefix: fake });
        expect(r.code).not.toBe(0);
        expect(r.stderr).toContain(says);
        expect(r.stderr).not.toContain("downloading");
        expect(entries(r.target)).toEqual([]);
      }
    },
    TEST_TIMEOUT_MS,
  );

  test(
    "other platforms map to their artifact names (darwin arm64 → ouroboros-darwin-arm64, checksum verified)",
    async () => {
      // The binary cannot run here, so only the download + checksum path is exercised; it then reports the version it could not read.
      const fake = fakeBin({ uname: 'case "$1" in -s) echo Darwin ;; -m) echo arm64 ;; esac' });
      const r = await install(shell, { pathPrefix: fake });
      expect(r.stderr).toContain("downloading ouroboros-darwin-arm64");
      expect(r.code).toBe(0);
      expect(readFileSync(join(r.target, "ouroboros")).equals(readFileSync(join(dir, "ouroboros-darwin-arm64")))).toBe(
        true,
      );
    },
    TEST_TIMEOUT_MS,
  );

  test(
    "install directory not writable: exit non-zero, a clear message, directory unchanged",
    async () => {
      // A path under a regular file can never be created, even by root.
      const file = join(mkdtempSync(join(tmpdir(), "ouro-file-")), "f");
      writeFileSync(file, "");
      const r = await install(shell, { target: join(file, "bin") });
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain(`cannot create ${join(file, "bin")}`);
      // An existing read-only directory, as a user without root.
      if (process.getuid?.() === 0 && Bun.which("setpriv")) {
        const ro = join(mkdtempSync(join(tmpdir(), "ouro-ro-")), "bin");
        mkdirSync(ro);
        chmodSync(join(ro, ".."), 0o755);
        chmodSync(ro, 0o555);
        const home = mkdtempSync(join(tmpdir(), "ouro-home-"));
        chmodSync(home, 0o777);
        const u = await install(shell, { target: ro, asUser: 65534, home });
        expect(u.code).not.toBe(0);
        expect(u.stderr).toContain(`cannot write to ${ro}`);
        expect(entries(ro)).toEqual([]);
      }
    },
    TEST_TIMEOUT_MS,
  );

  test(
    "re-install over an older version replaces it in place",
    async () => {
      if (!HOST_OK) return;
      const target = join(mkdtempSync(join(tmpdir(), "ouro-install-")), "bin");
      mkdirSync(target);
      writeFileSync(join(target, "ouroboros"), "#!/bin/sh\necho 'ouroboros 0.0.1 (old) linux-x64'\n");
      chmodSync(join(target, "ouroboros"), 0o755);
      const r = await install(shell, { target });
      expect(r.code).toBe(0);
      expect(r.stderr).toContain("replaced ouroboros 0.0.1 (old) linux-x64");
      expect(entries(target)).toEqual(["ouroboros"]);
      const v = Bun.spawnSync([join(target, "ouroboros"), "--version"], { stdout: "pipe" });
      expect(v.stdout.toString().trim()).toBe(version);
    },
    TEST_TIMEOUT_MS,
  );
});
