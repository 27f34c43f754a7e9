/**
 * Ambiguity score: ambiguity = round(1 − Σ wᵢ·clarityᵢ, 4) over goal,
 * constraints and success criteria (+ context when brownfield), with per-dimension floors.
 * The model only supplies clarity numbers; everything here is deterministic.
 */
import * as v from "valibot";

export const DIMENSIONS = ["goal", "constraints", "success_criteria", "context"] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export const WEIGHTS = {
  greenfield: { goal: 0.4, constraints: 0.3, success_criteria: 0.3 },
  brownfield: { goal: 0.35, constraints: 0.25, success_criteria: 0.25, context: 0.15 },
} as const;

export const FLOORS: Readonly<Record<Dimension, number>> = {
  goal: 0.75,
  constraints: 0.65,
  success_criteria: 0.7,
  context: 0.6,
};
export const LABELS: Readonly<Record<Dimension, string>> = {
  goal: "Goal Clarity",
  constraints: "Constraint Clarity",
  success_criteria: "Success Criteria Clarity",
  context: "Context Clarity",
};
/** Scoring (and so early exit) starts with this round. */
export const FIRST_SCORED_ROUND = 3;
export const DEFAULT_THRESHOLD = 0.2;

/** A finite number, clamped into [0, 1]; NaN/Infinity/strings are malformed. */
const clarity = v.pipe(
  v.number(),
  v.finite("clarity must be a finite number"),
  v.transform((n) => Math.min(1, Math.max(0, n))),
);

/** The model's JSON reply. */
export const ScoreReplySchema = v.looseObject({
  goal_clarity_score: clarity,
  goal_clarity_justification: v.optional(v.string(), ""),
  constraint_clarity_score: clarity,
  constraint_clarity_justification: v.optional(v.string(), ""),
  success_criteria_clarity_score: clarity,
  success_criteria_clarity_justification: v.optional(v.string(), ""),
  context_clarity_score: v.optional(clarity),
  context_clarity_justification: v.optional(v.string(), ""),
});
export type ScoreReply = v.InferOutput<typeof ScoreReplySchema>;

export const ComponentSchema = v.object({
  name: v.picklist(DIMENSIONS),
  clarity_score: v.number(),
  weight: v.number(),
  justification: v.string(),
});
export const AmbiguitySchema = v.object({
  ambiguity_score: v.number(),
  breakdown: v.array(ComponentSchema),
  ready: v.boolean(),
  /** Human lines such as "Goal Clarity 0.70 < 0.75" or "Context Clarity missing". */
  unmet: v.array(v.string()),
  threshold: v.number(),
  milestone: v.picklist(["initial", "progress", "refined", "ready"]),
});
export type Ambiguity = v.InferOutput<typeof AmbiguitySchema>;

export function milestone(score: number): Ambiguity["milestone"] {
  if (score <= 0.2) return "ready";
  if (score <= 0.3) return "refined";
  if (score <= 0.4) return "progress";
  return "initial";
}

const round4 = (n: number) => Math.round(n * 10_000) / 10_000;
const fmt2 = (n: number) => n.toFixed(2);

/** Score from the clarity numbers. A brownfield reply without a context score drops that weight. */
export function computeAmbiguity(reply: ScoreReply, brownfield: boolean, threshold = DEFAULT_THRESHOLD): Ambiguity {
  const weights: Partial<Record<Dimension, number>> = brownfield ? WEIGHTS.brownfield : WEIGHTS.greenfield;
  const values: Partial<Record<Dimension, { score: number; why: string }>> = {
    goal: { score: reply.goal_clarity_score, why: reply.goal_clarity_justification },
    constraints: { score: reply.constraint_clarity_score, why: reply.constraint_clarity_justification },
    success_criteria: {
      score: reply.success_criteria_clarity_score,
      why: reply.success_criteria_clarity_justification,
    },
  };
  if (brownfield && reply.context_clarity_score !== undefined)
    values.context = { score: reply.context_clarity_score, why: reply.context_clarity_justification };
  const breakdown: Ambiguity["breakdown"] = [];
  const unmet: string[] = [];
  let sum = 0;
  for (const name of DIMENSIONS) {
    const w = weights[name];
    if (w === undefined) continue;
    const val = values[name];
    if (!val) {
      unmet.push(`${LABELS[name]} missing`);
      continue;
    }
    sum += w * val.score;
    breakdown.push({ name, clarity_score: val.score, weight: w, justification: val.why });
    if (val.score < FLOORS[name]) unmet.push(`${LABELS[name]} ${fmt2(val.score)} < ${fmt2(FLOORS[name])}`);
  }
  const score = round4(1 - sum);
  return {
    ambiguity_score: score,
    breakdown,
    ready: score <= threshold && unmet.length === 0,
    unmet,
    threshold,
    milestone: milestone(score),
  };
}

/** "Ambiguity 0.34 ████████░░ · Goal 0.80 · Constraints 0.60 < 0.65 …" for progress lines. */
export function describeAmbiguity(a: Ambiguity, width = 20): string {
  const filled = Math.round((1 - Math.min(1, a.ambiguity_score)) * width);
  const bar = "█".repeat(filled) + "░".repeat(width - filled);
  const dims = a.breakdown.map(
    (c) =>
      `${LABELS[c.name].replace(" Clarity", "")} ${fmt2(c.clarity_score)}${c.clarity_score < FLOORS[c.name] ? "✗" : "✓"}`,
  );
  return `Ambiguity ${fmt2(a.ambiguity_score)} ${bar} (seed threshold ≤ ${fmt2(a.threshold)}) · ${dims.join(" · ")}${a.ready ? " · ready" : ""}`;
}

/** Why an interview is not ready yet, in one line ("ambiguity 0.18 ≤ 0.20, but Goal Clarity 0.70 < 0.75"). */
export function notReadyReason(a: Ambiguity | null): string {
  if (!a) return `no ambiguity score yet (scoring starts at round ${FIRST_SCORED_ROUND})`;
  const head =
    a.ambiguity_score > a.threshold
      ? `ambiguity ${fmt2(a.ambiguity_score)} is above the seed threshold ${fmt2(a.threshold)}`
      : `ambiguity ${fmt2(a.ambiguity_score)} meets the threshold ${fmt2(a.threshold)}`;
  if (!a.unmet.length) return head;
  return `${head}${a.ambiguity_score > a.threshold ? "; " : ", but "}${a.unmet.join("; ")}`;
}
