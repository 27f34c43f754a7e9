/**
 * Run the real CLI as a subprocess. Uses the compiled binary when OUROBOROS_TEST_BIN is set
 * (CI builds it first), otherwise the TypeScript entry through the pinned Bun.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const ROOT = resolve(import.meta.dir, "../..");
export const BUN = join(ROOT, "node_modules/.bin/bun");

export function cliArgv(): string[] {
  const bin = process.env.OUROBOROS_TEST_BIN;
  return bin ? [resolve(ROOT, bin)] : [BUN, join(ROOT, "src/cli/main.ts")];
}

export function tempHome(prefix = "ouro-test-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(
  args: string[],
  opts: { env?: Record<string, string | undefined>; cwd?: string; stdin?: string; home?: string } = {},
): Promise<CliResult> {
  const home = opts.home ?? tempHome();
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...process.env, OUROBOROS_HOME: home, NO_COLOR: "1", ...opts.env }))
    if (v !== undefined) env[k] = v;
  const proc = Bun.spawn([...cliArgv(), ...args], {
    cwd: opts.cwd ?? ROOT,
    env,
    stdin: opts.stdin !== undefined ? new Blob([opts.stdin]) : "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  return { code, stdout, stderr };
}

export const fixture = (...p: string[]) => join(ROOT, "test/fixtures", ...p);
