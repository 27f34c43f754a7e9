/**
 * Phase 6, Secondary Loop: first the deferred TODO batch (only once every AC passed), then
 * evolution generations for what is still failing, with convergence and stagnation checks.
 */
import * as v from "valibot";
import { extractJson } from "../util/extract-json.ts";
import { MARK, runAgent } from "./agent.ts";
import type { WorkerContext, LeafSpec, AcVerdict } from "./ac-worker.ts";
import { workLeaf } from "./ac-worker.ts";
import { jaccard } from "./routing.ts";
import { leaves } from "../events/session-state.ts";

const PRIORITY: Record<string, number> = { high: 0, medium: 1, low: 2 };

/** Runs the pending TODOs (≤ 50); returns how many ran. */
export async function runTodoBatch(ctx: WorkerContext, skip: boolean): Promise<number> {
  const pending = [...ctx.log.state.todos.values()]
    .filter((t) => t.status === "pending")
    .sort((a, b) => (PRIORITY[a.priority] ?? 1) - (PRIORITY[b.priority] ?? 1) || a.created_seq - b.created_seq);
  if (skip || !pending.length) {
    await ctx.log.emit("secondary.batch.completed", {
      status: skip ? "skipped" : "no_todos",
      total: pending.length,
      ok: 0,
      failed: 0,
      skipped: skip ? pending.length : 0,
    });
    return 0;
  }
  const batch = pending.slice(0, 50);
  let ok = 0;
  let failed = 0;
  for (const t of batch) {
    if (ctx.signal.aborted) break;
    await ctx.log.emit("todo.status.changed", { todo_id: t.todo_id, status: "in_progress" });
    // A TODO failure never fails the primary session: it is recorded and the batch goes on.
    const verdict = await workLeaf(ctx, {
      acId: t.todo_id,
      description: t.description,
      source: null,
      initialTier: ctx.config.economics.default_tier,
      attemptsSoFar: 0,
      resume: null,
    });
    const done = verdict === "passed";
    done ? ok++ : failed++;
    await ctx.log.emit("todo.status.changed", { todo_id: t.todo_id, status: done ? "done" : "failed" });
  }
  const skipped = pending.length - ok - failed;
  await ctx.log.emit("secondary.batch.completed", {
    status: failed || skipped ? "partial" : "completed",
    total: pending.length,
    ok,
    failed,
    skipped,
  });
  return ok + failed;
}

const ReflectSchema = v.object({
  refined: v.optional(v.array(v.object({ ac_id: v.string(), description: v.pipe(v.string(), v.minLength(1)) })), []),
  ontology: v.optional(v.unknown()),
});

export interface EvolutionResult {
  outcome: "converged" | "stagnated" | "exhausted" | "cancelled" | "stopped";
  generation: number;
}

/** Evolve the failing leaves generation by generation; `stop` is checked after each (exit conditions). */
export async function evolve(
  ctx: WorkerContext,
  maxGenerations: number,
  threshold: number,
  window: number,
  spec: (acId: string) => LeafSpec,
  stop: () => Promise<boolean>,
): Promise<EvolutionResult> {
  const log = ctx.log;
  let previous: string | null = null;
  let similarRun = 0;
  for (let gen = log.state.generation + 1; gen <= maxGenerations; gen++) {
    // Only work the coder got wrong is evolved; an AC nobody could judge is not re-run.
    const failing = leaves(log.state).filter((a) => a.status !== "passed" && a.status !== "unverifiable");
    if (!failing.length) return { outcome: "converged", generation: gen - 1 };
    await log.emit("lineage.generation.started", { generation: gen, failing: failing.map((a) => a.ac_id) });
    const prompt = [
      MARK.reflect,
      `Goal: ${ctx.seed.goal}`,
      `Ontology: ${JSON.stringify(ctx.seed.ontology_schema)}`,
      "These acceptance criteria keep failing:",
      ...failing.map((a) => `- ${a.ac_id}: ${a.description}`),
      'Wonder what is still unknown, then reflect. Reply JSON {"refined":[{"ac_id":"...","description":"clearer, testable wording"}],"ontology":{...}}',
    ].join("\n");
    const r = await runAgent(ctx.agent, { prompt, cwd: ctx.cwd, tools: [] }, ctx.signal);
    await log.emit("execution.ac.token_attribution.reported", {
      tokens: r.tokens,
      cost_usd: r.costUsd,
      model_calls: 1,
    });
    const parsed = r.ok ? v.safeParse(ReflectSchema, extractJson(r.text)) : null;
    const refined = new Map((parsed?.success ? parsed.output.refined : []).map((x) => [x.ac_id, x.description]));
    const fingerprint =
      JSON.stringify(parsed?.success ? (parsed.output.ontology ?? null) : null) + [...refined.values()].join("|");
    const results: Record<string, AcVerdict> = {};
    for (const a of failing) {
      if (ctx.signal.aborted) return { outcome: "cancelled", generation: gen };
      const base = spec(a.ac_id);
      const description = refined.get(a.ac_id) ?? base.description;
      if (description !== base.description)
        await log.emit("execution.ac.refined", { ac_id: a.ac_id, generation: gen, description });
      results[a.ac_id] = await workLeaf(ctx, { ...base, description, attemptsSoFar: a.attempts, resume: null });
    }
    // An abort while the last leaf worked: `stop()` re-arms Ralph's per-generation signal, so decide now.
    if (ctx.signal.aborted) return { outcome: "cancelled", generation: gen };
    const similarity = previous === null ? 0 : Math.round(jaccard(previous, fingerprint) * 10000) / 10000;
    previous = fingerprint;
    similarRun = similarity >= threshold ? similarRun + 1 : 0;
    await log.emit("lineage.generation.completed", { generation: gen, results, similarity });
    if (leaves(log.state).every((a) => a.status === "passed" || a.status === "unverifiable")) {
      await log.emit("lineage.converged", { generation: gen });
      return { outcome: "converged", generation: gen };
    }
    if (await stop()) return { outcome: "stopped", generation: gen };
    if (similarRun >= window) {
      await log.emit("lineage.stagnated", { generation: gen, similarity });
      return { outcome: "stagnated", generation: gen };
    }
  }
  await log.emit("lineage.exhausted", { generation: maxGenerations });
  return { outcome: "exhausted", generation: maxGenerations };
}
