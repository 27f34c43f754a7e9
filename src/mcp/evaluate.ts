/**
 * `ouroboros_evaluate`: the three evaluation stages of the pipeline applied to an artefact the
 * caller hands in. Stage 1 runs the criterion's own checks (verify_command, output_assertion,
 * expected_artifacts) in the working directory; stage 2 is the semantic judge (src/pipeline/judge.ts)
 * reading the artefact; stage 3 (consensus) runs when asked or when the judge's reply triggers it.
 * The stages are the pipeline's own evaluation function (src/pipeline/evaluate.ts), so the approval
 * rules are the same: consensus can withhold an approval, never grant one the judge refused.
 * Every step is an `evaluation` event tied to the session, so a job's result outlives this process.
 */
import { randomBytes } from "node:crypto";
import { fail, ok, type Result } from "../errors.ts";
import { type EventType, type PayloadWithout, withFilled } from "../events/catalogue.ts";
import type { Agent } from "../pipeline/agent.ts";
import { evaluateCriterion } from "../pipeline/evaluate.ts";
import { createRuntimeAgent } from "../pipeline/runtime-agent.ts";
import { selectRuntime } from "../runtime/selection.ts";
import { parseSeedText } from "../seed/load.ts";
import type { AcceptanceCriterion, Seed } from "../seed/schema.ts";
import { formatProblem } from "../util/problems.ts";
import { checkWorkspace, type McpContext } from "./context.ts";
import type { EvaluationPlan } from "./job-state.ts";
import { lookupSession } from "./views.ts";

export interface EvaluateArgs {
  session_id: string;
  artifact: string;
  seed_content?: string;
  acceptance_criterion?: string;
  artifact_type?: string;
  trigger_consensus?: boolean;
  working_dir?: string;
}

/** A criterion by 1-based number or exact description; anything else is free text. */
function pickCriteria(seed: Seed, wanted: string | undefined): { text: string; acs: AcceptanceCriterion[] } {
  const all = seed.acceptance_criteria;
  if (!wanted) return { text: all.map((a, i) => `${i + 1}) ${a.description}`).join("; "), acs: all };
  const n = Number(wanted);
  const hit =
    Number.isInteger(n) && n >= 1 && n <= all.length
      ? all[n - 1]
      : all.find((a) => a.description.trim() === wanted.trim());
  return hit ? { text: hit.description, acs: [hit] } : { text: wanted, acs: [] };
}

/** Check the request and pick the judge; nothing runs and nothing is written yet. */
export async function planEvaluation(ctx: McpContext, a: EvaluateArgs): Promise<Result<EvaluationPlan>> {
  const [b, loaded] = [await ctx.backend(), await ctx.config()];
  if (!b.ok) return b;
  if (!loaded.ok) return loaded;
  const config = loaded.value.config;
  const s = await lookupSession(b.value, a.session_id);
  if (!s.ok) return s;
  const sessionId = s.value.session_id;
  const data = (await b.value.sessionStart(sessionId)) ?? {};
  let seed = data.seed;
  if (a.seed_content !== undefined) {
    const parsed = parseSeedText("seed_content", a.seed_content);
    if (!parsed.seed)
      return fail(
        "invalidData",
        `seed_content is not a valid seed: ${parsed.errors[0] ? formatProblem(parsed.errors[0]) : "unknown problem"}`,
      );
    seed = parsed.seed;
  }
  if (!seed) return fail("invalidData", `session ${sessionId} has no recorded seed; pass seed_content`);
  const dir = checkWorkspace(ctx.options, a.working_dir ?? data.project_dir ?? process.cwd());
  if (!dir.ok) return dir;
  let judge: Agent;
  if (ctx.options.llmBackend) {
    const [{ createLlm }, { llmAgent }] = await Promise.all([
      import("../llm/index.ts"),
      import("../pipeline/llm-agent.ts"),
    ]);
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
  // Appends run one after another in call order; the judge's stage callback cannot wait for
  // them, so a failed append surfaces at the next awaited one.
  let pending: Promise<void> = Promise.resolve();
  const emit = <T extends Extract<EventType, `evaluation.${string}`>>(
    type: T,
    payload: PayloadWithout<T, "session_id" | "evaluation_id">,
  ): Promise<void> => {
    pending = pending.then(async () => {
      const r = await b.value.append({
        type,
        aggregate_type: "evaluation",
        aggregate_id: evaluationId,
        data: withFilled<T, "session_id" | "evaluation_id">(
          { session_id: sessionId, evaluation_id: evaluationId },
          payload,
        ),
      });
      if (!r.ok) throw new Error(r.error.message);
    });
    return pending;
  };
  const later = (p: Promise<void>) => void p.catch(() => undefined);
  const run = async (signal: AbortSignal): Promise<Result<Record<string, unknown>>> => {
    try {
      await emit("evaluation.stage1.started", {
        acceptance_criterion: picked.text,
        artifact_type: a.artifact_type ?? null,
        working_dir: dir.value,
        judge: judge.name,
      });
      // The same function, with the same approval rules, as every pipeline attempt.
      const v = await evaluateCriterion({
        judge,
        cwd: dir.value,
        goal: seed!.goal,
        ac: picked.text,
        criteria: picked.acs,
        principles: seed!.evaluation_principles,
        change: null,
        commands: [],
        claim: a.artifact,
        claimLabel: `The artefact under evaluation (${a.artifact_type ?? "unspecified type"}), as handed in by the caller:`,
        config,
        triggerConsensus: a.trigger_consensus ?? false,
        signal,
        onStage: (stage, outcome, evidence) => {
          if (stage === 1) later(emit("evaluation.stage1.completed", { outcome, ...evidence }));
          if (signal.aborted) throw new Error("cancelled");
          if (stage === 1) later(emit("evaluation.stage2.started", {}));
          if (stage === 2) later(emit("evaluation.stage2.completed", { outcome, ...evidence }));
          if (stage === 3) {
            later(emit("evaluation.consensus.triggered", { trigger: String(evidence.trigger) }));
            later(emit("evaluation.stage3.completed", { outcome, ...evidence }));
          }
        },
      });
      const approved = v.outcome === "approved";
      const result = {
        evaluation_id: evaluationId,
        session_id: sessionId,
        approved,
        final_approved: approved,
        outcome: v.outcome,
        rejected_by: v.rejectedBy,
        highest_stage: v.stage3 ? 3 : v.stage2 ? 2 : 1,
        score: v.score ?? 0,
        weighted: v.weighted,
        stage1: v.stage1.outcome,
        stage2: v.stage2?.outcome ?? null,
        stage3: v.stage3?.outcome ?? null,
        reasons: v.reasons,
      };
      await emit("evaluation.pipeline.completed", result);
      return ok(result);
    } catch (e) {
      const msg = signal.aborted ? "cancelled" : e instanceof Error ? e.message : String(e);
      try {
        pending = pending.catch(() => undefined); // an earlier failed append must not block this one
        await emit("evaluation.pipeline.failed", { error: msg });
      } catch {
        // The store itself failed; the error below still reaches the caller.
      }
      return fail("failure", `evaluation ${evaluationId} stopped: ${msg}`);
    }
  };
  return ok({ evaluationId, sessionId, run });
}
