/** Evaluation tools: the three-stage evaluation of an artefact against a session's seed. */
import * as v from "valibot";
import { ok } from "../../errors.ts";
import { defineTool, runningJob, optStr, str } from "../tool.ts";

const evalArgs = {
  session_id: str("session whose seed (goal, criteria, principles) the artefact is judged against"),
  artifact: str("the artefact to judge: code, a diff, a report, command output…"),
  seed_content: optStr("judge against this seed instead of the session's"),
  acceptance_criterion: optStr(
    "one criterion: its number (1-based) or exact description runs its checks too; other text is judged as given (default: all criteria)",
  ),
  artifact_type: optStr("what the artefact is (code, diff, document, …), shown to the judge"),
  trigger_consensus: v.optional(v.pipe(v.boolean(), v.description("always run stage 3 (three-vote consensus)"))),
  working_dir: optStr("where stage-1 checks run (default: the session's project directory)"),
};

export const evaluationTools = [
  defineTool({
    name: "ouroboros_start_evaluate",
    description:
      "Start the three-stage evaluation (mechanical checks, semantic judge, consensus when triggered) in the background; returns job_id at once.",
    schema: v.strictObject(evalArgs),
    async handler(a, ctx) {
      const plan = await (await import("../evaluate.ts")).planEvaluation(ctx, a);
      if (!plan.ok) return plan;
      const { wait: _, ...job } = (await ctx.jobs()).launchEvaluation(plan.value);
      return runningJob(job);
    },
  }),
  defineTool({
    name: "ouroboros_evaluate",
    description:
      "Three-stage evaluation of an artefact against a session's seed: stage 1 the criterion's checks, stage 2 the semantic judge, stage 3 consensus when triggered. Waits for the verdict.",
    schema: v.strictObject(evalArgs),
    async handler(a, ctx, call) {
      const plan = await (await import("../evaluate.ts")).planEvaluation(ctx, a);
      if (!plan.ok) return plan;
      const jobs = await ctx.jobs();
      const job = jobs.launchEvaluation(plan.value);
      await jobs.follow(job.evaluation_id, call);
      const r = await job.wait();
      return r.ok ? ok({ job_id: job.job_id, ...(r.value as Record<string, unknown>) }) : r;
    },
  }),
];
