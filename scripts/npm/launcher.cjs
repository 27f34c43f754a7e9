#!/usr/bin/env node
// The `ouroboros` npm package's bin (copied by scripts/release.ts). The real program is a compiled
// binary shipped in one optional dependency per platform (@ouroboros/<platform>, limited by `os`/`cpu`),
// so npm installs only the host's; this file finds it and runs it with our arguments and stdio.
"use strict";
const { spawn } = require("node:child_process");

const os = process.platform === "win32" ? "windows" : process.platform;
const platform = `${os}-${process.arch}`;
const pkg = `@ouroboros/${platform}`;
const exe = `ouroboros${os === "windows" ? ".exe" : ""}`;

let binary;
try {
  binary = require.resolve(`${pkg}/bin/${exe}`);
} catch {
  process.stderr.write(
    `ouroboros: no binary for ${platform}: the package ${pkg} is not installed.\n` +
      "npm installs it as an optional dependency of `ouroboros`; it is missing when optional dependencies are\n" +
      "omitted (--omit=optional, --no-optional) or when no release exists for this platform.\n" +
      "Reinstall with optional dependencies, or download the binary with install.sh from the release page.\n",
  );
  process.exit(1);
}

const child = spawn(binary, process.argv.slice(2), { stdio: "inherit" });
// Ctrl-C reaches the child from the terminal itself: wait for it to save and exit instead of dying first.
process.on("SIGINT", () => {});
for (const sig of ["SIGTERM", "SIGHUP"]) process.on(sig, () => child.kill(sig));
child.on("error", (e) => {
  process.stderr.write(`ouroboros: cannot run ${binary}: ${e.message}\n`);
  process.exit(1);
});
child.on("exit", (code, signal) => {
  // Killed by a signal: die the same way, so shells and supervisors see the real cause.
  if (signal) {
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
  }
  process.exit(code ?? 1);
});
