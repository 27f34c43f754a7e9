/**
 * `npm run release`: every platform's binary, their checksums, the installer and the npm packages.
 *
 *   node_modules/.bin/bun scripts/release.ts [--out dist/release] [--no-pack | --pack linux-x64,…]
 *
 * dist/release/
 *   ouroboros-{linux-x64,linux-arm64,darwin-x64,darwin-arm64,windows-x64.exe}
 *   SHA256SUMS          sha256sum format over the binaries (install.sh verifies against it)
 *   release.json        {version, commit, platforms}: what `ouroboros upgrade --check` reads
 *   install.sh          the POSIX installer, so `curl -fsSL <url>/install.sh | sh` works
 *   npm/ouroboros/      launcher package (bin/ouroboros.js) with one optional dependency per platform
 *   npm/<platform>/     @ouroboros/<platform>: the binary, limited by `os`/`cpu` so npm installs only the host's
 *   npm/*.tgz           `npm pack` of each (--no-pack: none; --pack P,…: the launcher and those platforms)
 * darwin binaries leave with a verified ad-hoc code signature (scripts/macho-resign.ts fixes darwin-x64's).
 * Cross-platform Bun runtimes come from the npm registry (see scripts/build.ts); nothing else is downloaded.
 */
import { copyFileSync, linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { TARGETS, artifactName, compileTarget, gitCommit, pkg, root } from "./build.ts";
import { resignMachoAdhoc } from "./macho-resign.ts";
import { checkMachoSignature } from "./macho-signature.ts";

const args = process.argv.slice(2);
const outIdx = args.indexOf("--out");
const out = outIdx >= 0 ? resolve(args[outIdx + 1]!) : join(root, "dist/release");
const NPM_SCOPE = "@ouroboros";

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, "npm"), { recursive: true });

const commit = gitCommit();
const sums: string[] = [];
for (const t of TARGETS) {
  const name = artifactName(t);
  const r = compileTarget(t, join(out, name), commit);
  if (!r.ok) {
    process.stderr.write(`${t.platform}: build failed: ${r.stderr.split("\n").slice(-3).join(" ")}\n`);
    process.exit(1);
  }
  // Bun signs darwin binaries itself, but a cross-compiled darwin-x64 keeps a signature that covers only
  // Bun's template (oven-sh/bun#39837): re-sign it ad hoc here, then verify; never publish a broken one.
  if (t.platform.startsWith("darwin")) {
    const file = join(out, name);
    let sig = checkMachoSignature(file);
    if (!sig.ok) {
      const resigned = resignMachoAdhoc(file);
      process.stderr.write(
        `${t.platform}: invalid code signature (${sig.reason}); ${resigned.ok ? "re-signed ad hoc" : `re-signing failed: ${resigned.reason}`}\n`,
      );
      sig = checkMachoSignature(file);
    }
    if (!sig.ok) {
      process.stderr.write(`${t.platform}: invalid code signature after re-signing: ${sig.reason}\n`);
      process.exit(1);
    }
  }
  // Hashed after any re-signing: SHA256SUMS must match the bytes we publish.
  const hash = new Bun.CryptoHasher("sha256").update(readFileSync(join(out, name))).digest("hex");
  sums.push(`${hash}  ${name}`);
  process.stderr.write(`${t.platform}: ${name} in ${r.ms} ms\n`);
}
writeFileSync(join(out, "SHA256SUMS"), `${sums.join("\n")}\n`);
writeFileSync(
  join(out, "release.json"),
  `${JSON.stringify({ version: pkg.version, commit, platforms: TARGETS.map((t) => t.platform) }, null, 2)}\n`,
);
copyFileSync(join(root, "install.sh"), join(out, "install.sh"));

// npm: one package per platform carrying its binary, and the launcher that picks the host's one.
const [osOf, cpuOf] = [
  (p: string) => (p.startsWith("windows") ? "win32" : p.split("-")[0]!),
  (p: string) => p.split("-")[1]!,
];
const packIdx = args.indexOf("--pack");
const packOnly = packIdx >= 0 ? new Set(args[packIdx + 1]!.split(",")) : null;
const dirs: string[] = [];
for (const t of TARGETS) {
  const dir = join(out, "npm", t.platform);
  const exe = `ouroboros${t.platform.startsWith("windows") ? ".exe" : ""}`;
  mkdirSync(join(dir, "bin"), { recursive: true });
  // A hard link: the same bytes as the download, without another 100 MB on disk.
  try {
    linkSync(join(out, artifactName(t)), join(dir, "bin", exe));
  } catch {
    copyFileSync(join(out, artifactName(t)), join(dir, "bin", exe));
  }
  const manifest = {
    name: `${NPM_SCOPE}/${t.platform}`,
    version: pkg.version,
    description: `The ouroboros binary for ${t.platform}`,
    os: [osOf(t.platform)],
    cpu: [cpuOf(t.platform)],
    files: [`bin/${exe}`],
    preferUnplugged: true,
    license: "MIT",
  };
  writeFileSync(join(dir, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  if (!packOnly || packOnly.has(t.platform)) dirs.push(dir);
}
{
  const dir = join(out, "npm", "ouroboros");
  mkdirSync(join(dir, "bin"), { recursive: true });
  copyFileSync(join(root, "scripts/npm/launcher.cjs"), join(dir, "bin/ouroboros.js"));
  const manifest = {
    name: "ouroboros",
    version: pkg.version,
    description: "Spec-first workflow engine for AI coding agents (launcher for the platform binary)",
    bin: { ouroboros: "bin/ouroboros.js" },
    files: ["bin/ouroboros.js"],
    engines: { node: ">=18" },
    license: "MIT",
    optionalDependencies: Object.fromEntries(TARGETS.map((t) => [`${NPM_SCOPE}/${t.platform}`, pkg.version])),
  };
  writeFileSync(join(dir, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  dirs.push(dir);
}
if (!args.includes("--no-pack")) {
  for (const dir of dirs) {
    const r = Bun.spawnSync(["npm", "pack", "--silent", "--pack-destination", join(out, "npm"), dir], {
      stdout: "pipe",
      stderr: "pipe",
    });
    if (r.exitCode !== 0) {
      process.stderr.write(`npm pack ${dir} failed: ${r.stderr.toString().trim()}\n`);
      process.exit(1);
    }
    process.stderr.write(`npm: ${r.stdout.toString().trim()}\n`);
  }
}
process.stderr.write(`release ${pkg.version} written to ${out}\n`);
