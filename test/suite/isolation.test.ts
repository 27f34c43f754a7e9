/**
 * `npm test` runs test files in parallel processes (`bun test --parallel`), and other checkouts may
 * share $TMPDIR. What those processes could collide on is kept apart or guarded: each process has
 * its own shared per-CLI HOME (named by its pid, removed once it is gone); the release build cache
 * admits one builder per source hash through a lock that a dead builder cannot hold forever; every
 * server a test starts binds port 0.
 */
import { expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { cliEnv } from "../lib/cli-env.ts";
import { BUN, ROOT } from "../lib/cli.ts";
import { takeLock } from "../lib/release.ts";

const NO_MODEL = "http://127.0.0.1:9";

async function until(ok: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (!ok() && Date.now() < end) await Bun.sleep(100);
  return ok();
}

test("each process has its own shared CLI HOME, removed once that process has exited", async () => {
  const mine = cliEnv("codex", NO_MODEL, { shared: true }).home;
  expect(cliEnv("codex", NO_MODEL, { shared: true }).home).toBe(mine);
  expect(mine).toContain(String(process.pid));

  const dir = mkdtempSync(join(tmpdir(), "ouro-isolation-"));
  const probe = join(dir, "probe.ts");
  writeFileSync(
    probe,
    `import { cliEnv } from ${JSON.stringify(join(ROOT, "test/lib/cli-env.ts"))};\n` +
      `console.log(cliEnv("codex", ${JSON.stringify(NO_MODEL)}, { shared: true }).home);\n`,
  );
  const runProbe = async () => {
    const p = Bun.spawn([BUN, probe], { stdout: "pipe", stderr: "inherit" });
    const [out, code] = await Promise.all([new Response(p.stdout).text(), p.exited]);
    expect(code).toBe(0);
    return out.trim();
  };
  const [a, b] = await Promise.all([runProbe(), runProbe()]);
  rmSync(dir, { recursive: true, force: true });
  expect(new Set([a, b, mine]).size).toBe(3);
  // The sweeper polls once a second; a generous bound for a loaded machine.
  expect(await until(() => !existsSync(a) && !existsSync(b), 60_000)).toBe(true);
  expect(existsSync(mine)).toBe(true);
});

test("the release cache lock: one holder at a time, taken over only from a builder that is gone", async () => {
  const dir = mkdtempSync(join(tmpdir(), "ouro-release-lock-"));
  const lock = join(dir, "hash.lock");
  expect(takeLock(lock)).toBe(true);
  expect(readFileSync(join(lock, "pid"), "utf8")).toBe(String(process.pid));
  expect(takeLock(lock)).toBe(false);

  // A builder that died (kill -9) leaves its lock behind: the next process waits once, then builds.
  const dead = Bun.spawn(["true"]);
  await dead.exited;
  writeFileSync(join(lock, "pid"), String(dead.pid));
  expect(takeLock(lock)).toBe(false);
  expect(takeLock(lock)).toBe(true);
  rmSync(dir, { recursive: true, force: true });
});

test("servers started by tests bind port 0 (parallel processes never race for a fixed port)", () => {
  const fixed: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".ts"))
        readFileSync(p, "utf8")
          .split("\n")
          .forEach((line, i) => {
            if (/\bport:\s*[1-9]|--port["',\s]+[1-9]|\.listen\(\s*[1-9]/.test(line))
              fixed.push(`${relative(ROOT, p)}:${i + 1}: ${line.trim()}`);
          });
    }
  };
  walk(join(ROOT, "test"));
  expect(fixed).toEqual([]);
});
