/**
 * `ouroboros_evaluate`: the three evaluation stages of the pipeline applied to an artefact the
 * caller hands in. Stage 1 runs the criterion's own checks (verify_command, output_assertion,
 * expected_artifacts) in the working directory; stage 2 is the semantic judge (src/pipeline/judge.ts)
 * reading the artefact; stage 3 (consensus) runs when asked or when the judge's reply triggers it.
 * Every step is an `evaluation` event tied to the session, so a job's result outlives this process.
 */
import { randomBytes } from "node:crypto";
import { fail, ok, type Result } from "../errors.ts";
import { aggregateEvents } from "../events/aggregate-log.ts";
import type { EventStore } from "../events/store.ts";
import type { Agent } from "../pipeline/agent.ts";
import { consensusTrigger, stage2, stage3 } from "../pipeline/judge.ts";
import { checkArtifacts, runCheck, type CommandEvidence } from "../pipeline/mechanical.ts";
import { createRuntimeAgent } from "../pipeline/runtime-agent.ts";
import { selectRuntime } from "../runtime/selection.ts";
import { parseSeedText } from "../seed/load.ts";
import type { AcceptanceCriterion, Seed } from "../seed/schema.ts";
import { formatProblem } from "../util/problems.ts";
import { checkWorkspace, type McpContext } from "./context.ts";
import { requireSession } from "./views.ts";

export interface EvaluateArgs {
  session_id: string;
  artifact: string;
  seed_content?: string;
  acceptance_criterion?: string;
  artifact_type?: string;
  trigger_consensus?: boolean;
  working_dir?: string;
}

export interface EvaluationPlan {
  evaluationId: string;
  sessionId: string;
  run: (signal: AbortSignal) => Promise<Result<Record<string, unknown>>>;
}

/** A criterion by 1-based number or exact description; anything else is free text. */
function pickCriteria(seed: Seed, wanted: string | undefined): { text: string; acs: AcceptanceCriterion[] } {
  const all = seed.acceptance_criteria;
  if (!wanted) return { text: all.map((a, i) => `${i + 1}) ${a.description}`).join("; "), acs: all };
  const n = Number(wanted);
  const hit = Number.isInteger(n) && n >= 1 && n <= all.length ? all[n - 1] : all.find((a) => a.description.trim() === wanted.trim());
  return hit ? { text: hit.description, acs: [hit] } : { text: wanted, acs: [] };
}

async function stage1(acs: AcceptanceCriterion[], cwd: string, timeoutMs: number, signal: AbortSignal) {
  const checks: CommandEvidence[] = [];
  const reasons: string[] = [];
  for (const ac of acs) {
    if (ac.verify_command) {
      const ev = await runCheck("verify", ac.verify_command, cwd, timeoutMs, [], signal);
      if (ac.output_assertion && ev.outcome === "passed" && !(ev.output ?? "").includes(ac.output_assertion)) Object.assign(ev, { outcome: "failed", reason: `output does not contain ${JSON.stringify(ac.output_assertion)}` });
      delete ev.output;
      checks.push(ev);
      if (ev.outcome === "failed") reasons.push(`verify_command '${ac.verify_command}' failed (exit ${ev.exit_code})${ev.reason ? `: ${ev.reason}` : ""}`);
    }
  }
  const artifacts = checkArtifacts(cwd, acs.flatMap((a) => a.expected_artifacts ?? []));
  for (const a of artifacts) if (!a.exists) reasons.push(`expected artifact missing: ${a.path}${a.reason ? ` (${a.reason})` : ""}`);
  const outcome = reasons.length ? "failed" : checks.some((c) => c.outcome === "unverifiable") ? "unverifiable" : checks.length || artifacts.length ? "passed" : "skipped";
  return { outcome, reasons, checks, artifacts };
}

/** Check the request and pick the judge; nothing runs and nothing is written yet. */
export async function planEvaluation(ctx: McpContext, a: EvaluateArgs): Promise<Result<EvaluationPlan>> {
  const [store, loaded] = [await ctx.store(), await ctx.config()];
  if (!store.ok) return store;
  if (!loaded.ok) return loaded;
  const config = loaded.value.config;
  const s = requireSession(store.value.db, a.session_id);
  if (!s.ok) return s;
  const sessionId = s.value.session_id;
  const started = store.value.db.query("SELECT payload FROM events WHERE session_id = ? AND event_type = 'orchestrator.session.started'").get(sessionId) as { payload: string } | null;
  const data = started ? (JSON.parse(started.payload) as { seed?: Seed; project_dir?: string; runtime?: string }) : {};
  let seed = data.seed;
  if (a.seed_content !== undefined) {
    const parsed = parseSeedText("seed_content", a.seed_content);
    if (!parsed.seed) return fail("invalidData", `seed_content is not a valid seed: ${parsed.errors[0] ? formatProblem(parsed.errors[0]) : "unknown problem"}`);
    seed = parsed.seed;
  }
  if (!seed) return fail("invalidData", `session ${sessionId} has no recorded seed; pass seed_content`);
  const dir = checkWorkspace(ctx.options, a.working_dir ?? data.project_dir ?? process.cwd());
  if (!dir.ok) return dir;
  let judge: Agent;
  if (ctx.options.llmBackend) {
    const [{ createLlm }, { llmAgent }] = await Promise.all([import("../llm/index.ts"), import("../llm/agent.ts")]);
    const llm = createLlm(config, process.env, ctx.options.llmBackend);
    if (!llm.ok) return llm;
    judge = llmAgent(llm.value);
  } else {
    const choice = selectRuntime(ctx.options.runtime ?? data.runtime, process.env, loaded.value);
    if (!choice.ok) return choice;
    const agent = createRuntimeAgent(choice.value.name, process.env, config);
    if (!agent.ok) return agent;
    judge = agent.value;
  }
  const evaluationId = `eval_${randomBytes(6).toString("hex")}`;
  const picked = pickCriteria(seed, a.acceptance_criterion);
  const emit = (type: string, payload: Record<string, unknown>) => {
    const r = (store.value as EventStore).append({ type, aggregate_type: "evaluation", aggregate_id: evaluationId, data: { session_id: sessionId, evaluation_id: evaluationId, ...payload } });
    if (!r.ok) throw new Error(r.error.message);
  };
  const run = async (signal: AbortSignal): Promise<Result<Record<string, unknown>>> => {
    try {
      emit("evaluation.stage1.started", { acceptance_criterion: picked.text, artifact_type: a.artifact_type ?? null, working_dir: dir.value, judge: judge.name });
      const s1 = await stage1(picked.acs, dir.value, config.execution.verify_command_timeout_seconds * 1000, signal);
      emit("evaluation.stage1.completed", { outcome: s1.outcome, checks: s1.checks, artifacts: s1.artifacts, reasons: s1.reasons });
      if (signal.aborted) throw new Error("cancelled");
      const input = { goal: seed!.goal, ac: picked.text, principles: seed!.evaluation_principles, evidence: { stage1: s1, artifact_type: a.artifact_type ?? "unspecified" }, deliverReport: a.artifact };
      emit("evaluation.stage2.started", {});
      const s2 = await stage2(judge, dir.value, input, config.evaluation.satisfaction_threshold, config.evaluation.reward_hacking_veto, signal);
      emit("evaluation.stage2.completed", { outcome: s2.outcome, score: s2.reply?.score ?? null, ac_compliance: s2.reply?.ac_compliance ?? null, drift_score: s2.reply?.drift_score ?? null, weighted: s2.weighted, reasons: s2.reasons, reasoning: s2.reply?.reasoning ?? s2.raw_excerpt });
      if (signal.aborted) throw new Error("cancelled");
      const trigger = a.trigger_consensus ? "requested" : consensusTrigger(s2.reply, false);
      let s3: Awaited<ReturnType<typeof stage3>> | null = null;
      if (trigger) {
        emit("evaluation.consensus.triggered", { trigger });
        s3 = await stage3(judge, dir.value, input, signal);
        emit("evaluation.stage3.completed", { outcome: s3.outcome, votes: s3.votes, majority_ratio: s3.ratio });
      }
      const approved = s1.outcome !== "failed" && (s3 ? s3.outcome === "approved" : s2.outcome === "approved");
      const reasons = [...s1.reasons, ...(s3 ? (s3.outcome === "approved" ? [] : [`consensus ${s3.outcome} (majority ${s3.ratio ?? "n/a"})`]) : s2.reasons)];
      const result = { evaluation_id: evaluationId, session_id: sessionId, approved, final_approved: approved, highest_stage: s3 ? 3 : 2, score: s2.reply?.score ?? 0, weighted: s2.weighted, stage1: s1.outcome, stage2: s2.outcome, stage3: s3?.outcome ?? null, reasons };
      emit("evaluation.pipeline.completed", result);
      return ok(result);
    } catch (e) {
      const msg = signal.aborted ? "cancelled" : e instanceof Error ? e.message : String(e);
      try {
        emit("evaluation.pipeline.failed", { error: msg });
      } catch {
        // The store itself failed; the error below still reaches the caller.
      }
      return fail("failure", `evaluation ${evaluationId} stopped: ${msg}`);
    }
  };
  return ok({ evaluationId, sessionId, run });
}

/** State of an evaluation from its events: running (no end event), completed or failed. */
export function evaluationState(store: EventStore, evaluationId: string) {
  const rows = aggregateEvents(store.db, "evaluation", evaluationId);
  if (!rows.length) return null;
  const last = rows[rows.length - 1]!;
  const end = rows.find((r) => r.type === "evaluation.pipeline.completed" || r.type === "evaluation.pipeline.failed");
  return {
    session_id: String(rows[0]!.data.session_id),
    status: !end ? "running" : end.type.endsWith("completed") ? "completed" : "failed",
    stage: last.type.replace(/^evaluation\./, ""),
    last_seq: last.seq,
    result: end ? end.data : null,
  };
}
