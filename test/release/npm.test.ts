/**
 * The npm distribution: the `ouroboros` launcher package plus @ouroboros/<platform> packages, as
 * `npm pack` tarballs from the release, installed offline into temporary prefixes with the real npm.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RELEASE_TIMEOUT_MS, TEST_TIMEOUT_MS, readText, releaseDir } from "../lib/release.ts";

const HOST = `${process.platform === "win32" ? "windows" : process.platform}-${process.arch}`;
let dir = "";
let version = "";
let launcher = "";
const platformTgz = (p: string) => join(dir, "npm", `ouroboros-${p}-${version}.tgz`);

beforeAll(async () => {
  dir = await releaseDir();
  const release = JSON.parse(readText(dir, "release.json")) as { version: string; commit: string };
  version = release.version;
  launcher = join(dir, "npm", `ouroboros-${version}.tgz`);
}, RELEASE_TIMEOUT_MS);

/** npm with an empty cache and HOME, offline: nothing can come from a registry. */
function npm(args: string[], cwd = tmpdir()) {
  const home = mkdtempSync(join(tmpdir(), "ouro-npm-home-"));
  const env = {
    ...process.env,
    HOME: home,
    npm_config_cache: join(home, "cache"),
    npm_config_offline: "true",
    npm_config_audit: "false",
    npm_config_fund: "false",
    npm_config_update_notifier: "false",
  };
  const r = Bun.spawnSync(["npm", ...args], { cwd, env, stdout: "pipe", stderr: "pipe" });
  return { code: r.exitCode, out: r.stdout.toString(), err: r.stderr.toString() };
}
const run = (argv: string[], cwd?: string) => {
  const r = Bun.spawnSync(argv, { cwd, stdout: "pipe", stderr: "pipe", env: { ...process.env, NO_COLOR: "1" } });
  return { code: r.exitCode, out: r.stdout.toString(), err: r.stderr.toString() };
};

describe("npm packages", () => {
  test(
    "npm install -g of the launcher + the host's platform package: `ouroboros --version` runs the binary",
    () => {
      if (HOST !== "linux-x64") return;
      const prefix = mkdtempSync(join(tmpdir(), "ouro-prefix-"));
      const i = npm(["install", "-g", "--prefix", prefix, launcher, platformTgz(HOST)]);
      expect(i.code).toBe(0);
      const v = run([join(prefix, "bin/ouroboros"), "--version"]);
      expect(v.code).toBe(0);
      expect(v.out.trim()).toMatch(new RegExp(`^ouroboros ${version.replaceAll(".", "\\.")} \\(.+\\) linux-x64$`));
      // Exit codes pass through: no command is a usage error (2).
      expect(run([join(prefix, "bin/ouroboros")]).code).toBe(2);
    },
    TEST_TIMEOUT_MS,
  );

  test(
    "the launcher picks the host's package when another platform's is installed too",
    () => {
      if (HOST !== "linux-x64") return;
      const prefix = mkdtempSync(join(tmpdir(), "ouro-prefix-"));
      // --force: npm would otherwise refuse linux-arm64 here (its os/cpu fields), which is the point of them.
      const refused = npm(["install", "-g", "--prefix", prefix, platformTgz("linux-arm64")]);
      expect(refused.code).not.toBe(0);
      expect(refused.err).toContain("EBADPLATFORM");
      const i = npm([
        "install",
        "-g",
        "--force",
        "--prefix",
        prefix,
        launcher,
        platformTgz("linux-arm64"),
        platformTgz(HOST),
      ]);
      expect(i.code).toBe(0);
      const v = run([join(prefix, "bin/ouroboros"), "--version"]);
      expect(v.code).toBe(0);
      expect(v.out.trim()).toEndWith(" linux-x64");
    },
    TEST_TIMEOUT_MS,
  );

  test(
    "without the platform package the launcher says which package is missing and why",
    () => {
      const prefix = mkdtempSync(join(tmpdir(), "ouro-prefix-"));
      const i = npm(["install", "-g", "--prefix", prefix, "--omit=optional", launcher]);
      expect(i.code).toBe(0);
      const v = run([join(prefix, "bin/ouroboros"), "--version"]);
      expect(v.code).toBe(1);
      expect(v.out).toBe("");
      expect(v.err).toContain(`ouroboros: no binary for ${HOST}: the package @ouroboros/${HOST} is not installed.`);
      expect(v.err).toContain("--omit=optional");
    },
    TEST_TIMEOUT_MS,
  );

  test(
    "a project install works through npx",
    () => {
      if (HOST !== "linux-x64") return;
      const project = mkdtempSync(join(tmpdir(), "ouro-project-"));
      const i = npm(["install", launcher, platformTgz(HOST)], project);
      expect(i.code).toBe(0);
      const v = npm(["exec", "--no", "--", "ouroboros", "--version"], project);
      expect(v.code).toBe(0);
      expect(v.out.trim()).toEndWith(" linux-x64");
    },
    TEST_TIMEOUT_MS,
  );
});
