/**
 * Exit-condition criteria: a machine predicate when it matches one of the known forms,
 * otherwise a judged (natural-language) condition. A known keyword with a malformed
 * predicate is an error, never silently judged.
 */
import { splitArgv, staticCommandProblem } from "../security/executable.ts";

export { splitArgv };

export type ExitPredicate =
  | { kind: "all_acs_passed" }
  | { kind: "score"; min: number }
  | { kind: "generations"; min: number }
  | { kind: "elapsed_seconds"; min: number }
  | { kind: "cost_usd"; min: number }
  | { kind: "command"; argv: string[] }
  | { kind: "judged"; text: string };

const KEYWORD = /^\s*(all_acs_passed|score|generations|elapsed_seconds|cost_usd|command)\b/;
const NUM_PRED = /^\s*(score|generations|elapsed_seconds|cost_usd)\s*>=\s*(\d+(?:\.\d+)?)\s*$/;

export function parseExitCriteria(criteria: string): { predicate?: ExitPredicate; error?: string } {
  const text = criteria.trim();
  if (!KEYWORD.test(text)) return { predicate: { kind: "judged", text } };
  if (/^all_acs_passed\s*$/.test(text)) return { predicate: { kind: "all_acs_passed" } };
  const m = NUM_PRED.exec(text);
  if (m) {
    const value = Number(m[2]);
    const kind = m[1] as "score" | "generations" | "elapsed_seconds" | "cost_usd";
    if (kind === "score" && value > 1) return { error: `score threshold ${value} is outside 0..1` };
    if ((kind === "generations" || kind === "elapsed_seconds") && !Number.isInteger(value)) return { error: `${kind} needs a whole number` };
    return { predicate: { kind, min: value } };
  }
  if (/^command\s*:/.test(text)) {
    const cmd = text.replace(/^command\s*:\s*/, "");
    if (!cmd) return { error: "command: needs a command line" };
    // The same executable rules (and messages) as verify_command, checked by validate, dry-run and the runner.
    const problem = staticCommandProblem(cmd);
    if (problem) return { error: problem };
    return { predicate: { kind: "command", argv: splitArgv(cmd)! } };
  }
  return {
    error: `malformed predicate '${text}'; expected all_acs_passed, score >= X, generations >= N, elapsed_seconds >= N, cost_usd >= X or command: <argv>`,
  };
}

/** Weighted principle normalisation: wᵢ/Σw; all-zero weights are an error. */
export function normalizeWeights<T extends { weight: number }>(ps: readonly T[]): { items: (T & { normalized: number })[]; error?: string } {
  const total = ps.reduce((s, p) => s + p.weight, 0);
  if (ps.length && total === 0) return { items: ps.map((p) => ({ ...p, normalized: 0 })), error: "all evaluation principle weights are zero" };
  return { items: ps.map((p) => ({ ...p, normalized: ps.length ? Math.round((p.weight / total) * 10000) / 10000 : 0 })) };
}
