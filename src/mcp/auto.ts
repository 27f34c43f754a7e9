/**
 * `auto` over MCP: ouroboros_start_auto returns the auto id at once and works in the background;
 * ouroboros_auto waits. The run step starts the seed as a normal execution job, so the run is
 * followed with the job tools; auto itself is complete once that job exists.
 */
import { fail, ok, type Result } from "../errors.ts";
import { AutoLog, type AutoState } from "../interview/auto.ts";
import { runAuto } from "../interview/auto-run.ts";
import { checkIdea } from "../interview/engine.ts";
import { selectRuntime } from "../runtime/selection.ts";
import { newId } from "../seed/ids.ts";
import { checkWorkspace, type McpContext } from "./context.ts";
import { startExecution } from "./execute.ts";
import { authoringDeps } from "./interview.ts";
import { jobIdOf } from "./jobs.ts";

export interface AutoArgs {
  goal?: string;
  resume?: string;
  cwd?: string;
  runtime?: string;
  max_interview_rounds?: number;
  max_repair_rounds?: number;
  skip_run?: boolean;
  pipeline_timeout_seconds?: number;
}

const live = new Map<string, Promise<unknown>>();

export function autoView(s: AutoState, running: boolean) {
  const status = s.status === "running" && !running ? "interrupted" : s.status;
  return {
    auto_id: s.auto_id,
    status,
    phase: s.phase,
    goal: s.goal,
    runtime: s.runtime,
    deadline: s.deadline,
    interview_id: s.interview_id,
    seed_id: s.seed_id,
    seed_path: s.seed_path,
    session_id: s.session_id,
    run_job_id: s.session_id ? jobIdOf(s.session_id) : null,
    run_status: s.run_status,
    error: s.error,
    ...(status === "interrupted" || status === "failed"
      ? { resume_hint: `ouroboros_start_auto {resume: "${s.auto_id}"}` }
      : {}),
  };
}

/** Create or reopen the auto run and start working on it; `done` resolves when auto finishes. */
export async function startAuto(
  ctx: McpContext,
  a: AutoArgs,
): Promise<Result<{ view: ReturnType<typeof autoView>; done: Promise<unknown> }>> {
  const d = await authoringDeps(ctx);
  if (!d.ok) return d;
  const { backend, llm, config: cfg } = d.value;
  let alog: AutoLog;
  if (a.resume) {
    if (live.has(a.resume))
      return fail("usage", `auto ${a.resume} is already running in this server`, {
        hint: "follow it with ouroboros_auto_status",
      });
    const r = await AutoLog.open(backend, a.resume);
    if (!r.ok) return r;
    alog = r.value;
  } else {
    if (a.goal === undefined) return fail("badArgs", "give 'goal' to start, or 'resume' with an auto id");
    const goal = checkIdea(a.goal);
    if (!goal.ok) return goal;
    const dir = checkWorkspace(ctx.options, a.cwd ?? process.cwd());
    if (!dir.ok) return dir;
    const rt = selectRuntime(a.runtime ?? ctx.options.runtime, process.env, cfg);
    if (!rt.ok) return rt;
    const r = await AutoLog.create(backend, {
      auto_id: newId.auto(),
      goal: goal.value,
      runtime: rt.value.name,
      project_dir: dir.value,
      deadline: new Date(Date.now() + (a.pipeline_timeout_seconds ?? 7200) * 1000).toISOString(),
      max_interview_rounds: a.max_interview_rounds ?? 50,
      max_repair_rounds: a.max_repair_rounds ?? 5,
      skip_run: a.skip_run === true,
    });
    if (!r.ok) return r;
    alog = r.value;
  }
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), Math.max(0, Date.parse(alog.state.deadline) - Date.now()));
  const id = alog.state.auto_id;
  const done = runAuto(backend, alog, llm, {
    threshold: cfg.config.clarification.ambiguity_threshold,
    skipRun: alog.state.skip_run,
    signal: deadline.signal,
    say: (line) => ctx.log(line),
    async runSeed(s, prior) {
      const started = await startExecution(
        ctx,
        prior
          ? { session_id: prior, runtime: s.runtime }
          : { seed_path: s.seed_path!, cwd: s.project_dir, runtime: s.runtime },
      );
      return started.ok ? ok({ sessionId: started.value.session_id, status: "started" }) : started;
    },
  })
    .then((r) => {
      if (!r.ok) ctx.log(`auto ${id}: ${r.error.message}`);
    })
    .finally(() => {
      clearTimeout(timer);
      live.delete(id);
    });
  live.set(id, done);
  return ok({ view: autoView(alog.state, true), done });
}

export async function autoStatus(ctx: McpContext, autoId: string): Promise<Result<ReturnType<typeof autoView>>> {
  const b = await ctx.backend();
  if (!b.ok) return b;
  const r = await AutoLog.open(b.value, autoId);
  if (!r.ok) return r;
  return ok(autoView(r.value.state, live.has(autoId)));
}
