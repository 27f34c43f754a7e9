/**
 * Compile dist/ouroboros: one self-contained executable, minified, with version, git commit and
 * target platform embedded. `--cross` also builds linux-arm64, darwin-arm64, darwin-x64 and
 * windows-x64, using Bun runtimes taken from the npm registry (@oven/bun-*) because nothing else
 * may be downloaded here. scripts/release.ts builds every target through `compileTarget`.
 *
 *   node_modules/.bin/bun scripts/build.ts [--cross] [--outfile dist/ouroboros]
 */
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { hostPlatform } from "../src/version.ts";

export const root = resolve(import.meta.dir, "..");
const bun = join(root, "node_modules/.bin/bun");
export const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
  version: string;
  devDependencies: Record<string, string>;
};

/** Every release platform: our name, Bun's --target, the npm package carrying that Bun runtime, its executable. */
export const TARGETS = [
  { platform: "linux-x64", target: "bun-linux-x64", runtime: "@oven/bun-linux-x64", exe: "bun" },
  { platform: "linux-arm64", target: "bun-linux-arm64", runtime: "@oven/bun-linux-aarch64", exe: "bun" },
  { platform: "darwin-x64", target: "bun-darwin-x64", runtime: "@oven/bun-darwin-x64", exe: "bun" },
  { platform: "darwin-arm64", target: "bun-darwin-arm64", runtime: "@oven/bun-darwin-aarch64", exe: "bun" },
  { platform: "windows-x64", target: "bun-windows-x64", runtime: "@oven/bun-windows-x64", exe: "bun.exe" },
] as const;
export type Target = (typeof TARGETS)[number];
export const artifactName = (t: Target) => `ouroboros-${t.platform}${t.platform.startsWith("windows") ? ".exe" : ""}`;

export function gitCommit(): string {
  const r = Bun.spawnSync(["git", "rev-parse", "--short=12", "HEAD"], { cwd: root, stderr: "ignore" });
  const sha = r.exitCode === 0 ? r.stdout.toString().trim() : "unknown";
  const dirty = Bun.spawnSync(["git", "status", "--porcelain", "--untracked-files=no"], { cwd: root, stderr: "ignore" })
    .stdout.toString()
    .trim();
  return dirty ? `${sha}-dirty` : sha;
}

type Built = { ok: boolean; ms: number; stderr: string };

function compile(out: string, platform: string, extra: string[] = [], commit = gitCommit()): Built {
  const started = performance.now();
  const r = Bun.spawnSync(
    [
      // ESM + bytecode + splitting: start-up neither parses the bundle nor loads modules a command does not use.
      bun,
      "build",
      "--compile",
      "--minify",
      "--sourcemap=none",
      "--format=esm",
      "--bytecode",
      "--splitting",
      // We load .env files ourselves (with the untrusted-directory denylist); never let the runtime do it.
      "--no-compile-autoload-dotenv",
      "--no-compile-autoload-bunfig",
      `--define=__OURO_VERSION__=${JSON.stringify(pkg.version)}`,
      `--define=__OURO_COMMIT__=${JSON.stringify(commit)}`,
      `--define=__OURO_PLATFORM__=${JSON.stringify(platform)}`,
      ...extra,
      join(root, "src/cli/main.ts"),
      "--outfile",
      out,
    ],
    { cwd: root, stdout: "pipe", stderr: "pipe" },
  );
  return { ok: r.exitCode === 0, ms: Math.round(performance.now() - started), stderr: r.stderr.toString().trim() };
}

/** Fetch the Bun runtime for another platform from the npm registry (cached under node_modules/.cache). */
function crossRuntime(npmName: string, exe: string): string | null {
  const version = pkg.devDependencies.bun;
  const dir = join(root, "node_modules/.cache/bun-targets", `${npmName.replace("/", "+")}-${version}`);
  const bin = join(dir, "package/bin", exe);
  if (existsSync(bin)) return bin;
  mkdirSync(dir, { recursive: true });
  const pack = Bun.spawnSync(["npm", "pack", `${npmName}@${version}`, "--silent"], {
    cwd: dir,
    stdout: "pipe",
    stderr: "pipe",
  });
  const tgz = readdirSync(dir).find((f) => f.endsWith(".tgz"));
  if (pack.exitCode !== 0 || !tgz) return null;
  Bun.spawnSync(["tar", "xzf", tgz], { cwd: dir });
  return existsSync(bin) ? bin : null;
}

/**
 * Compile for one release target; the host's own platform uses the local Bun, others a runtime from npm.
 * A release passes one `commit` to every target (and its release.json), so all agree even if the tree changes meanwhile.
 */
export function compileTarget(t: Target, out: string, commit = gitCommit()): Built {
  if (t.platform === hostPlatform()) return compile(out, t.platform, [], commit);
  const runtime = crossRuntime(t.runtime, t.exe);
  if (!runtime) return { ok: false, ms: 0, stderr: `no Bun runtime from ${t.runtime} (npm pack failed)` };
  return compile(out, t.platform, [`--target=${t.target}`, `--compile-executable-path=${runtime}`], commit);
}

if (import.meta.main) {
  const args = process.argv.slice(2);
  const outIdx = args.indexOf("--outfile");
  const outfile = outIdx >= 0 ? resolve(args[outIdx + 1]!) : join(root, "dist/ouroboros");
  mkdirSync(join(root, "dist"), { recursive: true });
  const main = compile(outfile, hostPlatform());
  if (!main.ok) {
    process.stderr.write(`build failed:\n${main.stderr}\n`);
    process.exit(1);
  }
  process.stderr.write(`built ${outfile} in ${main.ms} ms\n`);
  if (args.includes("--cross")) {
    for (const t of TARGETS.filter((x) => x.platform !== hostPlatform())) {
      const name = artifactName(t);
      const r = compileTarget(t, join(root, "dist", name));
      process.stderr.write(
        r.ok
          ? `${t.target}: built dist/${name} in ${r.ms} ms\n`
          : `${t.target}: failed: ${r.stderr.split("\n").slice(-3).join(" ")}\n`,
      );
    }
  }
}
