/**
 * One leaf AC through phases 3–5: Double Diamond attempts, evaluation of each attempt, and the
 * resilience loop (retries, stagnation → lateral persona, tier escalation) until a verdict.
 */
import { executionModel } from "../config/models.ts";
import type { Config, Tier } from "../config/schema.ts";
import type { AcceptanceCriterion, Seed } from "../seed/schema.ts";
import type { Agent, AgentEvent } from "./agent.ts";
import { runDiamond, sha256, TURNS } from "./diamond.ts";
import { evaluateCriterion, type Verdict } from "./evaluate.ts";
import { choosePersona, detectStagnation, lateralDirective, type Attempt, type Persona } from "./resilience.ts";
import type { TierTracker } from "./routing.ts";
import type { SessionLog } from "./session.ts";
import { recordTodos } from "./todos.ts";
import { rollUp } from "../events/session-state.ts";
import { compare, isEmptyChange, snapshot } from "./workspace.ts";

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
  /** The session budget that has fired (cost, time, turns), or null; checked before each attempt. */
  budget: () => Promise<string | null>;
}

export type AcVerdict = "passed" | "failed" | "stagnated" | "unverifiable" | "cancelled" | "stopped";

export interface LeafSpec {
  acId: string;
  description: string;
  /** The seed AC this leaf comes from (a child inherits its root's checks only when it is the root). */
  source: AcceptanceCriterion | null;
  initialTier: Tier;
  attemptsSoFar: number;
  resume: Record<string, unknown> | null;
}

/** End the AC with a status and the reason that decided it. */
async function settle(
  ctx: WorkerContext,
  acId: string,
  attempt: number,
  status: Exclude<AcVerdict, "cancelled" | "stopped">,
  reason?: string,
): Promise<AcVerdict> {
  await ctx.log.emit("execution.ac.status_changed", { ac_id: acId, status, attempt, ...(reason ? { reason } : {}) });
  await settleAncestors(ctx.log, acId);
  return status;
}

/**
 * A split criterion's status follows its children. When that roll-up settles (or changes), it is
 * recorded as the parent's own status event, so every reader of the log (projections, status, TUI,
 * MCP) counts the parent as the pipeline does, without folding the tree itself.
 */
export async function settleAncestors(log: SessionLog, acId: string): Promise<void> {
  let parent = log.state.acs.get(acId)?.parent ?? null;
  while (parent) {
    const node = log.state.acs.get(parent);
    if (!node) return;
    const rolled = rollUp(log.state, parent);
    if (!SETTLED.has(rolled) || node.status === rolled) return;
    await log.emit("execution.ac.status_changed", { ac_id: parent, status: rolled, rolled_up: true });
    parent = node.parent;
  }
}
const SETTLED = new Set(["passed", "failed", "unverifiable"]);

export async function workLeaf(ctx: WorkerContext, leaf: LeafSpec): Promise<AcVerdict> {
  const { log, config } = ctx;
  const emit = log.emit;
  const maxRetries = config.execution.ac_retry_attempts;
  const lateralBudget = config.resilience.lateral_budget;
  const history: Attempt[] = [];
  const used: Persona[] = [];
  let directive: string | null = null;
  let feedback: string | null = null;
  let previousRejection: string | null = null;
  let failures = 0;
  let stalls = 0;
  let attempt = leaf.attemptsSoFar;
  let resume = leaf.resume;
  for (;;) {
    if (ctx.signal.aborted) return "cancelled";
    if (await ctx.budget()) return "stopped";
    const tier = ctx.tracker.tierFor(leaf.description, leaf.initialTier);
    const spent = log.state.acs.get(leaf.acId)?.turns ?? 0;
    if (spent + TURNS[tier].length > config.execution.max_turns_per_ac) {
      await emit("execution.ac.budget.exhausted", {
        ac_id: leaf.acId,
        budget: "max_turns_per_ac",
        limit: config.execution.max_turns_per_ac,
        turns: spent,
      });
      return await settle(
        ctx,
        leaf.acId,
        attempt,
        "failed",
        `turn cap reached (execution.max_turns_per_ac = ${config.execution.max_turns_per_ac})`,
      );
    }
    attempt++;
    const model = executionModel(config, ctx.runtime, tier);
    await emit("execution.ac.status_changed", { ac_id: leaf.acId, status: "executing", attempt });
    await emit("execution.ac.attempt.dispatched", {
      ac_id: leaf.acId,
      attempt,
      runtime: ctx.runtime,
      tier,
      turns: TURNS[tier].length,
      model,
      resumed: resume !== null,
    });
    // The runtime's stream cannot wait for the log: its events are queued in order (log.post).
    const onEvent = (e: AgentEvent) => {
      if (e.kind === "tool")
        log.post("execution.tool.started", {
          ac_id: leaf.acId,
          tool_name: e.name,
          tool_detail: (e.detail ?? "").slice(0, 100),
        });
      else if (e.kind === "tool_result")
        log.post("execution.tool.completed", {
          ac_id: leaf.acId,
          tool_name: e.name ?? "",
          is_error: e.isError ?? false,
          ...(typeof e.exitCode === "number" ? { exit_code: e.exitCode } : {}),
        });
      else if (e.kind === "handle") log.post("execution.runtime.handle", { ac_id: leaf.acId, handle: e.handle });
    };
    // Timer-driven heartbeat: a silent runtime still shows up as alive (or not) in the log.
    const t0 = Date.now();
    const heartbeat = setInterval(
      () =>
        log.post("execution.ac.heartbeat", {
          ac_id: leaf.acId,
          attempt,
          elapsed_seconds: Math.round((Date.now() - t0) / 1000),
        }),
      config.execution.heartbeat_seconds * 1000,
    );
    const idleMs = config.execution.stall_timeout_seconds * 1000;
    const before = snapshot(ctx.cwd);
    const diamond = await log
      .phase("double_diamond", leaf.acId, async () => {
        const r = await runDiamond(
          ctx.agent,
          {
            seed: ctx.seed,
            acId: leaf.acId,
            description: leaf.description,
            expectedArtifacts: leaf.source?.expected_artifacts ?? [],
            attempt,
            tier,
            cwd: ctx.cwd,
            model,
            directive,
            feedback,
            resume,
            idleMs,
          },
          emit,
          ctx.signal,
          onEvent,
        );
        return { outcome: r.ok ? "delivered" : (r.errorType ?? "error"), value: r };
      })
      .finally(() => clearInterval(heartbeat));
    resume = null;
    // Observed evidence: what changed, what ran; the agent's report is only a claim.
    const change = compare(ctx.cwd, before, snapshot(ctx.cwd));
    await emit("execution.ac.workspace.changed", {
      ac_id: leaf.acId,
      attempt,
      empty: isEmptyChange(change),
      ...change,
    });
    await emit("execution.ac.commands.observed", { ac_id: leaf.acId, attempt, commands: diamond.commands });
    await emit("execution.ac.claim.recorded", {
      ac_id: leaf.acId,
      attempt,
      label: "claim (the agent's own report, not evidence)",
      present: diamond.claim.trim().length > 0,
      text: diamond.claim.slice(0, 2000),
    });
    await emit("execution.ac.token_attribution.reported", {
      ac_id: leaf.acId,
      tokens: diamond.tokens,
      cost_usd: diamond.costUsd,
      model_calls: diamond.turns,
    });
    if (diamond.claim) await recordTodos(ctx.log, diamond.claim, leaf.acId);
    if (ctx.signal.aborted) return (await ctx.budget()) ? "stopped" : "cancelled";

    if (!diamond.ok) {
      const stalled = diamond.errorType === "idle_timeout" || diamond.errorType === "startup_timeout";
      if (stalled) {
        await emit("execution.ac.stall_detected", {
          ac_id: leaf.acId,
          silent_seconds: Math.round(idleMs / 1000),
          attempt,
          action: stalls < maxRetries ? "restart" : "abandon",
        });
        if (stalls++ < maxRetries) continue;
      }
      // The runtime could not do the turn and nothing changed: not the coder's verdict, never retried or escalated.
      if (stalled || isEmptyChange(change)) {
        await emit("execution.ac.attempt_judged", {
          ac_id: leaf.acId,
          attempt,
          outcome: "unverifiable",
          rejected_by: null,
          reasons: [`runtime: ${diamond.error}`],
        });
        return await settle(ctx, leaf.acId, attempt, "unverifiable", `runtime: ${diamond.error}`);
      }
    }

    const verdict: Verdict = await log.phase("evaluation", leaf.acId, async () => {
      const v = await evaluateCriterion({
        judge: ctx.judge,
        cwd: ctx.cwd,
        goal: ctx.seed.goal,
        ac: leaf.description,
        criteria: leaf.source ? [leaf.source] : [],
        principles: ctx.seed.evaluation_principles,
        change,
        commands: diamond.commands,
        claim: diamond.claim,
        config,
        lateralAdopted: used.length > 0,
        signal: ctx.signal,
        onStage: async (stage, outcome, evidence) => {
          if (stage === 3)
            await emit("evaluation.consensus.triggered", { ac_id: leaf.acId, trigger: String(evidence.trigger) });
          await emit("evaluation.stage.completed", { ac_id: leaf.acId, stage, outcome, evidence });
        },
      });
      if (v.modelCalls)
        await emit("execution.ac.token_attribution.reported", {
          ac_id: leaf.acId,
          tokens: v.tokens,
          cost_usd: v.costUsd,
          model_calls: v.modelCalls,
        });
      await emit("evaluation.pipeline.completed", {
        ac_id: leaf.acId,
        approved: v.outcome === "approved",
        outcome: v.outcome,
        rejected_by: v.rejectedBy,
        score: v.score ?? 0,
        weighted: v.weighted,
        stage1: v.stage1.outcome,
        reasons: v.reasons,
      });
      return { outcome: v.outcome, value: v };
    });
    await emit("execution.ac.attempt_judged", {
      ac_id: leaf.acId,
      attempt,
      outcome:
        verdict.outcome === "approved" ? "succeeded" : verdict.outcome === "rejected" ? "failed" : "unverifiable",
      rejected_by: verdict.rejectedBy,
      reasons: verdict.reasons,
    });
    if (verdict.outcome === "unverifiable")
      return await settle(ctx, leaf.acId, attempt, "unverifiable", verdict.reasons.join("; "));

    // Only a rejection of the coder's work feeds tier escalation, retries and stagnation.
    const change2 = ctx.tracker.record(leaf.description, leaf.initialTier, verdict.outcome === "approved");
    if (change2?.kind === "escalated")
      await emit("routing.tier.escalated", { ac_id: leaf.acId, from: change2.from, to: change2.to });
    else if (change2?.kind === "downgraded")
      await emit("routing.tier.downgraded", { ac_id: leaf.acId, from: change2.from, to: change2.to });
    else if (change2?.kind === "stagnation") await emit("routing.stagnation.detected", { ac_id: leaf.acId });
    if (verdict.outcome === "approved") return await settle(ctx, leaf.acId, attempt, "passed");

    failures++;
    const rejection = verdict.reasons.join("; ");
    feedback = rejection.slice(0, 1500);
    const repeatedEmpty = isEmptyChange(change) && previousRejection === rejection;
    previousRejection = rejection;
    history.push({ outputHash: sha256(change.diff), errorSignature: rejection, drift: verdict.drift });
    const pattern = repeatedEmpty
      ? "spinning"
      : config.resilience.stagnation_enabled
        ? detectStagnation(history)
        : null;
    if (pattern) {
      await emit("resilience.stagnation.detected", {
        ac_id: leaf.acId,
        pattern,
        attempts: history.length,
        ...(repeatedEmpty ? { reason: "empty diff and the same rejection as the previous attempt" } : {}),
      });
      const persona = used.length < lateralBudget ? choosePersona(pattern, used) : null;
      if (!persona) {
        await emit("resilience.lateral.exhausted", { ac_id: leaf.acId, used });
        return await settle(ctx, leaf.acId, attempt, "stagnated", rejection);
      }
      used.push(persona);
      directive = lateralDirective(persona, pattern);
      await emit("resilience.lateral.activated", { ac_id: leaf.acId, persona, pattern });
      // A persona gets a fresh retry budget; the detector starts over on its attempts.
      history.length = 0;
      failures = 0;
      continue;
    }
    if (failures > maxRetries) return await settle(ctx, leaf.acId, attempt, "failed", rejection);
  }
}
