/**
 * One leaf AC through phases 3–5: Double Diamond attempts, evaluation of each attempt, and the
 * resilience loop (retries, stagnation → lateral persona, tier escalation) until a verdict.
 */
import { executionModel } from "../config/models.ts";
import type { Config, Tier } from "../config/schema.ts";
import type { AcceptanceCriterion, Seed } from "../seed/schema.ts";
import type { Agent, AgentEvent } from "./agent.ts";
import { runDiamond, sha256 } from "./diamond.ts";
import { consensusTrigger, stage2, stage3 } from "./judge.ts";
import { checkArtifacts, runCheck, type CommandEvidence } from "./mechanical.ts";
import { choosePersona, detectStagnation, lateralDirective, type Attempt, type Persona } from "./resilience.ts";
import type { TierTracker } from "./routing.ts";
import type { SessionLog } from "./session.ts";
import { recordTodos } from "./secondary.ts";

export interface WorkerContext {
  log: SessionLog;
  agent: Agent;
  /** Answers the judging prompts (may be an LLM backend instead of the coding CLI). */
  judge: Agent;
  seed: Seed;
  config: Config;
  runtime: string;
  cwd: string;
  tracker: TierTracker;
  signal: AbortSignal;
}

export type AcVerdict = "passed" | "failed" | "stagnated" | "cancelled";

export interface LeafSpec {
  acId: string;
  description: string;
  /** The seed AC this leaf comes from (a child inherits its root's checks only when it is the root). */
  source: AcceptanceCriterion | null;
  initialTier: Tier;
  attemptsSoFar: number;
  resume: Record<string, unknown> | null;
}

async function stage1(ac: AcceptanceCriterion | null, cwd: string, timeoutMs: number, signal: AbortSignal) {
  const checks: CommandEvidence[] = [];
  const reasons: string[] = [];
  if (ac?.verify_command) {
    const ev = await runCheck("verify", ac.verify_command, cwd, timeoutMs, [], signal);
    if (ac.output_assertion && ev.outcome === "passed" && !(ev.output ?? "").includes(ac.output_assertion)) {
      ev.outcome = "failed";
      ev.reason = `output does not contain ${JSON.stringify(ac.output_assertion)}`;
    }
    delete ev.output;
    checks.push(ev);
    if (ev.outcome === "failed") reasons.push(`verify_command failed (exit ${ev.exit_code})${ev.reason ? `: ${ev.reason}` : ""}: ${ev.output_tail.slice(-300)}`);
  }
  const artifacts = checkArtifacts(cwd, ac?.expected_artifacts ?? []);
  for (const a of artifacts) if (!a.exists) reasons.push(`expected artifact missing: ${a.path}${a.reason ? ` (${a.reason})` : ""}`);
  const unverifiable = checks.some((c) => c.outcome === "unverifiable");
  const outcome = reasons.length ? "failed" : unverifiable ? "unverifiable" : checks.length || artifacts.length ? "passed" : "skipped";
  const why = outcome === "skipped" ? "no verify_command, expected_artifacts or output_assertion" : unverifiable ? checks.find((c) => c.reason)?.reason : undefined;
  return { outcome, reasons, evidence: { checks, artifacts, ...(why ? { reason: why } : {}) } };
}

export async function workLeaf(ctx: WorkerContext, leaf: LeafSpec): Promise<AcVerdict> {
  const { log, config } = ctx;
  const emit = log.emit;
  const maxRetries = config.execution.ac_retry_attempts;
  const lateralBudget = config.resilience.lateral_budget;
  const history: Attempt[] = [];
  const used: Persona[] = [];
  let directive: string | null = null;
  let feedback: string | null = null;
  let failures = 0;
  let attempt = leaf.attemptsSoFar;
  let resume = leaf.resume;
  for (;;) {
    if (ctx.signal.aborted) return "cancelled";
    attempt++;
    const tier = ctx.tracker.tierFor(leaf.description, leaf.initialTier);
    const model = executionModel(config, ctx.runtime, tier);
    emit("execution.ac.status_changed", { ac_id: leaf.acId, status: "executing", attempt });
    emit("execution.ac.attempt.dispatched", { ac_id: leaf.acId, attempt, runtime: ctx.runtime, tier, model, resumed: resume !== null });
    const onEvent = (e: AgentEvent) => {
      if (e.kind === "tool") emit("execution.tool.started", { ac_id: leaf.acId, tool_name: e.name, tool_detail: (e.detail ?? "").slice(0, 100) });
      else if (e.kind === "tool_result") emit("execution.tool.completed", { ac_id: leaf.acId, tool_name: e.name ?? "", is_error: e.isError ?? false });
      else if (e.kind === "handle") emit("execution.runtime.handle", { ac_id: leaf.acId, handle: e.handle });
    };
    // Timer-driven heartbeat: a silent runtime still shows up as alive (or not) in the log.
    const t0 = Date.now();
    const heartbeat = setInterval(() => emit("execution.ac.heartbeat", { ac_id: leaf.acId, attempt, elapsed_seconds: Math.round((Date.now() - t0) / 1000) }), config.execution.heartbeat_seconds * 1000);
    const idleMs = config.execution.stall_timeout_seconds * 1000;
    const diamond = await log.phase("double_diamond", leaf.acId, async () => {
      const r = await runDiamond(ctx.agent, { seed: ctx.seed, acId: leaf.acId, description: leaf.description, expectedArtifacts: leaf.source?.expected_artifacts ?? [], attempt, cwd: ctx.cwd, model, directive, feedback, resume, idleMs }, emit, ctx.signal, onEvent);
      return { outcome: r.ok ? "delivered" : (r.errorType ?? "error"), value: r };
    }).finally(() => clearInterval(heartbeat));
    if (diamond.errorType === "idle_timeout" || diamond.errorType === "startup_timeout") {
      emit("execution.ac.stall_detected", { ac_id: leaf.acId, silent_seconds: Math.round(idleMs / 1000), attempt, action: failures < maxRetries ? "restart" : "abandon" });
    }
    resume = null;
    emit("execution.ac.token_attribution.reported", { ac_id: leaf.acId, tokens: diamond.tokens, cost_usd: diamond.costUsd });
    if (diamond.outputs.deliver) recordTodos(ctx, diamond.outputs.deliver, leaf.acId);
    if (ctx.signal.aborted) return "cancelled";

    const verdict = await log.phase("evaluation", leaf.acId, async () => {
      if (!diamond.ok) return { outcome: "rejected", value: { approved: false, reasons: [diamond.error ?? "attempt failed"], drift: null as number | null } };
      const s1 = await stage1(leaf.source, ctx.cwd, config.execution.verify_command_timeout_seconds * 1000, ctx.signal);
      emit("evaluation.stage.completed", { ac_id: leaf.acId, stage: 1, outcome: s1.outcome, evidence: s1.evidence });
      if (s1.outcome === "failed") return { outcome: "rejected", value: { approved: false, reasons: s1.reasons, drift: null } };
      const input = { goal: ctx.seed.goal, ac: leaf.description, principles: ctx.seed.evaluation_principles, evidence: s1.evidence, deliverReport: diamond.outputs.deliver ?? "" };
      const s2 = await stage2(ctx.judge, ctx.cwd, input, config.evaluation.satisfaction_threshold, config.evaluation.reward_hacking_veto, ctx.signal);
      emit("execution.ac.token_attribution.reported", { ac_id: leaf.acId, tokens: s2.tokens, cost_usd: s2.costUsd });
      emit("evaluation.stage.completed", { ac_id: leaf.acId, stage: 2, outcome: s2.outcome, evidence: { score: s2.reply?.score ?? null, weighted: s2.weighted, principles: s2.principles, reward_hacking_risk: s2.reply?.reward_hacking_risk ?? null, reasons: s2.reasons, reasoning: s2.reply?.reasoning ?? s2.raw_excerpt } });
      let approved = s2.outcome === "approved";
      const reasons = [...s2.reasons];
      const trigger = consensusTrigger(s2.reply, used.length > 0);
      if (trigger && s2.outcome !== "unverifiable") {
        emit("evaluation.consensus.triggered", { ac_id: leaf.acId, trigger });
        const s3 = await stage3(ctx.judge, ctx.cwd, input, ctx.signal);
        emit("evaluation.stage.completed", { ac_id: leaf.acId, stage: 3, outcome: s3.outcome, evidence: { votes: s3.votes, majority_ratio: s3.ratio } });
        // Consensus can withhold an approval, never grant one the judge refused.
        if (s3.outcome !== "approved") {
          approved = false;
          reasons.push(`consensus ${s3.outcome}${s3.ratio !== null ? ` (${s3.ratio})` : ""}`);
        }
      }
      emit("evaluation.pipeline.completed", { ac_id: leaf.acId, approved, score: s2.reply?.score ?? 0, weighted: s2.weighted, stage1: s1.outcome, reasons });
      return { outcome: approved ? "approved" : "rejected", value: { approved, reasons, drift: s2.reply?.drift_score ?? null } };
    });
    emit("execution.ac.attempt_judged", { ac_id: leaf.acId, attempt, outcome: verdict.approved ? "succeeded" : "failed", reasons: verdict.reasons });
    const change = ctx.tracker.record(leaf.description, leaf.initialTier, verdict.approved);
    if (change?.kind === "escalated") emit("routing.tier.escalated", { ac_id: leaf.acId, from: change.from, to: change.to });
    else if (change?.kind === "downgraded") emit("routing.tier.downgraded", { ac_id: leaf.acId, from: change.from, to: change.to });
    else if (change?.kind === "stagnation") emit("routing.stagnation.detected", { ac_id: leaf.acId });
    if (verdict.approved) {
      emit("execution.ac.status_changed", { ac_id: leaf.acId, status: "passed", attempt });
      return "passed";
    }

    failures++;
    feedback = verdict.reasons.join("; ").slice(0, 1500);
    history.push({ outputHash: sha256(`${diamond.outputs.develop ?? ""}${diamond.outputs.deliver ?? ""}`), errorSignature: diamond.error ?? verdict.reasons[0] ?? null, drift: verdict.drift });
    const pattern = config.resilience.stagnation_enabled ? detectStagnation(history) : null;
    if (pattern) {
      emit("resilience.stagnation.detected", { ac_id: leaf.acId, pattern, attempts: history.length });
      const persona = used.length < lateralBudget ? choosePersona(pattern, used) : null;
      if (!persona) {
        emit("resilience.lateral.exhausted", { ac_id: leaf.acId, used });
        emit("execution.ac.status_changed", { ac_id: leaf.acId, status: "stagnated", attempt });
        return "stagnated";
      }
      used.push(persona);
      directive = lateralDirective(persona, pattern);
      emit("resilience.lateral.activated", { ac_id: leaf.acId, persona, pattern });
      // A persona gets a fresh retry budget; the detector starts over on its attempts.
      history.length = 0;
      failures = 0;
      continue;
    }
    if (failures > maxRetries) {
      emit("execution.ac.status_changed", { ac_id: leaf.acId, status: "failed", attempt });
      return "failed";
    }
  }
}
