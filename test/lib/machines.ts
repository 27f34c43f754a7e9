/**
 * "Machines" sharing one PostgreSQL database: each is its own OUROBOROS_HOME and
 * OUROBOROS_HOSTNAME, running the built binary in its own processes with the real Codex CLI
 * against a loopback scripted model. Used by the two-machine pipeline test and the MCP one.
 */
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "bun:test";
import { cliEnv } from "./cli-env.ts";
import { cliArgv, ROOT } from "./cli.ts";

export const codexInstalled = existsSync(join(ROOT, "node_modules/.bin/codex"));
export const temp = (prefix: string) => mkdtempSync(join(tmpdir(), prefix));

export interface Machine {
  name: string;
  home: string;
  env: Record<string, string>;
}

/** A machine named `name` (host `machine-<name>`) on database `url`, its agents talking to `modelUrl`. */
export function machine(name: string, url: string, modelUrl: string, extra: Record<string, string> = {}): Machine {
  const ce = cliEnv("codex", modelUrl, { shared: true });
  const home = temp(`two-${name}-`);
  return {
    name,
    home,
    env: {
      ...ce.env,
      PATH: `${join(ROOT, "node_modules/.bin")}:${ce.env.PATH}`,
      OUROBOROS_HOME: home,
      OUROBOROS_PASS_ENV: "MOCK_API_KEY",
      OUROBOROS_DATABASE_URL: url,
      OUROBOROS_HOSTNAME: `machine-${name}`,
      ...extra,
    },
  };
}

export const spawnOn = (m: Machine, args: string[]) =>
  Bun.spawn([...cliArgv(), ...args], { env: m.env, stdout: "pipe", stderr: "pipe" });

export async function cliOn(m: Machine, args: string[]) {
  const p = spawnOn(m, args);
  const [stdout, stderr, code] = await Promise.all([
    new Response(p.stdout).text(),
    new Response(p.stderr).text(),
    p.exited,
  ]);
  return { stdout, stderr, code };
}

/** Poll `probe` until it gives a value (throws after `deadlineMs`). */
export async function until<T>(probe: () => Promise<T | null | false>, deadlineMs = 120_000): Promise<T> {
  const end = Date.now() + deadlineMs;
  while (Date.now() < end) {
    const v = await probe();
    if (v) return v;
    await Bun.sleep(25);
  }
  throw new Error("no progress before the deadline");
}

/** Neither machine wrote a local SQLite file. */
export function noLocalDb(...ms: Machine[]): void {
  for (const m of ms) expect(existsSync(join(m.home, "ouroboros.db")), m.home).toBe(false);
}
