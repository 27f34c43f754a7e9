/**
 * Evolution over MCP: `ouroboros_start_evolve_step` runs ONE secondary-loop generation of a
 * session's failing criteria as a background job; `ouroboros_start_ralph` keeps running
 * generations until every criterion passes, the lineage stagnates or hits its cap, or a budget
 * (generations, wall clock) stops it. Both drive the pipeline's own `evolve` (src/pipeline/
 * secondary.ts) on the session's log, so generations appear in `ouroboros_lineage_status`.
 * The job itself is aggregate "evolution" (`evo_…`): started, then completed or failed, with
 * the session id, so its status and result outlive this process like every other job.
 */
import { randomBytes } from "node:crypto";
import { fail, ok, type Result } from "../errors.ts";
import { type EventType, type PayloadWithout, withFilled } from "../events/catalogue.ts";
import { rowToEvent } from "../events/envelope.ts";
import type { Agent } from "../pipeline/agent.ts";
import type { LeafSpec, WorkerContext } from "../pipeline/ac-worker.ts";
import { acquireLock } from "../util/lock.ts";
import { sessionOwnership, type Ownership } from "../events/lease.ts";
import { ownerLabel, sessionOwner } from "./job-state.ts";
import { routeAc } from "../pipeline/router.ts";
import { TierTracker } from "../pipeline/routing.ts";
import { createRuntimeAgent } from "../pipeline/runtime-agent.ts";
import { evolve } from "../pipeline/secondary.ts";
import { SessionLog } from "../pipeline/session.ts";
import { leaves, replay } from "../events/session-state.ts";
import { selectRuntime } from "../runtime/selection.ts";
import type { Seed } from "../seed/schema.ts";
import type { McpContext } from "./context.ts";
import type { EvolutionPlan } from "./job-state.ts";
import { lookupSession } from "./views.ts";

/** A lineage never runs past 30 generations; Ralph runs at most 10 per job unless asked for more. */
export const HARD_CAP = 30;
export const RALPH_DEFAULT_GENERATIONS = 10;

export interface EvolveArgs {
  lineage_id: string;
  max_generations?: number;
  max_total_seconds?: number;
  per_iteration_timeout_seconds?: number;
}

/** Sessions an evolution job of this process is driving (the file lock only sees other processes). */
const evolving = new Set<string>();

export async function planEvolution(
  ctx: McpContext,
  a: EvolveArgs,
  kind: "evolve_step" | "ralph",
): Promise<Result<EvolutionPlan>> {
  const [store, loaded] = [await ctx.backend(), await ctx.config()];
  if (!store.ok) return store;
  if (!loaded.ok) return loaded;
  const config = loaded.value.config;
  const s = await lookupSession(store.value, a.lineage_id);
  if (!s.ok) return s;
  const sessionId = s.value.session_id;
  // Another process on any machine sharing the database (its lease), or this server.
  const holder = await sessionOwner(store.value, sessionId);
  if (holder || evolving.has(sessionId) || (await ctx.jobs()).running(sessionId))
    return fail("usage", `session ${sessionId} is running${holder ? ` on ${ownerLabel(holder)}` : " in this server"}`, {
      hint: "wait for it (ouroboros_job_wait) or cancel it first",
    });
  const state = replay(sessionId, (await store.value.queryEvents({ session: sessionId })).map(rowToEvent));
  const started = (state.started?.data ?? {}) as { seed?: Seed; project_dir?: string; runtime?: string };
  if (!started.seed || !started.project_dir)
    return fail("invalidData", `session ${sessionId} has no recorded seed or project directory`);
  if (!state.phasesCompleted.has("double_diamond"))
    return fail("usage", `session ${sessionId} has not finished its first pass over the criteria`, {
      hint: "resume it with ouroboros_start_execute_seed {session_id}",
    });
  const failing = leaves(state).filter((x) => x.status !== "passed");
  if (!failing.length) return fail("usage", `every criterion of session ${sessionId} passed: nothing to evolve`);
  const cap = Math.min(HARD_CAP, kind === "evolve_step" ? config.evolution.max_generations : HARD_CAP);
  const next = state.generation + 1;
  if (next > cap)
    return fail(
      "usage",
      `lineage ${sessionId} already ran ${state.generation} generation(s), its cap is ${cap} (evolution.max_generations)`,
    );
  const last =
    kind === "evolve_step" ? next : Math.min(cap, state.generation + (a.max_generations ?? RALPH_DEFAULT_GENERATIONS));

  const choice = selectRuntime(ctx.options.runtime ?? started.runtime, process.env, loaded.value);
  if (!choice.ok) return choice;
  const agent = createRuntimeAgent(choice.value.name, process.env, config);
  if (!agent.ok) return agent;
  let judge: Agent = agent.value;
  if (ctx.options.llmBackend) {
    const [{ createLlm }, { llmAgent }] = await Promise.all([
      import("../llm/index.ts"),
      import("../pipeline/llm-agent.ts"),
    ]);
    const llm = createLlm(config, process.env, ctx.options.llmBackend);
    if (!llm.ok) return llm;
    judge = llmAgent(llm.value);
  }

  const evolutionId = `evo_${randomBytes(6).toString("hex")}`;
  const record = async <T extends Extract<EventType, `evolution.${string}`>>(
    type: T,
    data: PayloadWithout<T, "session_id" | "evolution_id" | "kind">,
  ) => {
    const r = await store.value.append({
      type,
      aggregate_type: "evolution",
      aggregate_id: evolutionId,
      data: withFilled<T, "session_id" | "evolution_id" | "kind">(
        { session_id: sessionId, evolution_id: evolutionId, kind },
        data,
      ),
    });
    if (!r.ok) throw new Error(r.error.message);
    return r.value.stored[0]?.rowid ?? 0;
  };
  const budget = a.max_total_seconds ?? null;
  const startSeq = await record("evolution.job.started", {
    from_generation: next,
    last_generation: last,
    failing: failing.map((x) => x.ac_id),
    max_total_seconds: budget,
    per_iteration_timeout_seconds: a.per_iteration_timeout_seconds ?? null,
    runtime: choice.value.name,
  });
  evolving.add(sessionId);

  const run = async (signal: AbortSignal): Promise<Result<Record<string, unknown>>> => {
    const lock = acquireLock(sessionId);
    let own: Ownership | null = null;
    try {
      if (!lock.ok) throw new Error(`session ${sessionId} is running in process ${lock.pid}`);
      // The lease makes the evolution the session's one writer on every machine, as a run is.
      const lease = await sessionOwnership(store.value, sessionId, {
        projectDir: started.project_dir ?? null,
        ttlMs: config.orchestrator.lease_ttl_seconds * 1000,
      });
      if (!lease.ok) throw new Error(lease.error.message);
      own = lease.value;
      const deadline = budget ? Date.now() + budget * 1000 : null;
      const wall = new AbortController();
      const timer = deadline ? setTimeout(() => wall.abort(), budget! * 1000) : null;
      // Ralph's per-generation budget: a fresh timer for every generation (re-armed after each).
      const perIteration = kind === "ralph" ? (a.per_iteration_timeout_seconds ?? null) : null;
      let iteration = new AbortController();
      let iterTimer: ReturnType<typeof setTimeout> | null = null;
      const arm = () => {
        if (iterTimer) clearTimeout(iterTimer);
        iteration = new AbortController();
        const c = iteration;
        if (perIteration) iterTimer = setTimeout(() => c.abort(), perIteration * 1000);
        return AbortSignal.any([signal, wall.signal, c.signal, ...(own ? [own.lost] : [])]);
      };
      const both = arm();
      const log = new SessionLog(
        store.value,
        replay(sessionId, (await store.value.queryEvents({ session: sessionId })).map(rowToEvent)),
      );
      const seed = started.seed!;
      const wctx: WorkerContext = {
        log,
        agent: agent.value,
        judge,
        seed,
        config,
        runtime: choice.value.name,
        cwd: started.project_dir!,
        tracker: new TierTracker(config.economics.escalation_threshold, config.economics.downgrade_success_streak),
        signal: both,
        // The job's own limits (max_generations, max_total_seconds, per-iteration) stop it through its signals.
        budget: async () => null,
      };
      const spec = (acId: string): LeafSpec => {
        const x = log.state.acs.get(acId)!;
        let root = x;
        while (root.parent) root = log.state.acs.get(root.parent)!;
        const source = root.ac_id === acId ? (seed.acceptance_criteria[root.position] ?? null) : null;
        const tier =
          (x.tier as LeafSpec["initialTier"] | null) ??
          routeAc({ description: x.description, verify_command: source?.verify_command ?? null, depth: x.depth }).tier;
        return { acId, description: x.description, source, initialTier: tier, attemptsSoFar: x.attempts, resume: null };
      };
      // evolve_step stops after its one generation (unless that generation is the cap: then the lineage is exhausted);
      // Ralph goes on until converged, stagnated, the cap, or the wall clock.
      const stop = async () => {
        if (kind === "evolve_step") return last < cap;
        wctx.signal = arm();
        return deadline !== null && Date.now() >= deadline;
      };
      const r = await evolve(
        wctx,
        last,
        config.evolution.convergence_threshold,
        config.evolution.stagnation_window,
        spec,
        stop,
      ).finally(() => {
        if (timer) clearTimeout(timer);
        if (iterTimer) clearTimeout(iterTimer);
      });
      const byWall = wall.signal.aborted || (r.outcome === "stopped" && kind === "ralph");
      const byIteration = !signal.aborted && !byWall && iteration.signal.aborted;
      const outcome = r.outcome === "cancelled" && (byWall || byIteration) ? "stopped" : r.outcome;
      const all = leaves(log.state);
      const stopReason =
        outcome === "stopped"
          ? byWall
            ? "max_total_seconds"
            : byIteration
              ? "per_iteration_timeout_seconds"
              : "one generation (evolve_step)"
          : outcome === "exhausted"
            ? last >= cap
              ? `generation cap ${cap}`
              : `max_generations ${a.max_generations ?? RALPH_DEFAULT_GENERATIONS}`
            : outcome;
      const result = {
        evolution_id: evolutionId,
        lineage_id: sessionId,
        kind,
        outcome,
        stop_reason: stopReason,
        generation: log.state.generation,
        generations_run: Math.max(0, log.state.generation - next + 1),
        acs_passed: all.filter((x) => x.status === "passed").length,
        acs_total: all.length,
        all_passed: all.every((x) => x.status === "passed"),
      };
      await record("evolution.job.completed", result);
      return ok(result);
    } catch (e) {
      const msg = signal.aborted ? "cancelled" : e instanceof Error ? e.message : String(e);
      try {
        await record("evolution.job.failed", { error: msg });
      } catch {
        // The store itself failed; the error still reaches the caller.
      }
      return fail("failure", `evolution ${evolutionId} stopped: ${msg}`);
    } finally {
      await own?.release();
      if (lock.ok) lock.release();
      evolving.delete(sessionId);
    }
  };
  return ok({ evolutionId, sessionId, startSeq, run });
}
