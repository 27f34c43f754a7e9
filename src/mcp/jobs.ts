/**
 * Background work. A job is one pipeline session run (`job_<session id>`) or one evaluation
 * (`job_<evaluation id>`) in this process; status, progress and result are read from the event
 * log and outlive the in-memory handle (another server, or this one after a restart, answers for
 * the same job id).
 */
import { fail, ok, type Result } from "../errors.ts";
import type { RunOutcome } from "../pipeline/run.ts";
import type { StartedRun } from "../pipeline/start-run.ts";
import { eventJson, lookupSession, sessionSummary, terminalEvent } from "./views.ts";
import type { EventBackend } from "../events/backend.ts";
import {
  evaluationState,
  evolutionState,
  ownerLabel,
  sessionOwner,
  type EvaluationPlan,
  type EvolutionPlan,
} from "./job-state.ts";

interface Job {
  /** Session id, or evaluation id (`eval_…`). */
  sessionId: string;
  interrupt: AbortController;
  promise: Promise<Result<unknown>>;
  outcome?: Result<unknown>;
}

const isEval = (key: string) => key.startsWith("eval_");
export const isEvo = (key: string) => key.startsWith("evo_");

export const jobIdOf = (sessionId: string) => `job_${sessionId}`;

/** What the job table uses of the server context (the context creates the table). */
export interface JobHost {
  backend(): Promise<Result<EventBackend>>;
  log(message: string): void;
}

export class JobTable {
  private readonly live = new Map<string, Job>();
  constructor(private readonly ctx: JobHost) {}

  /**
   * Start a run as a job: `start` (startRun) resolves once its session exists; the job is keyed
   * by that session and can be interrupted (paused, resumable) through `interrupt`.
   */
  async launch(start: (interrupt: AbortSignal) => Promise<Result<StartedRun>>): Promise<
    Result<{
      job_id: string;
      session_id: string;
      runtime: string;
      projectDir: string;
      wait: () => Promise<Result<RunOutcome>>;
    }>
  > {
    const interrupt = new AbortController();
    const started = await start(interrupt.signal);
    if (!started.ok) return started;
    const { sessionId, outcome: promise } = started.value;
    const job: Job = { sessionId, interrupt, promise };
    this.live.set(sessionId, job);
    promise.then((r) => {
      job.outcome = r;
      if (!r.ok) this.ctx.log(`job ${jobIdOf(job.sessionId)}: ${r.error.message}`);
    });
    return ok({
      job_id: jobIdOf(sessionId),
      session_id: sessionId,
      runtime: started.value.runtime,
      projectDir: started.value.projectDir,
      wait: () => promise,
    });
  }

  /** Run keyed background work (an evaluation, an evolution) whose state lives in its own events. */
  private background(key: string, run: (signal: AbortSignal) => Promise<Result<unknown>>): Promise<Result<unknown>> {
    const interrupt = new AbortController();
    const promise = run(interrupt.signal);
    const job: Job = { sessionId: key, interrupt, promise };
    this.live.set(key, job);
    promise.then((r) => (job.outcome = r));
    return promise;
  }

  /** Run an evaluation in the background (see evaluate.ts). */
  launchEvaluation(plan: EvaluationPlan): {
    job_id: string;
    evaluation_id: string;
    session_id: string;
    wait: () => Promise<Result<unknown>>;
  } {
    const promise = this.background(plan.evaluationId, plan.run);
    return {
      job_id: jobIdOf(plan.evaluationId),
      evaluation_id: plan.evaluationId,
      session_id: plan.sessionId,
      wait: () => promise,
    };
  }

  /** Run evolution generations in the background (see evolve.ts). */
  launchEvolution(plan: EvolutionPlan): {
    job_id: string;
    evolution_id: string;
    lineage_id: string;
    cursor: number;
    wait: () => Promise<Result<unknown>>;
  } {
    const promise = this.background(plan.evolutionId, plan.run);
    return {
      job_id: jobIdOf(plan.evolutionId),
      evolution_id: plan.evolutionId,
      lineage_id: plan.sessionId,
      cursor: Math.max(0, plan.startSeq - 1),
      wait: () => promise,
    };
  }

  /** Stop an evolution job: this server's own is aborted (it records the end); an orphan is closed here. */
  async cancelEvolution(evolutionId: string): Promise<Result<Record<string, unknown>>> {
    const b = await this.ctx.backend();
    if (!b.ok) return b;
    const st = await evolutionState(b.value, evolutionId);
    if (!st) return fail("unknownId", `no job '${jobIdOf(evolutionId)}'`);
    if (st.status !== "running") return ok({ evolution_id: evolutionId, action: "already_ended", status: st.status });
    const job = this.live.get(evolutionId);
    if (job && !job.outcome) {
      job.interrupt.abort();
      await job.promise;
    } else {
      const r = await b.value.append({
        type: "evolution.job.failed",
        aggregate_type: "evolution",
        aggregate_id: evolutionId,
        data: { session_id: st.session_id, evolution_id: evolutionId, error: "cancelled" },
      });
      if (!r.ok) return r;
    }
    return ok({
      evolution_id: evolutionId,
      action: "cancelled",
      status: (await evolutionState(b.value, evolutionId))?.status ?? "failed",
    });
  }

  private async evoStatus(jobId: string, evolutionId: string): Promise<Result<Record<string, unknown>>> {
    const b = await this.ctx.backend();
    if (!b.ok) return b;
    const st = await evolutionState(b.value, evolutionId);
    if (!st) return fail("unknownId", `no job '${jobId}'`, { hint: "job ids come from the ouroboros_start_* tools" });
    const here = this.running(evolutionId);
    const status = st.status === "running" && !here ? "interrupted" : st.status;
    return ok({
      job_id: jobId,
      kind: "evolution",
      evolution: st.kind,
      evolution_id: evolutionId,
      session_id: st.session_id,
      lineage_id: st.session_id,
      status,
      done: status !== "running",
      owner: here ? "this server" : null,
    });
  }

  /** Stop an evaluation: this server's own is aborted (it records the failure); an orphan is closed here. */
  async cancelEvaluation(evaluationId: string): Promise<Result<Record<string, unknown>>> {
    const b = await this.ctx.backend();
    if (!b.ok) return b;
    const st = await evaluationState(b.value, evaluationId);
    if (!st) return fail("unknownId", `no job '${jobIdOf(evaluationId)}'`);
    if (st.status !== "running") return ok({ evaluation_id: evaluationId, action: "already_ended", status: st.status });
    const job = this.live.get(evaluationId);
    if (job && !job.outcome) {
      job.interrupt.abort();
      await job.promise;
    } else {
      const r = await b.value.append({
        type: "evaluation.pipeline.failed",
        aggregate_type: "evaluation",
        aggregate_id: evaluationId,
        data: { session_id: st.session_id, evaluation_id: evaluationId, error: "cancelled" },
      });
      if (!r.ok) return r;
    }
    return ok({ evaluation_id: evaluationId, action: "cancelled", status: "failed" });
  }

  private async evalStatus(jobId: string, evaluationId: string): Promise<Result<Record<string, unknown>>> {
    const b = await this.ctx.backend();
    if (!b.ok) return b;
    const st = await evaluationState(b.value, evaluationId);
    if (!st) return fail("unknownId", `no job '${jobId}'`, { hint: "job ids come from the ouroboros_start_* tools" });
    const here = this.running(evaluationId);
    // An evaluation nobody runs any more (its server is gone) will not finish.
    const status = st.status === "running" && !here ? "interrupted" : st.status;
    return ok({
      job_id: jobId,
      kind: "evaluation",
      evaluation_id: evaluationId,
      session_id: st.session_id,
      status,
      done: status !== "running",
      stage: st.stage,
      last_seq: st.last_seq,
      owner: here ? "this server" : null,
    });
  }

  /** Pause one running job of this server (resumable); false when it is not running here. */
  interrupt(key: string): boolean {
    const j = this.live.get(key);
    if (!j || j.outcome) return false;
    j.interrupt.abort();
    return true;
  }

  /**
   * Wait for a job of this server while reporting progress (ACs passed of total, phase) and
   * pausing it if the caller goes away.
   */
  async follow(
    key: string,
    call: { signal: AbortSignal; progress(progress: number, total?: number, message?: string): void },
  ): Promise<void> {
    const j = this.live.get(key);
    if (!j) return;
    const onAbort = () => this.interrupt(key);
    call.signal.addEventListener("abort", onAbort, { once: true });
    let last = "";
    const tick = async () => {
      const st = await this.status(jobIdOf(key));
      if (!st.ok) return;
      const v = st.value as {
        progress?: { acs_passed: number; acs_total: number };
        phase?: string | null;
        stage?: string;
        last_seq?: number | null;
      };
      const note = v.progress
        ? `${v.progress.acs_passed}/${v.progress.acs_total} ACs passed${v.phase ? `, phase ${v.phase}` : ""}`
        : `stage ${v.stage}`;
      if (note === last) return;
      last = note;
      // MCP wants progress to grow with every notification: the log position does.
      call.progress(v.last_seq ?? 0, undefined, note);
    };
    const timer = setInterval(() => void tick(), 500);
    try {
      await j.promise;
    } finally {
      clearInterval(timer);
      call.signal.removeEventListener("abort", onAbort);
    }
  }

  anyRunning(): boolean {
    return [...this.live.values()].some((j) => !j.outcome);
  }

  /** True while this process is driving the session. */
  running(sessionId: string): boolean {
    const j = this.live.get(sessionId);
    return Boolean(j && !j.outcome);
  }

  async status(jobId: string): Promise<Result<Record<string, unknown>>> {
    const sid = sessionOfJob(jobId);
    if (!sid.ok) return sid;
    if (isEval(sid.value)) return this.evalStatus(jobId, sid.value);
    if (isEvo(sid.value)) return this.evoStatus(jobId, sid.value);
    const b = await this.ctx.backend();
    if (!b.ok) return b;
    const s = await lookupSession(b.value, sid.value);
    if (!s.ok) {
      const job = this.live.get(sid.value);
      if (job) return ok(unlogged(jobId, job));
      return fail("unknownId", `no job '${jobId}'`, { hint: "job ids come from ouroboros_start_execute_seed" });
    }
    const summary = sessionSummary(s.value);
    const here = this.running(s.value.session_id);
    const job = this.live.get(s.value.session_id);
    let status = summary.status;
    // Another process (here or on a machine sharing the database) may drive it; a session nobody
    // drives any more (server or CLI gone, its lease expired) is resumable, not running.
    const owner = status === "running" && !here ? await sessionOwner(b.value, s.value.session_id) : null;
    if (status === "running" && !here && !owner) status = "interrupted";
    const done = summary.done || (!here && status !== "running");
    const error = job?.outcome && !job.outcome.ok ? job.outcome.error.message : undefined;
    return ok({
      job_id: jobIdOf(s.value.session_id),
      kind: "execution",
      ...summary,
      status,
      done,
      owner: here ? "this server" : owner ? ownerLabel(owner) : null,
      ...(error ? { error } : {}),
    });
  }

  /** Wait up to `timeoutMs` for new events (after `cursor`) or the end of the job. */
  async wait(jobId: string, cursor: number, timeoutMs: number): Promise<Result<Record<string, unknown>>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const st = await this.status(jobId);
      if (!st.ok) return st;
      const b = (await this.ctx.backend()) as { ok: true; value: EventBackend };
      const rows =
        st.value.kind === "evaluation"
          ? await b.value.aggregateRowsAfter("evaluation", String(st.value.evaluation_id), cursor, 100)
          : await b.value.queryEvents({ session: String(st.value.session_id), afterSeq: cursor, limit: 100 });
      if (rows.length || st.value.done || Date.now() >= deadline) {
        const next = rows.length ? rows[rows.length - 1]!.seq : cursor;
        const events = rows.map((r) => {
          const e = eventJson(r);
          const d = e.data as Record<string, unknown>;
          return {
            seq: e.seq,
            type: e.type,
            ac_id: d.ac_id ?? undefined,
            status: d.status ?? undefined,
            phase: d.phase ?? undefined,
          };
        });
        return ok({ ...st.value, cursor: next, more: rows.length === 100, events });
      }
      await Bun.sleep(Math.min(150, Math.max(0, deadline - Date.now())));
    }
  }

  async result(jobId: string): Promise<Result<Record<string, unknown>>> {
    const st = await this.status(jobId);
    if (!st.ok) return st;
    if (!st.value.done)
      return fail("usage", `job ${jobId} is still ${st.value.status}`, {
        hint: "ouroboros_job_wait follows it until done",
      });
    const b = (await this.ctx.backend()) as { ok: true; value: EventBackend };
    if (st.value.kind === "evaluation") {
      const ev = (await evaluationState(b.value, String(st.value.evaluation_id)))!;
      return ok({ job_id: jobId, status: st.value.status, ...(ev.result ?? {}) });
    }
    if (st.value.kind === "evolution") {
      const ev = (await evolutionState(b.value, String(st.value.evolution_id)))!;
      return ok({ job_id: jobId, status: st.value.status, ...(ev.result ?? {}) });
    }
    const sid = String(st.value.session_id);
    const term = await terminalEvent(b.value, sid);
    const job = this.live.get(sid);
    const outcome = job?.outcome?.ok ? (job.outcome.value as RunOutcome) : null;
    return ok({
      job_id: jobId,
      session_id: sid,
      status: st.value.status,
      summary: outcome?.summary ?? term?.data.summary ?? term?.data.error ?? term?.data.reason ?? null,
      exit_condition: outcome?.exitCondition ?? term?.data.exit_condition ?? null,
      score: term?.data.score ?? null,
      progress: st.value.progress,
      cost_usd: st.value.cost_usd,
      ...(st.value.status === "interrupted" || st.value.status === "paused"
        ? { resume_hint: `ouroboros_start_execute_seed with session_id=${sid}` }
        : {}),
      ...(st.value.error ? { error: st.value.error } : {}),
    });
  }

  /** Shutdown: pause every running job (resumable) and give them `graceMs` to write their pause. */
  async interruptAll(graceMs: number): Promise<void> {
    const running = [...this.live.values()].filter((j) => !j.outcome);
    for (const j of running) j.interrupt.abort();
    if (running.length) await Promise.race([Promise.all(running.map((j) => j.promise)), Bun.sleep(graceMs)]);
  }
}

/**
 * A run of this server whose session is not in the log yet: the job exists once the pipeline named
 * its session, and on PostgreSQL the start is written a moment later.
 */
function unlogged(jobId: string, job: Job): Record<string, unknown> {
  const error = job.outcome && !job.outcome.ok ? job.outcome.error.message : undefined;
  return {
    job_id: jobId,
    kind: "execution",
    session_id: job.sessionId,
    status: job.outcome ? "failed" : "running",
    done: Boolean(job.outcome),
    phase: null,
    progress: { acs_total: 0, acs_passed: 0, acs_failed: 0 },
    last_seq: null,
    owner: job.outcome ? null : "this server",
    ...(error ? { error } : {}),
  };
}

export function sessionOfJob(jobId: string): Result<string> {
  if (!/^job_[A-Za-z0-9_-]+$/.test(jobId))
    return fail("badArgs", `'${jobId}' is not a job id (expected job_<session id>)`);
  return ok(jobId.slice(4));
}
