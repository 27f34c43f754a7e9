/** Job tools: follow, read and cancel background runs (state comes from the event log). */
import * as v from "valibot";
import { defineTool, int, optStr, str } from "../tool.ts";

const jobId = str("job id from a start_* tool (job_<session id>)");

export const jobTools = [
  defineTool({
    name: "ouroboros_job_status",
    description: "Status of a background job: phase, AC progress, cost, done.",
    schema: v.strictObject({ job_id: jobId }),
    handler: async (a, ctx) => (await ctx.jobs()).status(a.job_id),
  }),
  defineTool({
    name: "ouroboros_job_wait",
    description:
      "Wait (at most timeout_seconds ≤ 5) for new events of a job after cursor; returns them, the new cursor and the status. Call again with the returned cursor until done.",
    schema: v.strictObject({
      job_id: jobId,
      cursor: v.optional(int("last event seq already seen (0 = from the start)", 0, Number.MAX_SAFE_INTEGER), 0),
      timeout_seconds: v.optional(
        v.pipe(v.number(), v.minValue(0), v.maxValue(5), v.description("how long to wait for news, 0..5 seconds")),
        5,
      ),
    }),
    handler: async (a, ctx) => (await ctx.jobs()).wait(a.job_id, a.cursor, a.timeout_seconds * 1000),
  }),
  defineTool({
    name: "ouroboros_job_result",
    description:
      "Final result of a finished job: status, summary, exit condition, score. An error while the job still runs.",
    schema: v.strictObject({ job_id: jobId }),
    handler: async (a, ctx) => (await ctx.jobs()).result(a.job_id),
  }),
  defineTool({
    name: "ouroboros_cancel_job",
    description: "Cancel a background job (its run records the cancellation).",
    schema: v.strictObject({ job_id: jobId, reason: optStr("why (default: Cancelled via MCP)") }),
    async handler(a, ctx) {
      const { sessionOfJob } = await import("../jobs.ts");
      const sid = sessionOfJob(a.job_id);
      if (!sid.ok) return sid;
      if (sid.value.startsWith("eval_")) return (await ctx.jobs()).cancelEvaluation(sid.value);
      if (sid.value.startsWith("evo_")) return (await ctx.jobs()).cancelEvolution(sid.value);
      const b = await ctx.backend();
      if (!b.ok) return b;
      const { lookupSession } = await import("../views.ts");
      const s = await lookupSession(b.value, sid.value);
      if (!s.ok) return s;
      return (await import("../cancel.ts")).cancelSession(ctx, s.value, a.reason ?? "Cancelled via MCP");
    },
  }),
];
