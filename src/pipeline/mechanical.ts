/**
 * Evaluation stage 1 — mechanical, no model. Commands run as argv without a shell: shell
 * operators are refused, the executable must be on the allowlist, and a toolchain must be declared
 * by the repository (cargo needs Cargo.toml). A check that cannot run is `unverifiable`, never
 * passed or failed; a missing mechanical.toml is `skipped` with its reason.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { parse as parseToml } from "smol-toml";
import * as v from "valibot";
import { commandEnv } from "../security/child-env.ts";
import { redactText } from "../security/redact.ts";
// Loading the registry registers the runtimes' key variables with redaction (command output tails).
import "../runtime/registry.ts";
import {
  argumentProblem,
  resolveExecutable,
  SHELL_OPERATORS,
  splitArgv,
  staticCommandProblem,
  staysInside,
} from "../security/executable.ts";

export { SHELL_OPERATORS };

/** Toolchains that only make sense when the repository declares them. */
const DECLARED_BY: Record<string, string[]> = {
  cargo: ["Cargo.toml"],
  go: ["go.mod"],
  npm: ["package.json"],
  pnpm: ["package.json"],
  yarn: ["package.json"],
  npx: ["package.json"],
  gradle: ["build.gradle", "build.gradle.kts"],
  mvn: ["pom.xml"],
  make: ["Makefile", "makefile", "GNUmakefile"],
  just: ["justfile", "Justfile"],
  bundle: ["Gemfile"],
  composer: ["composer.json"],
};

export const MechanicalSchema = v.strictObject({
  lint: v.optional(v.string()),
  build: v.optional(v.string()),
  test: v.optional(v.string()),
  static: v.optional(v.string()),
  coverage: v.optional(v.string()),
  timeout: v.optional(v.pipe(v.number(), v.minValue(1)), 300),
  coverage_threshold: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(1)), 0.7),
  allow: v.optional(v.array(v.string()), []),
});
export type MechanicalConfig = v.InferOutput<typeof MechanicalSchema>;
export const CHECKS = ["lint", "build", "test", "static", "coverage"] as const;

export interface CommandEvidence {
  /** Full combined output, for output_assertion; not written to the log (output_tail is). */
  output?: string;
  check: string;
  command: string;
  argv: string[];
  outcome: "passed" | "failed" | "unverifiable";
  exit_code: number | null;
  duration_ms: number;
  output_tail: string;
  reason?: string;
}

/** Why a command may not run, or null: the shared static rules, then the declared-toolchain rule. */
export function commandProblem(command: string, cwd: string, allow: readonly string[] = []): string | null {
  const problem = staticCommandProblem(command, allow);
  if (problem) return problem;
  const name = splitArgv(command)![0]!;
  const needs = DECLARED_BY[name];
  if (needs && !needs.some((f) => existsSync(join(cwd, f))))
    return `'${name}' needs ${needs.join(" or ")} in the project`;
  return null;
}

export async function runCheck(
  check: string,
  command: string,
  cwd: string,
  timeoutMs: number,
  allow: readonly string[] = [],
  signal?: AbortSignal,
): Promise<CommandEvidence> {
  const started = performance.now();
  const base = { check, command, argv: splitArgv(command) ?? [], exit_code: null, duration_ms: 0, output_tail: "" };
  const problem = commandProblem(command, cwd, allow);
  if (problem) return { ...base, outcome: "unverifiable", reason: problem };
  const resolved = resolveExecutable(base.argv[0]!, cwd);
  if (!resolved.ok) return { ...base, outcome: "unverifiable", reason: resolved.problem };
  const argProblem = argumentProblem(base.argv.slice(1), cwd);
  if (argProblem) return { ...base, outcome: "unverifiable", reason: argProblem };
  try {
    // No credentials: a command that prints its environment must find nothing worth stealing.
    const proc = Bun.spawn([resolved.exe, ...base.argv.slice(1)], {
      cwd,
      env: commandEnv(),
      stdout: "pipe",
      stderr: "pipe",
      stdin: "ignore",
      timeout: timeoutMs,
      killSignal: "SIGKILL",
      signal,
    });
    const [out, err, code] = await Promise.all([
      new Response(proc.stdout).text(),
      new Response(proc.stderr).text(),
      proc.exited,
    ]);
    const combined = `${out}${err}`;
    const timedOut = proc.signalCode === "SIGKILL" && performance.now() - started >= timeoutMs - 50;
    return {
      ...base,
      outcome: timedOut ? "unverifiable" : code === 0 ? "passed" : "failed",
      exit_code: code,
      duration_ms: Math.round(performance.now() - started),
      // Redacted before cutting, so a key straddling the cut cannot leave half of itself behind.
      output_tail: redactText(combined).slice(-2000),
      output: combined,
      ...(timedOut ? { reason: `timed out after ${timeoutMs} ms` } : {}),
    };
  } catch (e) {
    return { ...base, outcome: "unverifiable", reason: `could not start: ${(e as Error).message}` };
  }
}

export interface ArtifactEvidence {
  path: string;
  exists: boolean;
  sha256: string | null;
  /** Set when the path is a symlink leaving the project: it does not count as present. */
  reason?: string;
}

export function checkArtifacts(cwd: string, paths: readonly string[]): ArtifactEvidence[] {
  return paths.map((p) => {
    const full = join(cwd, p);
    const where = staysInside(cwd, p);
    if (!where.inside)
      return {
        path: p,
        exists: false,
        sha256: null,
        reason: where.real ? `symlink resolves outside the project directory (${where.real})` : "dangling symlink",
      };
    try {
      const st = statSync(full);
      const sha256 = st.isFile() ? createHash("sha256").update(readFileSync(full)).digest("hex") : null;
      return { path: p, exists: true, sha256 };
    } catch {
      return { path: p, exists: false, sha256: null };
    }
  });
}

/** Read .ouroboros/mechanical.toml; problems carry the file's line numbers. */
export function loadMechanical(projectDir: string): {
  config?: MechanicalConfig;
  file: string;
  problems: { line: number; col: number; message: string }[];
} {
  const file = join(projectDir, ".ouroboros", "mechanical.toml");
  if (!existsSync(file)) return { file, problems: [] };
  const text = readFileSync(file, "utf8");
  let raw: unknown;
  try {
    raw = parseToml(text);
  } catch (e) {
    const err = e as { line?: number; column?: number; message: string };
    return { file, problems: [{ line: err.line ?? 1, col: err.column ?? 1, message: err.message.split("\n")[0]! }] };
  }
  const parsed = v.safeParse(MechanicalSchema, raw);
  // Position of the key's value (or of its first shell operator) for line:col reports.
  const lineOf = (key: string) => {
    const lines = text.split("\n");
    const i = lines.findIndex((l) => new RegExp(`^\\s*${key}\\s*=`).test(l));
    if (i < 0) return { line: 1, col: 1 };
    const op = SHELL_OPERATORS.exec(lines[i]!);
    return { line: i + 1, col: (op ? op.index : lines[i]!.indexOf("=") + 1) + 1 };
  };
  if (!parsed.success)
    return {
      file,
      problems: parsed.issues.map((i) => ({
        ...lineOf(String(i.path?.[0]?.key ?? "")),
        message: `${i.path?.map((p) => String(p.key)).join(".") ?? ""}: ${i.message}`,
      })),
    };
  const problems = CHECKS.flatMap((k) => {
    const cmd = parsed.output[k];
    const p = cmd ? commandProblem(cmd, projectDir, parsed.output.allow) : null;
    return p ? [{ ...lineOf(k), message: `${k}: ${p}` }] : [];
  });
  return { config: parsed.output, file, problems };
}
