/**
 * `ouroboros auto "goal" [--runtime X]` — interview answered by the model (≤ 50 rounds) → seed
 * (≤ 5 repair rounds) → `run workflow`, under one overall deadline. Every phase is an event;
 * `auto --resume <auto_id>` continues from the last one. Exit 75 at the deadline (resumable).
 * The seed's run goes to `--db`/OUROBOROS_DATABASE_URL like `run workflow`; auto's own log
 * (interview, phases) is still kept in the local SQLite file.
 */
import { defineCommand } from "citty";
import { loadConfig } from "../../config/load.ts";
import { EXIT, type ExitKind, fail, ok, type Result, unwrap } from "../../errors.ts";
import { DB_ARG_DESCRIPTION, openBackend } from "../../events/open-backend.ts";
import { AutoLog, type AutoState } from "../../interview/auto.ts";
import { type RunSeedOutcome, runAuto } from "../../interview/auto-run.ts";
import { checkIdea } from "../../interview/engine.ts";
import { newId } from "../../seed/ids.ts";
import { acquireLock } from "../../util/lock.ts";
import { selectRuntime } from "../../runtime/selection.ts";
import { llmFor } from "../interview/drive.ts";
import { executeRun } from "../run/execute.ts";
import { exitCode, log, out, outJson } from "../output.ts";

const int = (raw: unknown, name: string, def: number, min: number, max: number): number => {
  if (raw === undefined) return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max)
    return unwrap(fail("badArgs", `--${name} must be a whole number from ${min} to ${max}, got '${raw}'`));
  return n;
};

/** The CLI runs the seed in the foreground, like `run workflow` (progress on stderr). */
async function runSeedHere(
  s: AutoState,
  prior: string | null,
  signal: AbortSignal,
  db: unknown,
): Promise<Result<RunSeedOutcome>> {
  let outcome: { sessionId: string; status: string } | null = null;
  const code = await executeRun(
    prior
      ? { resume: prior, runtime: s.runtime, db }
      : { seed: s.seed_path, runtime: s.runtime, "project-dir": s.project_dir, db },
    { signal, onOutcome: (o) => (outcome = o) },
  );
  const o = outcome as { sessionId: string; status: string } | null;
  if (!o) return fail("failure", "the run ended without an outcome");
  const kind = (Object.entries(EXIT).find(([, n]) => n === code)?.[0] ?? "failure") as ExitKind;
  return ok({ sessionId: o.sessionId, status: o.status, kind });
}

export default defineCommand({
  meta: { name: "auto", description: "Goal → model-answered interview → seed → run, resumable" },
  args: {
    goal: { type: "positional", required: false, description: "what to build (not needed with --resume)" },
    resume: { type: "string", description: "continue this auto run (auto_<id>)" },
    runtime: { type: "string", alias: "r", description: "runtime that executes the seed" },
    "llm-backend": { type: "string", description: "backend for the interview and seed (default llm.backend)" },
    "max-interview-rounds": { type: "string", valueHint: "N", description: "interview round cap (default 50)" },
    "max-repair-rounds": { type: "string", valueHint: "N", description: "seed repair rounds (default 5)" },
    timeout: {
      type: "string",
      valueHint: "N",
      description: "overall seconds, 60–86400 (default 7200); on resume it extends the deadline",
    },
    "skip-run": { type: "boolean", description: "stop after the seed" },
    json: { type: "boolean", description: "print one JSON document" },
    db: { type: "string", description: DB_ARG_DESCRIPTION },
  },
  async run({ args }) {
    const loaded = unwrap(loadConfig());
    const store = unwrap(await openBackend(args.db));
    const say = (l: string) => log.info(l);
    let alog: AutoLog;
    if (args.resume) {
      alog = unwrap(await AutoLog.open(store, String(args.resume)));
      if (alog.state.status === "completed") say(`[auto] ${alog.state.auto_id} already completed`);
      if (args.runtime && args.runtime !== alog.state.runtime)
        return unwrap(
          fail(
            "badArgs",
            `${alog.state.auto_id} runs on ${alog.state.runtime}; --runtime ${args.runtime} does not match`,
          ),
        );
      if (args.timeout !== undefined)
        unwrap(
          await alog.record("auto.deadline.extended", {
            deadline: new Date(Date.now() + int(args.timeout, "timeout", 7200, 60, 86_400) * 1000).toISOString(),
          }),
        );
    } else {
      if (!args.goal) return unwrap(fail("badArgs", "auto needs a goal (or --resume <auto_id>)"));
      const goal = unwrap(checkIdea(String(args.goal)));
      const runtime = unwrap(selectRuntime(args.runtime as string | undefined, process.env, loaded)).name;
      alog = unwrap(
        await AutoLog.create(store, {
          auto_id: newId.auto(),
          goal,
          runtime,
          project_dir: process.cwd(),
          deadline: new Date(Date.now() + int(args.timeout, "timeout", 7200, 60, 86_400) * 1000).toISOString(),
          max_interview_rounds: int(args["max-interview-rounds"], "max-interview-rounds", 50, 1, 500),
          max_repair_rounds: int(args["max-repair-rounds"], "max-repair-rounds", 5, 0, 20),
          skip_run: Boolean(args["skip-run"]),
        }),
      );
      say(`[auto] ${alog.state.auto_id} started (resume with: ouroboros auto --resume ${alog.state.auto_id})`);
    }
    const llm = llmFor(loaded, args);
    const lock = acquireLock(alog.state.auto_id);
    if (!lock.ok)
      return unwrap(fail("failure", `${alog.state.auto_id} is running in another process (pid ${lock.pid})`));
    const deadline = new AbortController();
    const ms = Date.parse(alog.state.deadline) - Date.now();
    const timer = setTimeout(() => deadline.abort(), Math.max(0, ms));
    try {
      const outcome = unwrap(
        await runAuto(store, alog, llm, {
          threshold: loaded.config.clarification.ambiguity_threshold,
          skipRun: Boolean(args["skip-run"]) || alog.state.skip_run,
          signal: deadline.signal,
          say,
          runSeed: (st, prior) => runSeedHere(st, prior, deadline.signal, args.db),
        }),
      );
      const code = outcome.status === "completed" ? EXIT.ok : EXIT[outcome.kind];
      const s = alog.state;
      if (args.json)
        outJson("auto", {
          auto_id: s.auto_id,
          status: s.status,
          phase: s.phase,
          interview_id: s.interview_id,
          seed_id: s.seed_id,
          seed_path: s.seed_path,
          session_id: s.session_id,
          run_status: s.run_status,
          error: s.error,
        });
      else
        out(
          `${s.auto_id}  ${s.status}  ${s.seed_path ?? "-"}  ${s.session_id ?? "-"}${s.run_status ? `  ${s.run_status}` : ""}`,
        );
      if (s.status !== "completed") log.info(`Resume: ouroboros auto --resume ${s.auto_id}`);
      return exitCode(code);
    } finally {
      clearTimeout(timer);
      lock.release();
      await store.close();
    }
  },
});
