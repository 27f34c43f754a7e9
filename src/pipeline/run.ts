/**
 * The six-phase pipeline for one session: Big Bang → PAL Router → Double Diamond (with
 * Resilience around every attempt and Evaluation of each) → session Evaluation → Secondary Loop.
 * Every step is an event; a resumed session continues from the replayed log alone.
 */
import { executionModel } from "../config/models.ts";
import type { Config, Tier } from "../config/schema.ts";
import type { EventBackend } from "../events/backend.ts";
import { sessionOwnership } from "../events/lease.ts";
import { checkTakeoverDir, gitHead, recordedProject } from "../events/lease-project.ts";
import type { StoredEvent } from "../events/envelope.ts";
import { rowToEvent } from "../events/envelope.ts";
import { fail, ok, type Result } from "../errors.ts";
import { newId } from "../seed/ids.ts";
import type { Seed } from "../seed/schema.ts";
import { buildAcTree } from "../seed/tree.ts";
import type { Agent } from "./agent.ts";
import { settleAncestors, workLeaf, type AcVerdict, type LeafSpec, type WorkerContext } from "./ac-worker.ts";
import { decomposeTree, emitTree } from "./big-bang.ts";
import { allPassed, firstMet, overallScore, type ExitHit } from "./exit-check.ts";
import { acquireLock } from "../util/lock.ts";
import { CHECKS, loadMechanical, runCheck } from "./mechanical.ts";
import { routeAc } from "./router.ts";
import { TierTracker } from "./routing.ts";
import { evolve, runTodoBatch } from "./secondary.ts";
import { SessionLog } from "./session.ts";
import { emptyState, leaves, replay, rollUp, roots } from "../events/session-state.ts";
import { plural } from "../util/plural.ts";

export interface RunOptions {
  backend: EventBackend;
  agent: Agent;
  /** Tool-less judging turns (stages 2–3, judged exit conditions); default: `agent`. */
  judge?: Agent;
  runtime: string;
  config: Config;
  /** New session: the seed and where it came from. Resume: omit and pass resumeSessionId. */
  seed?: Seed;
  seedPath?: string;
  resumeSessionId?: string;
  projectDir: string;
  /** Resume: `--project-dir` as given, checked against the recorded base commit on a takeover. */
  projectDirArg?: string;
  parallel: number;
  maxDepth: number;
  skipSecondary?: boolean;
  /** Flag overrides of execution.max_cost_usd / execution.timeout_seconds. */
  maxCostUsd?: number;
  /** `--tier`: every AC starts at this tier instead of the router's choice. */
  tier?: Tier;
  timeoutSeconds?: number;
  /** Ctrl-C: stop, stay resumable (no terminal event). */
  interrupt?: AbortSignal;
  onEvent?: (e: StoredEvent) => void;
  onSessionId?: (id: string) => void;
}

/** How a session ended: completed (exit 0); stopped by a budget, failed, unverifiable (exit 3). */
export type Ending = "completed" | "stopped" | "failed" | "unverifiable";

export interface RunOutcome {
  sessionId: string;
  status: Ending | "cancelled" | "interrupted";
  exitCondition: string | null;
  /** The budget or budget-kind exit condition that stopped the run. */
  stopCondition: string | null;
  summary: string;
  turns: number;
  modelCalls: number;
  tokens: number;
  costUsd: number;
}

/** Exit-condition kinds that are budgets: when one fires the run is stopped, not completed. */
const BUDGET_KINDS = new Set(["generations", "elapsed_seconds", "cost_usd"]);

async function loadSession(backend: EventBackend, sessionId: string): Promise<SessionLog> {
  const rows = await backend.queryEvents({ session: sessionId });
  return new SessionLog(backend, replay(sessionId, rows.map(rowToEvent)));
}

export async function runPipeline(o: RunOptions): Promise<Result<RunOutcome>> {
  // The session is named before the first await: the MCP job table files the job under it.
  const sessionId = o.resumeSessionId ?? newId.session();
  o.onSessionId?.(sessionId);
  const lock = acquireLock(sessionId);
  if (!lock.ok)
    return fail("usage", `session ${sessionId} is running in process ${lock.pid}`, {
      hint: `\`ouroboros cancel ${sessionId}\` stops it`,
    });
  try {
    return await owned(o, sessionId);
  } finally {
    lock.release();
  }
}

/** Load or create the session, take its lease, then drive it; the file lock is already held. */
async function owned(o: RunOptions, sessionId: string): Promise<Result<RunOutcome>> {
  let log: SessionLog;
  let seed: Seed;
  if (o.resumeSessionId) {
    log = await loadSession(o.backend, sessionId);
    if (!log.state.started)
      return fail("unknownId", `no session ${sessionId}`, { hint: "`ouroboros status` lists sessions" });
    if (log.state.terminal)
      return fail("usage", `session ${sessionId} already ended (${log.state.terminal.type.split(".").pop()})`, {
        hint: "start a new run",
      });
    seed = log.state.started.data.seed as Seed;
  } else {
    if (!o.seed) return fail("usage", "a seed is needed to start a session");
    seed = o.seed;
    log = new SessionLog(o.backend, emptyState(sessionId));
    log.state.executionId = newId.execution();
  }
  const own = await sessionOwnership(o.backend, sessionId, {
    projectDir: o.projectDir,
    ttlMs: o.config.orchestrator.lease_ttl_seconds * 1000,
  });
  if (!own.ok) return own;
  try {
    const prev = own.value.takenOverFrom;
    // Work continued on another machine must continue on the same code.
    if (prev && prev.host !== own.value.owner.host && log.state.started) {
      const dir = checkTakeoverDir(recordedProject(sessionId, log.state.started.data), o.projectDirArg);
      if (!dir.ok) return dir;
    }
    return await guarded(o, log, seed, own.value.lost);
  } finally {
    await own.value.release();
  }
}

async function guarded(o: RunOptions, log: SessionLog, seed: Seed, lost: AbortSignal): Promise<Result<RunOutcome>> {
  if (o.onEvent) log.listeners.push(o.onEvent);
  const stop = new AbortController();
  const budget = sessionBudget(o, log, () => stop.abort());
  // Cancel requests appended by any process, on any machine sharing the database.
  let cursor = log.state.lastSeq;
  let polling = false;
  const cancelWatch = setInterval(async () => {
    if (polling) return;
    polling = true;
    try {
      await budget();
      const rows = await o.backend.queryEvents({
        session: log.sessionId,
        afterSeq: cursor,
        typeGlob: "orchestrator.session.cancel_requested",
        limit: 1,
      });
      if (rows.length) {
        cursor = rows[0]!.seq;
        log.state.cancelRequested = JSON.parse(rows[0]!.payload).reason ?? "cancelled";
        stop.abort();
      }
    } catch (e) {
      process.stderr.write(`cancel watch: ${e instanceof Error ? e.message : String(e)}\n`);
    } finally {
      polling = false;
    }
  }, 200);
  const onInterrupt = () => stop.abort();
  o.interrupt?.addEventListener("abort", onInterrupt);
  if (o.interrupt?.aborted) stop.abort();
  // Another process owns the session now: write nothing more (no terminal event), stop at once.
  const onLost = () => {
    log.fence(`lease on session ${log.sessionId} was lost to another process`);
    stop.abort();
  };
  lost.addEventListener("abort", onLost);
  try {
    const outcome = await drive(o, log, seed, stop.signal, budget);
    await log.flush();
    return ok(outcome);
  } catch (e) {
    // The log is intact up to the failing write; the session stays resumable.
    return fail("failure", `pipeline stopped: ${e instanceof Error ? e.message : String(e)}`, {
      hint: lost.aborted ? "another process continues this session" : `resume with --resume ${log.sessionId}`,
    });
  } finally {
    clearInterval(cancelWatch);
    o.interrupt?.removeEventListener("abort", onInterrupt);
    lost.removeEventListener("abort", onLost);
    // Queued writes (tool events, heartbeats) settle before the lease is released.
    await log.flush().catch(() => undefined);
  }
}

/**
 * The session budgets (cost, wall time of this run, runtime turns): the first one over its limit is
 * recorded once (`pipeline.budget.exceeded`) and stops the run; returns its name, or null.
 */
function sessionBudget(o: RunOptions, log: SessionLog, onFire: () => void): () => Promise<string | null> {
  const x = o.config.execution;
  const t0 = Date.now();
  let fired: string | null = null;
  return async () => {
    if (fired || log.state.terminal) return fired;
    const s = log.state;
    const limits: [string, number, number][] = [
      ["max_cost_usd", o.maxCostUsd ?? x.max_cost_usd, Math.round(s.costUsd * 1e6) / 1e6],
      ["timeout", o.timeoutSeconds ?? x.timeout_seconds, Math.round((Date.now() - t0) / 1000)],
      ["max_turns_per_session", x.max_turns_per_session, s.turns],
    ];
    const hit = limits.find(([name, limit, value]) =>
      name === "max_turns_per_session" ? value >= limit : value >= limit && limit > 0,
    );
    if (!hit) return null;
    fired = hit[0];
    await log.emit("pipeline.budget.exceeded", { name: hit[0], limit: hit[1], value: hit[2] }, "session");
    onFire();
    return fired;
  };
}

async function drive(
  o: RunOptions,
  log: SessionLog,
  seed: Seed,
  signal: AbortSignal,
  budget: () => Promise<string | null>,
): Promise<RunOutcome> {
  const emit = log.emit;
  const s = log.state;
  if (!s.started) {
    await emit(
      "orchestrator.session.started",
      {
        execution_id: s.executionId!, // set with the session id, before the first event
        seed_id: seed.metadata.seed_id,
        seed_goal: seed.goal,
        runtime: o.runtime,
        ac_count: seed.acceptance_criteria.length,
        start_time: new Date().toISOString(),
        seed,
        seed_path: o.seedPath ?? null,
        project_dir: o.projectDir,
        base_commit: gitHead(o.projectDir),
        parallel: o.parallel,
        max_decomposition_depth: o.maxDepth,
      },
      "session",
    );
  } else
    await emit(
      "orchestrator.session.resumed",
      {
        reason: "resume requested",
        last_seq: s.lastSeq,
        passed: leaves(s)
          .filter((a) => a.status === "passed")
          .map((a) => a.ac_id),
      },
      "session",
    );

  const tree = buildAcTree(seed.acceptance_criteria).tree!;
  const ctx: WorkerContext = {
    log,
    agent: o.agent,
    judge: o.judge ?? o.agent,
    seed,
    config: o.config,
    runtime: o.runtime,
    cwd: o.projectDir,
    tracker: new TierTracker(o.config.economics.escalation_threshold, o.config.economics.downgrade_success_streak),
    signal,
    budget,
  };
  const finish = async (
    status: RunOutcome["status"],
    summary: string,
    exit: ExitHit | null,
    stopCondition: string | null = null,
  ): Promise<RunOutcome> => {
    const totals = {
      turns: s.turns,
      model_calls: s.modelCalls,
      tokens: s.tokens,
      cost_usd: Math.round(s.costUsd * 1e6) / 1e6,
    };
    const line =
      status === "interrupted" || status === "cancelled"
        ? summary
        : `${summary}; turns ${totals.turns}, model calls ${totals.model_calls}, tokens ${totals.tokens}, cost $${totals.cost_usd.toFixed(4)}`;
    if (status === "interrupted") {
      await emit(
        "orchestrator.session.paused",
        { reason: "interrupted", resume_hint: `ouroboros run workflow --resume ${log.sessionId}` },
        "session",
      );
    } else if (status === "cancelled")
      await emit(
        "orchestrator.session.cancelled",
        { reason: s.cancelRequested ?? "cancelled", cancelled_by: "user" },
        "session",
      );
    else if (status === "completed")
      await emit(
        "orchestrator.session.completed",
        { summary: line, ending: status, exit_condition: exit?.name ?? null, score: overallScore(s), ...totals },
        "session",
      );
    else
      await emit(
        "orchestrator.session.failed",
        {
          error: line,
          ending: status,
          error_type: status === "failed" ? "acceptance_failed" : status,
          exit_condition: exit?.name ?? null,
          stop_condition: stopCondition,
          ...totals,
        },
        "session",
      );
    return {
      sessionId: log.sessionId,
      status,
      exitCondition: exit?.name ?? null,
      stopCondition,
      summary: line,
      turns: totals.turns,
      modelCalls: totals.model_calls,
      tokens: totals.tokens,
      costUsd: totals.cost_usd,
    };
  };
  const halted = async () => {
    if (s.cancelRequested) return finish("cancelled", s.cancelRequested, null);
    const fired = await budget();
    return fired
      ? finish("stopped", `stopped: budget '${fired}' reached; ${counts()}`, null, fired)
      : finish("interrupted", "interrupted", null);
  };
  const counts = () => {
    const by = (st: string) => roots(s).filter((r) => rollUp(s, r.ac_id) === st).length;
    return `${by("passed")}/${roots(s).length} acceptance criteria passed${by("unverifiable") ? `, ${by("unverifiable")} unverifiable` : ""}`;
  };
  const exitHit = async (allowJudged: boolean): Promise<ExitHit | null> => {
    const onModelCall = (tokens: number, cost_usd: number) =>
      emit("execution.ac.token_attribution.reported", { tokens, cost_usd, model_calls: 1 });
    const hit = await firstMet(seed, s, {
      cwd: o.projectDir,
      agent: o.judge ?? o.agent,
      signal,
      allowJudged,
      onModelCall,
    });
    if (hit) await emit("pipeline.exit_condition.met", { name: hit.name, evidence: hit.evidence }, "session");
    return hit;
  };
  const done = (phase: string) => s.phasesCompleted.has(phase);

  if (!done("big_bang"))
    await log.phase("big_bang", undefined, async () => {
      if (!s.treeBuilt) await emitTree(log, tree);
      await decomposeTree(log, o.agent, seed.goal, o.maxDepth, o.projectDir, signal);
      return { outcome: plural(s.acs.size, "node"), value: undefined };
    });
  if (signal.aborted) return await halted();

  const sourceOf = (acId: string) => {
    let node = s.acs.get(acId)!;
    while (node.parent) node = s.acs.get(node.parent)!;
    const root = tree.nodes.find((n) => n.ac_id === node.ac_id);
    return { root: node.ac_id, ac: acId === node.ac_id && root ? seed.acceptance_criteria[root.index]! : null };
  };
  const initialTier = (acId: string): Tier =>
    (s.acs.get(acId)?.tier as Tier | null) ??
    routeAc({
      description: s.acs.get(acId)!.description,
      verify_command: sourceOf(acId).ac?.verify_command ?? null,
      depth: s.acs.get(acId)!.depth,
    }).tier;
  if (!done("pal_router"))
    await log.phase("pal_router", undefined, async () => {
      for (const leaf of leaves(s)) {
        if (leaf.tier) continue;
        const src = sourceOf(leaf.ac_id).ac;
        const routed = routeAc({
          description: leaf.description,
          verify_command: src?.verify_command ?? null,
          depth: leaf.depth,
        });
        const r = o.tier ? { ...routed, tier: o.tier } : routed;
        const pinned = o.config.execution.default_model;
        const model = executionModel(o.config, o.runtime, r.tier);
        await emit("routing.decision.made", {
          ac_id: leaf.ac_id,
          score: r.score,
          tier: r.tier,
          breakdown: r.breakdown,
          model,
          enforced: model !== null,
          pinned: pinned !== null,
          ...(o.tier ? { tier_flag: o.tier } : {}),
        });
      }
      return { outcome: "routed", value: undefined };
    });

  const spec = (acId: string): LeafSpec => {
    const a = s.acs.get(acId)!;
    return {
      acId,
      description: a.description,
      source: sourceOf(acId).ac,
      initialTier: initialTier(acId),
      attemptsSoFar: a.attempts,
      resume: a.status === "executing" ? a.handle : null,
    };
  };
  let exit: ExitHit | null = null;
  if (!done("double_diamond")) {
    await emit("pipeline.phase.started", { phase: "double_diamond" }, "session");
    await emit("pipeline.phase.started", { phase: "resilience" }, "session");
    const t0 = performance.now();
    for (const level of tree.levels) {
      if (signal.aborted || exit) break;
      const queue: string[] = [];
      for (const i of level) {
        const root = tree.nodes[i]!;
        const blockedBy = root.depends_on.map((d) => tree.nodes[d]!.ac_id).filter((dep) => rollUp(s, dep) !== "passed");
        const rootLeaves = leaves(s).filter((l) => sourceOf(l.ac_id).root === root.ac_id && l.status !== "passed");
        if (blockedBy.length) {
          for (const l of rootLeaves)
            if (l.status !== "blocked") {
              await emit("execution.ac.status_changed", { ac_id: l.ac_id, status: "blocked", blocked_by: blockedBy });
              await settleAncestors(log, l.ac_id);
            }
        } else queue.push(...rootLeaves.map((l) => l.ac_id));
      }
      const workers = Array.from({ length: Math.max(1, Math.min(o.parallel, queue.length)) }, async () => {
        for (let next = queue.shift(); next && !signal.aborted && !exit; next = queue.shift()) {
          const verdict: AcVerdict = await workLeaf(ctx, spec(next));
          if (verdict !== "cancelled" && verdict !== "stopped") exit ??= await exitHit(false);
        }
      });
      await Promise.all(workers);
    }
    if (signal.aborted) return await halted();
    const summary = (st: string) => leaves(s).filter((a) => a.status === st).length;
    const outcome = `passed ${summary("passed")}, failed ${summary("failed")}, unverifiable ${summary("unverifiable")}, stagnated ${summary("stagnated")}, blocked ${summary("blocked")}`;
    await emit(
      "pipeline.phase.completed",
      { phase: "resilience", duration_ms: Math.round(performance.now() - t0), outcome },
      "session",
    );
    await emit(
      "pipeline.phase.completed",
      { phase: "double_diamond", duration_ms: Math.round(performance.now() - t0), outcome },
      "session",
    );
  }
  if (!done("evaluation"))
    await log.phase("evaluation", undefined, async () => {
      const mech = loadMechanical(o.projectDir);
      const checks = [];
      for (const k of CHECKS) {
        const cmd = mech.config?.[k];
        if (cmd)
          checks.push(
            await runCheck(
              k,
              cmd,
              o.projectDir,
              (mech.config?.timeout ?? 300) * 1000,
              mech.config?.allow ?? [],
              signal,
            ),
          );
      }
      for (const c of checks) delete c.output;
      const stage1 = !mech.config
        ? "skipped"
        : checks.some((c) => c.outcome === "failed")
          ? "failed"
          : checks.some((c) => c.outcome === "unverifiable")
            ? "unverifiable"
            : "passed";
      await emit("evaluation.stage.completed", {
        stage: 1,
        outcome: stage1,
        evidence: { checks, ...(mech.config ? {} : { reason: `no ${mech.file}` }), problems: mech.problems },
      });
      const approved = allPassed(s) && stage1 !== "failed";
      await emit("evaluation.pipeline.completed", {
        approved,
        score: overallScore(s),
        roots: roots(s).map((r) => ({ ac_id: r.ac_id, status: rollUp(s, r.ac_id) })),
      });
      return { outcome: approved ? "approved" : "rejected", value: undefined };
    });
  // Assigned inside the workers, so TypeScript cannot narrow it here.
  exit = (exit as ExitHit | null) ?? (await exitHit(true));
  // The secondary loop calls no model when it has nothing to do, and then nothing is asked again.
  let worked = false;
  if (!done("secondary_loop"))
    await log.phase("secondary_loop", undefined, async () => {
      // Every run shows all six phases; an exit condition that already fired skips this one.
      if (exit) return { outcome: `skipped: exit condition '${exit.name}' met`, value: undefined };
      if (allPassed(s)) {
        worked = (await runTodoBatch(ctx, o.skipSecondary ?? false)) > 0;
        return { outcome: worked ? "todos" : "nothing to do", value: undefined };
      }
      if (!o.config.execution.auto_evolve) return { outcome: "evolution disabled", value: undefined };
      const ev = o.config.evolution;
      const r = await evolve(
        ctx,
        ev.max_generations,
        ev.convergence_threshold,
        ev.stagnation_window,
        spec,
        async () => {
          exit = await exitHit(true);
          return Boolean(exit);
        },
      );
      worked = r.generation > 0;
      return { outcome: `evolution ${r.outcome} at generation ${r.generation}`, value: undefined };
    });
  if (signal.aborted) return await halted();
  if (worked) exit ??= await exitHit(true);
  if (exit && BUDGET_KINDS.has(String(exit.evidence.kind)))
    return finish("stopped", `stopped: exit condition '${exit.name}' met; ${counts()}`, exit, exit.name);
  if (exit) return finish("completed", `exit condition '${exit.name}' met; ${counts()}`, exit);
  if (allPassed(s)) return finish("completed", counts(), null);
  const statuses = roots(s).map((r) => rollUp(s, r.ac_id));
  if (statuses.every((st) => st === "passed" || st === "unverifiable")) {
    const why = leaves(s)
      .filter((a) => a.status === "unverifiable")
      .map((a) => `${a.ac_id}: ${a.reason ?? "could not be judged"}`)
      .join("; ");
    return finish("unverifiable", `${counts()}; not judged: ${why}`.slice(0, 1500), null);
  }
  return finish("failed", counts(), null);
}
