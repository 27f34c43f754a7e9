/**
 * The one evaluation path, used by the pipeline for every attempt and by MCP `ouroboros_evaluate`:
 * stage 1 (the criterion's own checks, no model), stage 2 (the judge reads the observed change),
 * stage 3 (consensus, only to confirm an approval). Approval rules are the same everywhere:
 * stage 1 must not fail, the judge must approve, and consensus can withhold an approval but never
 * grant one. A verifier that could not answer makes the verdict `unverifiable`, never passed or failed.
 */
import type { Config } from "../config/schema.ts";
import type { AcceptanceCriterion, EvaluationPrinciple } from "../seed/schema.ts";
import type { Agent } from "./agent.ts";
import { consensusTrigger, stage2, stage3, type Stage2, type Stage3 } from "./judge.ts";
import { checkArtifacts, runCheck, type ArtifactEvidence, type CommandEvidence } from "./mechanical.ts";
import type { WorkspaceChange } from "./workspace.ts";

export interface ObservedCommand {
  tool: string;
  command: string;
  exit_code: number | null;
  is_error: boolean | null;
}

export interface Stage1 {
  outcome: "passed" | "failed" | "unverifiable" | "skipped";
  reasons: string[];
  checks: CommandEvidence[];
  artifacts: ArtifactEvidence[];
  reason?: string;
}

/** Stage 1: verify_command (+ output_assertion) and expected_artifacts of each criterion. */
export async function stage1(
  acs: readonly AcceptanceCriterion[],
  cwd: string,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<Stage1> {
  const checks: CommandEvidence[] = [];
  const reasons: string[] = [];
  for (const ac of acs) {
    if (!ac.verify_command) continue;
    const ev = await runCheck("verify", ac.verify_command, cwd, timeoutMs, [], signal);
    if (ac.output_assertion && ev.outcome === "passed" && !(ev.output ?? "").includes(ac.output_assertion))
      Object.assign(ev, {
        outcome: "failed",
        reason: `output does not contain ${JSON.stringify(ac.output_assertion)}`,
      });
    delete ev.output;
    checks.push(ev);
    if (ev.outcome === "failed")
      reasons.push(
        `verify_command '${ac.verify_command}' failed (exit ${ev.exit_code})${ev.reason ? `: ${ev.reason}` : ""}: ${ev.output_tail.slice(-300)}`,
      );
  }
  const artifacts = checkArtifacts(
    cwd,
    acs.flatMap((a) => a.expected_artifacts ?? []),
  );
  for (const a of artifacts)
    if (!a.exists) reasons.push(`expected artifact missing: ${a.path}${a.reason ? ` (${a.reason})` : ""}`);
  const unverifiable = checks.some((c) => c.outcome === "unverifiable");
  const outcome = reasons.length
    ? "failed"
    : unverifiable
      ? "unverifiable"
      : checks.length || artifacts.length
        ? "passed"
        : "skipped";
  const reason =
    outcome === "skipped"
      ? "no verify_command or expected_artifacts"
      : unverifiable
        ? checks.find((c) => c.reason)?.reason
        : undefined;
  return { outcome, reasons, checks, artifacts, ...(reason ? { reason } : {}) };
}

export interface EvaluationRequest {
  judge: Agent;
  cwd: string;
  goal: string;
  /** The criterion text the judge reads. */
  ac: string;
  /** The seed criteria whose checks stage 1 runs (empty for a derived sub-criterion or free text). */
  criteria: readonly AcceptanceCriterion[];
  principles: readonly EvaluationPrinciple[];
  /** What the orchestrator observed (null when there is no workspace change to show, e.g. MCP). */
  change: WorkspaceChange | null;
  commands: readonly ObservedCommand[];
  /** The agent's own report or the caller's artefact text: a claim, labelled as such. */
  claim: string;
  claimLabel?: string;
  config: Config;
  triggerConsensus?: boolean;
  lateralAdopted?: boolean;
  signal: AbortSignal;
  /** Called as each stage ends (the caller decides the event names). */
  onStage?: (stage: 1 | 2 | 3, outcome: string, evidence: Record<string, unknown>) => void | Promise<void>;
}

export interface Verdict {
  outcome: "approved" | "rejected" | "unverifiable";
  /** Who said no: the coder's work was rejected (stage1/judge/consensus), or nobody could decide. */
  rejectedBy: "stage1" | "judge" | "consensus" | null;
  reasons: string[];
  score: number | null;
  weighted: number | null;
  drift: number | null;
  stage1: Stage1;
  stage2: Stage2 | null;
  stage3: Stage3 | null;
  tokens: number;
  costUsd: number;
  modelCalls: number;
}

export async function evaluateCriterion(r: EvaluationRequest): Promise<Verdict> {
  const s1 = await stage1(r.criteria, r.cwd, r.config.execution.verify_command_timeout_seconds * 1000, r.signal);
  await r.onStage?.(1, s1.outcome, {
    checks: s1.checks,
    artifacts: s1.artifacts,
    reasons: s1.reasons,
    ...(s1.reason ? { reason: s1.reason } : {}),
  });
  const base = {
    score: null,
    weighted: null,
    drift: null,
    stage1: s1,
    stage2: null,
    stage3: null,
    tokens: 0,
    costUsd: 0,
    modelCalls: 0,
  };
  if (s1.outcome === "failed") return { ...base, outcome: "rejected", rejectedBy: "stage1", reasons: s1.reasons };
  // Every check could not run: the judge alone may not pass it unless the seed says why (verify_exemption_reason).
  const allUnverifiable =
    s1.checks.length > 0 && s1.checks.every((c) => c.outcome === "unverifiable") && s1.artifacts.length === 0;
  const exempt = r.criteria.some((c) => c.verify_exemption_reason);
  if (allUnverifiable && !exempt)
    return {
      ...base,
      outcome: "unverifiable",
      rejectedBy: null,
      reasons: [
        `every check is unverifiable (${s1.reason ?? "could not run"}); the judge alone may not pass it without verify_exemption_reason`,
      ],
    };

  const input = {
    goal: r.goal,
    ac: r.ac,
    principles: r.principles,
    stage1: s1,
    change: r.change,
    commands: r.commands,
    claim: r.claim,
    claimLabel: r.claimLabel,
  };
  const s2 = await stage2(
    r.judge,
    r.cwd,
    input,
    r.config.evaluation.satisfaction_threshold,
    r.config.evaluation.reward_hacking_veto,
    r.signal,
  );
  await r.onStage?.(2, s2.outcome, {
    score: s2.reply?.score ?? null,
    weighted: s2.weighted,
    principles: s2.principles,
    reward_hacking_risk: s2.reply?.reward_hacking_risk ?? null,
    reasons: s2.reasons,
    reasoning: s2.reply?.reasoning ?? s2.raw_excerpt,
    repair_turns: s2.repairs,
  });
  const after2 = {
    ...base,
    score: s2.reply?.score ?? null,
    weighted: s2.weighted,
    drift: s2.reply?.drift_score ?? null,
    stage2: s2,
    tokens: s2.tokens,
    costUsd: s2.costUsd,
    modelCalls: s2.calls,
  };
  if (s2.outcome === "unverifiable")
    return { ...after2, outcome: "unverifiable", rejectedBy: null, reasons: s2.reasons };
  if (s2.outcome === "rejected") return { ...after2, outcome: "rejected", rejectedBy: "judge", reasons: s2.reasons };

  // Consensus only ever confirms an approval, so it runs only after one.
  const trigger = r.triggerConsensus ? "requested" : consensusTrigger(s2.reply, r.lateralAdopted ?? false);
  if (!trigger) return { ...after2, outcome: "approved", rejectedBy: null, reasons: [] };
  const s3 = await stage3(r.judge, r.cwd, input, r.signal);
  await r.onStage?.(3, s3.outcome, { trigger, votes: s3.votes, majority_ratio: s3.ratio });
  const done = { ...after2, stage3: s3, modelCalls: after2.modelCalls + s3.votes.length };
  if (s3.outcome === "approved") return { ...done, outcome: "approved", rejectedBy: null, reasons: [] };
  if (s3.outcome === "unverifiable")
    return {
      ...done,
      outcome: "unverifiable",
      rejectedBy: null,
      reasons: ["consensus could not be reached (fewer than 2 usable votes)"],
    };
  return {
    ...done,
    outcome: "rejected",
    rejectedBy: "consensus",
    reasons: [`consensus rejected (majority ${s3.ratio})`],
  };
}
