/** Execution tools: run a seed (blocking or as a job) and cancel a run. */
import * as v from "valibot";
import { RUNTIME_NAMES } from "../../runtime/registry.ts";
import { defineTool, runningJob, int, optStr, str } from "../tool.ts";

const runArgs = {
  seed_content: optStr("the seed YAML text (runs in cwd)"),
  seed_path: optStr("path to a seed file"),
  cwd: optStr("project directory (default: the seed's project dir, or the server's directory for seed_content)"),
  session_id: optStr("resume this paused or interrupted session instead of starting a new one"),
  runtime: optStr(
    `agent runtime: ${RUNTIME_NAMES.join(", ")}, or one declared in $OUROBOROS_HOME/runtimes/ (default: server --runtime, then config)`,
  ),
  sequential: v.optional(v.pipe(v.boolean(), v.description("one AC at a time"))),
  parallel: v.optional(int("ACs run at once (default: orchestrator.max_parallel_workers)", 1, 64)),
  max_decomposition_depth: v.optional(int("AC decomposition depth 0..4", 0, 4)),
  skip_secondary: v.optional(v.pipe(v.boolean(), v.description("skip the secondary loop (TODO batch, evolution)"))),
  resume_id: optStr(
    "the agent CLI's own session id to continue on the first turn (e.g. the calling Kiro session; runtimes that cannot resume refuse it)",
  ),
};

export const executionTools = [
  defineTool({
    name: "ouroboros_start_execute_seed",
    description:
      "Start running a seed through the six-phase pipeline in the background. Returns job_id and session_id at once; follow with ouroboros_job_wait, then ouroboros_job_result.",
    schema: v.strictObject(runArgs),
    async handler(a, ctx) {
      const r = await (await import("../execute.ts")).startExecution(ctx, a);
      if (!r.ok) return r;
      const { wait: _, ...job } = r.value;
      return runningJob(job);
    },
  }),
  defineTool({
    name: "ouroboros_execute_seed",
    description:
      "Run a seed through the six-phase pipeline and wait for the result (may take minutes; prefer ouroboros_start_execute_seed). Sends progress notifications when asked; cancelling the call pauses the run (resume with session_id).",
    schema: v.strictObject(runArgs),
    async handler(a, ctx, call) {
      const r = await (await import("../execute.ts")).startExecution(ctx, a);
      if (!r.ok) return r;
      const jobs = await ctx.jobs();
      await jobs.follow(r.value.session_id, call);
      return jobs.result(r.value.job_id);
    },
  }),
  defineTool({
    name: "ouroboros_cancel_execution",
    description:
      "Cancel a run by execution id (or session id): a live run is asked to stop and records it; a run without a live owner is cancelled directly.",
    schema: v.strictObject({
      execution_id: str("execution id (exec_…) or session id"),
      reason: optStr("why (default: Cancelled via MCP)"),
    }),
    async handler(a, ctx) {
      const b = await ctx.backend();
      if (!b.ok) return b;
      const { sessionByExecution } = await import("../views.ts");
      const s = await sessionByExecution(b.value, a.execution_id);
      if (!s.ok) return s;
      return (await import("../cancel.ts")).cancelSession(ctx, s.value, a.reason ?? "Cancelled via MCP");
    },
  }),
];
