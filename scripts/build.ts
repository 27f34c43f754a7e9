/**
 * Compile dist/ouroboros: one self-contained executable, minified, with version and git commit
 * embedded. `--cross` also tries linux-arm64, darwin-arm64, darwin-x64 and windows-x64, using Bun
 * runtimes taken from the npm registry (@oven/bun-*) because nothing else may be downloaded here.
 *
 *   node_modules/.bin/bun scripts/build.ts [--cross] [--outfile dist/ouroboros]
 */
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dir, "..");
const bun = join(root, "node_modules/.bin/bun");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string; devDependencies: Record<string, string> };
const args = process.argv.slice(2);
const outIdx = args.indexOf("--outfile");
const outfile = outIdx >= 0 ? resolve(args[outIdx + 1]!) : join(root, "dist/ouroboros");

function gitCommit(): string {
  const r = Bun.spawnSync(["git", "rev-parse", "--short=12", "HEAD"], { cwd: root, stderr: "ignore" });
  const sha = r.exitCode === 0 ? r.stdout.toString().trim() : "unknown";
  const dirty = Bun.spawnSync(["git", "status", "--porcelain", "--untracked-files=no"], { cwd: root, stderr: "ignore" }).stdout.toString().trim();
  return dirty ? `${sha}-dirty` : sha;
}

function compile(out: string, extra: string[] = []): { ok: boolean; ms: number; stderr: string } {
  const started = performance.now();
  const r = Bun.spawnSync(
    [
      // ESM + bytecode + splitting: start-up neither parses the bundle nor loads modules a command does not use.
      bun, "build", "--compile", "--minify", "--sourcemap=none", "--format=esm", "--bytecode", "--splitting",
      // We load .env files ourselves (with the untrusted-directory denylist); never let the runtime do it.
      "--no-compile-autoload-dotenv", "--no-compile-autoload-bunfig",
      `--define=__OURO_VERSION__=${JSON.stringify(pkg.version)}`,
      `--define=__OURO_COMMIT__=${JSON.stringify(gitCommit())}`,
      ...extra,
      join(root, "src/cli/main.ts"), "--outfile", out,
    ],
    { cwd: root, stdout: "pipe", stderr: "pipe" },
  );
  return { ok: r.exitCode === 0, ms: Math.round(performance.now() - started), stderr: r.stderr.toString().trim() };
}

/** Fetch the Bun runtime for another platform from the npm registry (cached). */
function crossRuntime(npmName: string, exe: string): string | null {
  const version = pkg.devDependencies.bun;
  const dir = join(root, "node_modules/.cache/bun-targets", `${npmName.replace("/", "+")}-${version}`);
  const bin = join(dir, "package/bin", exe);
  if (existsSync(bin)) return bin;
  mkdirSync(dir, { recursive: true });
  const pack = Bun.spawnSync(["npm", "pack", `${npmName}@${version}`, "--silent"], { cwd: dir, stdout: "pipe", stderr: "pipe" });
  const tgz = readdirSync(dir).find((f) => f.endsWith(".tgz"));
  if (pack.exitCode !== 0 || !tgz) return null;
  Bun.spawnSync(["tar", "xzf", tgz], { cwd: dir });
  return existsSync(bin) ? bin : null;
}

mkdirSync(join(root, "dist"), { recursive: true });
const main = compile(outfile);
if (!main.ok) {
  process.stderr.write(`build failed:\n${main.stderr}\n`);
  process.exit(1);
}
process.stderr.write(`built ${outfile} in ${main.ms} ms\n`);

if (args.includes("--cross")) {
  const targets = [
    ["bun-linux-arm64", "@oven/bun-linux-aarch64", "bun", "ouroboros-linux-arm64"],
    ["bun-darwin-arm64", "@oven/bun-darwin-aarch64", "bun", "ouroboros-darwin-arm64"],
    ["bun-darwin-x64", "@oven/bun-darwin-x64", "bun", "ouroboros-darwin-x64"],
    ["bun-windows-x64", "@oven/bun-windows-x64", "bun.exe", "ouroboros-windows-x64.exe"],
  ] as const;
  for (const [target, npmName, exe, name] of targets) {
    const runtime = crossRuntime(npmName, exe);
    if (!runtime) {
      process.stderr.write(`${target}: no Bun runtime from ${npmName} (npm pack failed)\n`);
      continue;
    }
    const r = compile(join(root, "dist", name), [`--target=${target}`, `--compile-executable-path=${runtime}`]);
    process.stderr.write(r.ok ? `${target}: built dist/${name} in ${r.ms} ms\n` : `${target}: failed: ${r.stderr.split("\n").slice(-3).join(" ")}\n`);
  }
}
