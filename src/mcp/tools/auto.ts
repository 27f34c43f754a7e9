/** `ooo auto` over MCP: goal → model-answered interview → seed (repaired) → run job. */
import * as v from "valibot";
import { ok } from "../../errors.ts";
import { defineTool, int, optStr, str } from "../tool.ts";

const autoArgs = {
  goal: optStr("what to build (starts a new auto run)"),
  resume: optStr("continue this auto run (auto_…)"),
  cwd: optStr("project directory the seed runs in (default: the server's directory)"),
  runtime: optStr("agent runtime for the run (default: server --runtime, then config)"),
  max_interview_rounds: v.optional(int("interview round cap", 1, 500)),
  max_repair_rounds: v.optional(int("seed repair rounds", 0, 20)),
  skip_run: v.optional(v.pipe(v.boolean(), v.description("stop after the seed"))),
  pipeline_timeout_seconds: v.optional(int("overall deadline in seconds", 60, 86_400)),
};

export const autoTools = [
  defineTool({
    name: "ouroboros_start_auto",
    description:
      "Start `auto` in the background: the model answers the interview, a seed is generated (and repaired), then the seed runs as a job. Returns auto_id at once; follow with ouroboros_auto_status (the run itself with the job tools).",
    schema: v.strictObject(autoArgs),
    async handler(a, ctx) {
      const r = await (await import("../auto.ts")).startAuto(ctx, a);
      if (!r.ok) return r;
      return ok({
        ...r.value.view,
        meta: {
          job_observer: {
            schema: "ouroboros.job_observer.v1",
            poll_tool: "ouroboros_auto_status",
            poll_args: { auto_id: r.value.view.auto_id },
            max_wait_seconds: 5,
          },
        },
      });
    },
  }),
  defineTool({
    name: "ouroboros_auto",
    description:
      "Run `auto` and wait until the seed exists and its run has started (or it fails). May take minutes; prefer ouroboros_start_auto.",
    schema: v.strictObject(autoArgs),
    async handler(a, ctx) {
      const m = await import("../auto.ts");
      const r = await m.startAuto(ctx, a);
      if (!r.ok) return r;
      await r.value.done;
      return m.autoStatus(ctx, r.value.view.auto_id);
    },
  }),
  defineTool({
    name: "ouroboros_auto_status",
    description:
      "Status of an auto run: phase (interview, seed_generation, run, done), ids produced so far, the run's job id, errors.",
    schema: v.strictObject({ auto_id: str("auto run id (auto_…)") }),
    handler: async (a, ctx) => (await import("../auto.ts")).autoStatus(ctx, a.auto_id),
  }),
];
