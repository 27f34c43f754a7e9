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

const NUMBER = String.raw`(\d+(?:\.\d+)?)`;
const UNIT_SECONDS: Record<string, number> = {
  s: 1,
  sec: 1,
  second: 1,
  seconds: 1,
  m: 60,
  min: 60,
  minute: 60,
  minutes: 60,
  h: 3600,
  hour: 3600,
  hours: 3600,
};
/** Word forms that mean a machine predicate: mapped when the seed loads, so they never cost a model call. */
const WORDED: [RegExp, (m: RegExpExecArray) => ExitPredicate][] = [
  [
    /^(?:when\s+)?(?:all|every|each)\s+(?:of\s+the\s+)?(?:the\s+)?(?:acceptance\s+criteri(?:a|on)|acs?|criteri(?:a|on))\s+(?:(?:is|are|have)\s+)?(?:pass(?:es|ed)?|met|satisfied|succeed(?:s|ed)?|green|done)\.?$/i,
    () => ({ kind: "all_acs_passed" }),
  ],
  [
    new RegExp(
      String.raw`^(?:the\s+)?(?:overall\s+|evaluation\s+)?score\s+(?:is\s+)?(?:at\s+least|of\s+at\s+least|>=|≥|reaches|of)\s+${NUMBER}\.?$`,
      "i",
    ),
    (m) => ({ kind: "score", min: Number(m[1]) }),
  ],
  [
    new RegExp(
      String.raw`^(?:after|at\s+most|no\s+more\s+than|max(?:imum)?(?:\s+of)?)\s+${NUMBER}\s+generations?\.?$`,
      "i",
    ),
    (m) => ({ kind: "generations", min: Number(m[1]) }),
  ],
  [
    new RegExp(
      String.raw`^(?:after|at\s+most|within|no\s+more\s+than)\s+${NUMBER}\s*(s|sec|seconds?|m|min|minutes?|h|hours?)\.?$`,
      "i",
    ),
    (m) => ({ kind: "elapsed_seconds", min: Math.round(Number(m[1]) * UNIT_SECONDS[m[2]!.toLowerCase()]!) }),
  ],
  [
    new RegExp(
      String.raw`^(?:the\s+)?(?:run\s+)?(?:cost|spend(?:ing)?)\s+(?:is\s+)?(?:at\s+least|exceeds|reaches|over|above|>=)\s+\$?${NUMBER}(?:\s*(?:usd|dollars))?\.?$`,
      "i",
    ),
    (m) => ({ kind: "cost_usd", min: Number(m[1]) }),
  ],
];

/** The machine predicate a worded condition means, or null when only a judge can answer it. */
export function wordedPredicate(text: string): ExitPredicate | null {
  for (const [re, make] of WORDED) {
    const m = re.exec(text.trim());
    if (m) return make(m);
  }
  return null;
}

export function parseExitCriteria(criteria: string): { predicate?: ExitPredicate; error?: string; worded?: boolean } {
  const text = criteria.trim();
  if (!KEYWORD.test(text)) {
    const mapped = wordedPredicate(text);
    if (mapped && !(mapped.kind === "score" && mapped.min > 1)) return { predicate: mapped, worded: true };
    return { predicate: { kind: "judged", text } };
  }
  if (/^all_acs_passed\s*$/.test(text)) return { predicate: { kind: "all_acs_passed" } };
  const m = NUM_PRED.exec(text);
  if (m) {
    const value = Number(m[2]);
    const kind = m[1] as "score" | "generations" | "elapsed_seconds" | "cost_usd";
    if (kind === "score" && value > 1) return { error: `score threshold ${value} is outside 0..1` };
    if ((kind === "generations" || kind === "elapsed_seconds") && !Number.isInteger(value))
      return { error: `${kind} needs a whole number` };
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
  const mapped = wordedPredicate(text);
  if (mapped && !(mapped.kind === "score" && mapped.min > 1)) return { predicate: mapped, worded: true };
  return {
    error: `malformed predicate '${text}'; expected all_acs_passed, score >= X, generations >= N, elapsed_seconds >= N, cost_usd >= X or command: <argv>`,
  };
}

/** Weighted principle normalisation: wᵢ/Σw; all-zero weights are an error. */
export function normalizeWeights<T extends { weight: number }>(
  ps: readonly T[],
): { items: (T & { normalized: number })[]; error?: string } {
  const total = ps.reduce((s, p) => s + p.weight, 0);
  if (ps.length && total === 0)
    return { items: ps.map((p) => ({ ...p, normalized: 0 })), error: "all evaluation principle weights are zero" };
  return {
    items: ps.map((p) => ({ ...p, normalized: ps.length ? Math.round((p.weight / total) * 10000) / 10000 : 0 })),
  };
}
