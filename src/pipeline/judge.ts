/**
 * Evaluation stages 2 and 3. Stage 2 scores every evaluation principle; the seed's weights
 * combine them (Σwᵢsᵢ/Σwᵢ). Approval needs compliance, score and weighted score at or above the
 * threshold, and no reward-hacking veto. Stage 3 (consensus) runs when a trigger fires.
 */
import * as v from "valibot";
import type { EvaluationPrinciple } from "../seed/schema.ts";
import { extractJson } from "../util/extract-json.ts";
import { MARK, runAgent, type Agent } from "./agent.ts";
import type { WorkspaceChange } from "./workspace.ts";

const unit = v.pipe(
  v.number(),
  v.transform((x) => Math.min(1, Math.max(0, x))),
);
export const JudgeReplySchema = v.object({
  ac_compliance: v.boolean(),
  score: unit,
  principles: v.optional(v.record(v.string(), unit), {}),
  reward_hacking_risk: v.optional(unit, 0),
  uncertainty: v.optional(unit, 0),
  drift_score: v.optional(unit, 0),
  reasoning: v.optional(v.string(), ""),
});
export type JudgeReply = v.InferOutput<typeof JudgeReplySchema>;
const VoteSchema = v.object({
  approved: v.boolean(),
  confidence: v.optional(unit, 0.5),
  reasoning: v.optional(v.string(), ""),
});

export interface Stage2 {
  outcome: "approved" | "rejected" | "unverifiable";
  reply: JudgeReply | null;
  weighted: number | null;
  principles: { name: string; weight: number; score: number }[];
  reasons: string[];
  raw_excerpt: string;
}

export function weightedScore(
  principles: readonly EvaluationPrinciple[],
  scores: Record<string, number>,
  fallback: number,
): { weighted: number; rows: Stage2["principles"] } {
  const rows = principles.map((p) => ({ name: p.name, weight: p.weight, score: scores[p.name] ?? fallback }));
  const total = rows.reduce((s, r) => s + r.weight, 0);
  const weighted = total > 0 ? rows.reduce((s, r) => s + r.weight * r.score, 0) / total : fallback;
  return { weighted: Math.round(weighted * 10000) / 10000, rows };
}

export function decide(
  reply: JudgeReply,
  principles: readonly EvaluationPrinciple[],
  threshold: number,
  veto: number,
): Omit<Stage2, "raw_excerpt"> {
  const { weighted, rows } = weightedScore(principles, reply.principles, reply.score);
  const reasons: string[] = [];
  if (!reply.ac_compliance) reasons.push("judge: not compliant with the acceptance criterion");
  if (reply.score < threshold) reasons.push(`score ${reply.score} < ${threshold}`);
  if (principles.length && weighted < threshold) reasons.push(`weighted principle score ${weighted} < ${threshold}`);
  if (reply.reward_hacking_risk >= veto)
    reasons.push(`reward-hacking risk ${reply.reward_hacking_risk} ≥ ${veto} (veto)`);
  return { outcome: reasons.length ? "rejected" : "approved", reply, weighted, principles: rows, reasons };
}

export interface JudgeInput {
  goal: string;
  ac: string;
  principles: readonly EvaluationPrinciple[];
  stage1: unknown;
  change: WorkspaceChange | null;
  commands: readonly unknown[];
  claim: string;
  /** How the claim is introduced (default: the implementer's unverified claim). */
  claimLabel?: string;
}

/** What the judge reads: the criterion, weighted principles, stage 1, the observed change, and the claim last. */
export function evidenceText(i: JudgeInput): string[] {
  const c = i.change;
  return [
    "Stage 1 (orchestrator's own checks, JSON):",
    JSON.stringify(i.stage1),
    ...(c
      ? [
          `Files changed (observed by the orchestrator, ${c.snapshot} snapshot): added ${JSON.stringify(c.added)}, modified ${JSON.stringify(c.modified)}, deleted ${JSON.stringify(c.deleted)}`,
          c.added.length + c.modified.length + c.deleted.length === 0
            ? "Diff: EMPTY — nothing in the workspace changed."
            : `Diff${c.diff_truncated ? " (cut to a bound; the rest is not shown)" : ""}:\n${c.diff}`,
        ]
      : []),
    ...(i.commands.length
      ? ["Commands the agent ran (from the runtime's tool events):", JSON.stringify(i.commands).slice(0, 3000)]
      : []),
    i.claimLabel ?? "The implementer's claim (unverified; do not trust it over the evidence above):",
    i.claim.slice(0, 3000) || "(no report)",
  ];
}

function judgePrompt(i: JudgeInput): string {
  return [
    MARK.judge,
    "You are the semantic judge of one acceptance criterion. Judge the observed change, not the claim.",
    `Goal: ${i.goal}`,
    `Acceptance criterion: ${i.ac}`,
    "Evaluation principles (score each 0..1 by name; weight in brackets):",
    ...i.principles.map((p) => `- ${p.name}: ${p.description} [weight ${p.weight}]`),
    ...evidenceText(i),
    'Reply with one JSON object: {"ac_compliance": bool, "score": 0..1, "principles": {"<name>": 0..1}, "reward_hacking_risk": 0..1, "uncertainty": 0..1, "drift_score": 0..1, "reasoning": "..."}',
  ].join("\n");
}

export async function stage2(
  agent: Agent,
  cwd: string,
  input: JudgeInput,
  threshold: number,
  veto: number,
  signal: AbortSignal,
): Promise<Stage2 & { tokens: number; costUsd: number; calls: number; repairs: number }> {
  const prompt = judgePrompt(input);
  let tokens = 0;
  let costUsd = 0;
  let calls = 0;
  let problem: string | null = null;
  let text = "";
  // One repair turn quoting the parse error; after that the verdict is unverifiable.
  for (let round = 0; round < 2; round++) {
    const repair = problem
      ? `\nYour previous reply could not be used: ${problem}. Reply with only the JSON object, nothing else.`
      : "";
    const r = await runAgent(agent, { prompt: prompt + repair, cwd, tools: [] }, signal);
    tokens += r.tokens;
    costUsd += r.costUsd;
    calls++;
    text = r.text;
    const acct = { tokens, costUsd, calls, repairs: round };
    if (!r.ok)
      return {
        outcome: "unverifiable",
        reply: null,
        weighted: null,
        principles: [],
        reasons: [`judge could not run: ${r.error}`],
        raw_excerpt: r.text.slice(0, 500),
        ...acct,
      };
    const json = extractJson(r.text);
    const parsed = json === null ? null : v.safeParse(JudgeReplySchema, json);
    if (parsed?.success)
      return {
        ...decide(parsed.output, input.principles, threshold, veto),
        raw_excerpt: r.text.slice(0, 500),
        ...acct,
      };
    problem =
      json === null
        ? "no JSON object found in the reply"
        : `${parsed!.issues[0].path?.map((p) => String(p.key)).join(".") ?? "reply"}: ${parsed!.issues[0].message}`;
  }
  return {
    outcome: "unverifiable",
    reply: null,
    weighted: null,
    principles: [],
    reasons: [`judge reply is not the JSON asked for after one repair turn (${problem})`],
    raw_excerpt: text.slice(0, 500),
    tokens,
    costUsd,
    calls,
    repairs: 1,
  };
}

/** First matching trigger (strict >), or null. */
export function consensusTrigger(reply: JudgeReply | null, lateralAdopted: boolean): string | null {
  if (!reply) return null;
  if (reply.drift_score > 0.3) return "drift";
  if (reply.uncertainty > 0.3) return "uncertainty";
  if (lateralAdopted) return "lateral_thinking_adopted";
  return null;
}

export interface Stage3 {
  outcome: "approved" | "rejected" | "unverifiable";
  votes: { role: string; approved: boolean | null; confidence: number | null; reasoning: string }[];
  ratio: number | null;
}

export async function stage3(agent: Agent, cwd: string, input: JudgeInput, signal: AbortSignal): Promise<Stage3> {
  const roles = ["advocate", "devil", "judge"];
  const votes: Stage3["votes"] = [];
  for (const role of roles) {
    const prompt = [
      MARK.vote,
      `Role: ${role}.`,
      `Acceptance criterion: ${input.ac}`,
      ...evidenceText(input),
      'Reply {"approved": bool, "confidence": 0..1, "reasoning": "..."}',
    ].join("\n");
    const r = await runAgent(agent, { prompt, cwd, tools: [] }, signal);
    const p = r.ok ? v.safeParse(VoteSchema, extractJson(r.text)) : null;
    votes.push(
      p?.success
        ? { role, ...p.output }
        : { role, approved: null, confidence: null, reasoning: r.error ?? "unparseable vote" },
    );
  }
  const ok = votes.filter((x) => x.approved !== null);
  if (ok.length < 2) return { outcome: "unverifiable", votes, ratio: null };
  const ratio = Math.round((ok.filter((x) => x.approved).length / ok.length) * 100) / 100;
  return { outcome: ratio >= 0.66 ? "approved" : "rejected", votes, ratio };
}
