/**
 * Evolution view. In this pipeline a lineage lives inside its session (the secondary loop evolves
 * the failing ACs generation by generation), so the lineage id is the session id.
 */
import * as v from "valibot";
import { ok } from "../../errors.ts";
import { defineTool, runningJob, int, str } from "../tool.ts";
import type { McpContext } from "../context.ts";

async function startEvolution(ctx: McpContext, a: import("../evolve.ts").EvolveArgs, kind: "evolve_step" | "ralph") {
  const plan = await (await import("../evolve.ts")).planEvolution(ctx, a, kind);
  if (!plan.ok) return plan;
  const { wait: _, ...job } = (await ctx.jobs()).launchEvolution(plan.value);
  return runningJob(job, job.cursor);
}

export const lineageTools = [
  defineTool({
    name: "ouroboros_start_evolve_step",
    description:
      "Run ONE secondary-loop generation of a finished session's failing criteria in the background (reflect → refined wording → re-run → judge). Returns job_id at once; follow with ouroboros_job_wait; see ouroboros_lineage_status.",
    schema: v.strictObject({ lineage_id: str("the session id (or unique prefix) to evolve") }),
    handler: (a, ctx) => startEvolution(ctx, a, "evolve_step"),
  }),
  defineTool({
    name: "ouroboros_start_ralph",
    description:
      "Keep evolving a session's failing criteria, generation after generation, until all pass, the lineage stagnates or hits its cap, or a budget (max_generations, max_total_seconds) stops it. Background job: returns job_id at once.",
    schema: v.strictObject({
      lineage_id: str("the session id (or unique prefix) to evolve"),
      max_generations: v.optional(int("generations this job may run (default 10)", 1, 30)),
      max_total_seconds: v.optional(int("wall-clock budget in seconds", 1, 86_400)),
      per_iteration_timeout_seconds: v.optional(int("budget per generation in seconds", 1, 7_200)),
    }),
    handler: (a, ctx) => startEvolution(ctx, a, "ralph"),
  }),
  defineTool({
    name: "ouroboros_lineage_status",
    description:
      "Evolution of a session's failing ACs: each generation's failing ACs, refined wording, results and similarity, and how the lineage ended (converged, stagnated, exhausted).",
    schema: v.strictObject({ lineage_id: str("the session id (or unique prefix) whose secondary loop evolved") }),
    async handler(a, ctx) {
      const s = await (await import("../views.ts")).openSession(ctx, a.lineage_id);
      if (!s.ok) return s;
      const rows = await s.value.backend.lineageEvents(s.value.session.session_id);
      const gens = new Map<number, Record<string, unknown> & { refined: { ac_id: string; description: string }[] }>();
      const gen = (n: number) =>
        gens.get(n) ?? (gens.set(n, { generation: n, status: "running", refined: [] }), gens.get(n)!);
      let ended: { outcome: string; generation: number } | null = null;
      for (const r of rows) {
        const d = r.data;
        const n = Number(d.generation);
        if (r.type === "lineage.generation.started")
          Object.assign(gen(n), { started_at: r.timestamp, failing: d.failing ?? [] });
        else if (r.type === "execution.ac.refined")
          gen(n).refined.push({ ac_id: String(d.ac_id), description: String(d.description) });
        else if (r.type === "lineage.generation.completed")
          Object.assign(gen(n), {
            status: "completed",
            completed_at: r.timestamp,
            results: d.results ?? {},
            similarity: d.similarity ?? null,
          });
        else if (["lineage.converged", "lineage.stagnated", "lineage.exhausted"].includes(r.type))
          ended = { outcome: r.type.split(".")[1]!, generation: n };
      }
      const generations = [...gens.values()].sort((x, y) => Number(x.generation) - Number(y.generation));
      return ok({
        lineage_id: s.value.session.session_id,
        session_status: s.value.session.status,
        generations_run: generations.length,
        current_generation: generations.at(-1)?.generation ?? 0,
        status:
          ended?.outcome ??
          (generations.length === 0 ? "not_started" : s.value.session.terminal_type ? "stopped" : "evolving"),
        generations,
      });
    },
  }),
];
