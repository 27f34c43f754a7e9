/**
 * `npm run release` output: five binaries whose headers match their platform (ELF / Mach-O / PE and
 * the CPU), darwin binaries with valid signatures and consistent load commands, SHA256SUMS over exactly those files, release.json, and the linux-x64 binary running
 * `--version` with version, commit and platform.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { openSync, readFileSync, readSync, closeSync } from "node:fs";
import { join } from "node:path";
import { RELEASE_TIMEOUT_MS, TEST_TIMEOUT_MS, readText, releaseDir } from "../lib/release.ts";
import { ROOT } from "../lib/cli.ts";
import { checkMachoSignature } from "../../scripts/macho-signature.ts";
import { readLoadCommands } from "../lib/macho.ts";

let dir = "";
beforeAll(async () => {
  dir = await releaseDir();
}, RELEASE_TIMEOUT_MS);

function head(file: string, n = 4096): Buffer {
  const fd = openSync(file, "r");
  const buf = Buffer.alloc(n);
  readSync(fd, buf, 0, n, 0);
  closeSync(fd);
  return buf;
}

/** Decode just enough of each executable format to name its OS family and CPU. */
function describeBinary(file: string): { format: string; cpu: string } {
  const b = head(file);
  if (b.readUInt32BE(0) === 0x7f454c46) {
    const machine = b.readUInt16LE(18);
    return { format: "ELF", cpu: machine === 0x3e ? "x64" : machine === 0xb7 ? "arm64" : `0x${machine.toString(16)}` };
  }
  if (b.readUInt32LE(0) === 0xfeedfacf) {
    const cpu = b.readUInt32LE(4);
    return {
      format: "Mach-O",
      cpu: cpu === 0x01000007 ? "x64" : cpu === 0x0100000c ? "arm64" : `0x${cpu.toString(16)}`,
    };
  }
  if (b.toString("latin1", 0, 2) === "MZ") {
    const pe = b.readUInt32LE(0x3c);
    if (b.toString("latin1", pe, pe + 4) !== "PE\0\0") return { format: "MZ without PE", cpu: "?" };
    const machine = b.readUInt16LE(pe + 4);
    return {
      format: "PE",
      cpu: machine === 0x8664 ? "x64" : machine === 0xaa64 ? "arm64" : `0x${machine.toString(16)}`,
    };
  }
  return { format: "unknown", cpu: "?" };
}

const EXPECTED = [
  ["ouroboros-linux-x64", "ELF", "x64"],
  ["ouroboros-linux-arm64", "ELF", "arm64"],
  ["ouroboros-darwin-x64", "Mach-O", "x64"],
  ["ouroboros-darwin-arm64", "Mach-O", "arm64"],
  ["ouroboros-windows-x64.exe", "PE", "x64"],
] as const;

describe("release artifacts", () => {
  test.each(EXPECTED)(
    "%s is a %s %s executable",
    (name, format, cpu) => {
      expect(describeBinary(join(dir, name))).toEqual({ format, cpu });
    },
    TEST_TIMEOUT_MS,
  );

  test(
    "SHA256SUMS lists every binary with its real hash, in sha256sum format",
    () => {
      const lines = readText(dir, "SHA256SUMS").trim().split("\n");
      expect(lines.map((l) => l.split("  ")[1]).sort()).toEqual(EXPECTED.map((e) => e[0]).sort());
      for (const line of lines) {
        const [hash, name] = line.split("  ");
        expect(new Bun.CryptoHasher("sha256").update(readFileSync(join(dir, name!))).digest("hex")).toBe(hash!);
      }
      // The installer's own tool agrees.
      const check = Bun.spawnSync(["sha256sum", "-c", "SHA256SUMS"], { cwd: dir, stdout: "pipe", stderr: "pipe" });
      expect(check.exitCode).toBe(0);
    },
    TEST_TIMEOUT_MS,
  );

  test(
    "each binary embeds the release's commit and its own platform name (and no other's)",
    () => {
      const release = JSON.parse(readText(dir, "release.json")) as {
        version: string;
        commit: string;
        platforms: string[];
      };
      expect(release.version).toBe(JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version);
      expect(release.platforms).toEqual(["linux-x64", "linux-arm64", "darwin-x64", "darwin-arm64", "windows-x64"]);
      for (const [name] of EXPECTED) {
        const bytes = readFileSync(join(dir, name)); // searched as bytes: no 100 MB string per binary
        const platform = name.replace(/^ouroboros-/, "").replace(/\.exe$/, "");
        expect(bytes.includes(`"${release.commit}"`)).toBe(true);
        // The --define'd platform literal as the bundler printed it; the others appear nowhere quoted.
        expect(release.platforms.filter((p) => bytes.includes(`"${p}"`))).toEqual([platform]);
      }
    },
    TEST_TIMEOUT_MS,
  );

  test(
    "darwin-arm64 carries a valid ad-hoc code signature (Apple silicon kills unsigned or mis-signed binaries)",
    () => {
      expect(checkMachoSignature(join(dir, "ouroboros-darwin-arm64"))).toMatchObject({ ok: true });
    },
    TEST_TIMEOUT_MS,
  );

  test(
    "darwin-x64 is validly signed or unsigned, never mis-signed",
    () => {
      // Bun 1.4.5 leaves it signed only up to its template's size; scripts/release.ts re-signs it ad hoc.
      const sig = checkMachoSignature(join(dir, "ouroboros-darwin-x64"));
      if (!sig.ok) expect(sig.reason).toStartWith("not signed");
    },
    TEST_TIMEOUT_MS,
  );

  test.each(["ouroboros-darwin-x64", "ouroboros-darwin-arm64"])(
    "%s: load commands agree with the file (__LINKEDIT ends it; signature and tables inside)",
    (name) => {
      const lc = readLoadCommands(join(dir, name));
      expect(lc.problems).toEqual([]);
      expect(lc.segments.map((s) => s.name)).toContain("__TEXT");
    },
    TEST_TIMEOUT_MS,
  );

  test(
    "linux-x64 runs: --version prints version, commit and platform",
    () => {
      if (`${process.platform}-${process.arch}` !== "linux-x64") return;
      const release = JSON.parse(readText(dir, "release.json")) as { version: string; commit: string };
      const r = Bun.spawnSync([join(dir, "ouroboros-linux-x64"), "--version"], { stdout: "pipe", stderr: "pipe" });
      expect(r.exitCode).toBe(0);
      expect(r.stdout.toString().trim()).toBe(`ouroboros ${release.version} (${release.commit}) linux-x64`);
    },
    TEST_TIMEOUT_MS,
  );
});
