/**
 * `ouroboros auto "goal" [--runtime X]` — interview answered by the model (≤ 50 rounds) → seed
 * (≤ 5 repair rounds) → `run workflow`, under one overall deadline. Every phase is an event;
 * `auto --resume <auto_id>` continues from the last one. Exit 75 at the deadline (resumable).
 */
import { defineCommand } from "citty";
import { loadConfig } from "../../config/load.ts";
import { paths } from "../../config/paths.ts";
import { EXIT, fail, type Result, unwrap } from "../../errors.ts";
import { EventStore } from "../../events/store.ts";
import { AutoLog, modelIO } from "../../interview/auto.ts";
import { checkIdea, detectBrownfield } from "../../interview/engine.ts";
import { InterviewLog } from "../../interview/log.ts";
import { runInterviewLoop } from "../../interview/loop.ts";
import { generateSeed } from "../../interview/seed-gen.ts";
import { newInterviewId } from "../../interview/state.ts";
import { newId } from "../../seed/ids.ts";
import { selectRuntime } from "../../runtime/selection.ts";
import { llmFor } from "../interview/drive.ts";
import { executeRun } from "../run/execute.ts";
import { exitCode, log, out, outJson } from "../output.ts";

const int = (raw: unknown, name: string, def: number, min: number, max: number): number => {
  if (raw === undefined) return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) return unwrap(fail("badArgs", `--${name} must be a whole number from ${min} to ${max}, got '${raw}'`));
  return n;
};

class Deadline extends Error {}
function race<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new Deadline());
  return Promise.race([work, new Promise<T>((_, reject) => signal.addEventListener("abort", () => reject(new Deadline()), { once: true }))]);
}

export default defineCommand({
  meta: { name: "auto", description: "Goal → model-answered interview → seed → run, resumable" },
  args: {
    goal: { type: "positional", required: false, description: "what to build (not needed with --resume)" },
    resume: { type: "string", description: "continue this auto run (auto_<id>)" },
    runtime: { type: "string", alias: "r", description: "runtime that executes the seed" },
    "llm-backend": { type: "string", description: "backend for the interview and seed (default llm.backend)" },
    "max-interview-rounds": { type: "string", description: "interview round cap (default 50)" },
    "max-repair-rounds": { type: "string", description: "seed repair rounds (default 5)" },
    timeout: { type: "string", description: "overall seconds, 60–86400 (default 7200); on resume it extends the deadline" },
    "skip-run": { type: "boolean", description: "stop after the seed" },
    json: { type: "boolean", description: "print one JSON document" },
  },
  async run({ args }) {
    const loaded = unwrap(loadConfig());
    const store = unwrap(EventStore.open(paths.database()));
    const say = (l: string) => log.info(l);
    let alog: AutoLog;
    if (args.resume) {
      alog = unwrap(AutoLog.open(store, String(args.resume)));
      if (alog.state.status === "completed") say(`[auto] ${alog.state.auto_id} already completed`);
      if (args.runtime && args.runtime !== alog.state.runtime) return unwrap(fail("badArgs", `${alog.state.auto_id} runs on ${alog.state.runtime}; --runtime ${args.runtime} does not match`));
      if (args.timeout !== undefined) unwrap(alog.record("auto.deadline.extended", { deadline: new Date(Date.now() + int(args.timeout, "timeout", 7200, 60, 86_400) * 1000).toISOString() }));
    } else {
      if (!args.goal) return unwrap(fail("badArgs", "auto needs a goal (or --resume <auto_id>)"));
      const goal = unwrap(checkIdea(String(args.goal)));
      const runtime = unwrap(selectRuntime(args.runtime as string | undefined, process.env, loaded)).name;
      alog = unwrap(AutoLog.create(store, {
        auto_id: newId.auto(), goal, runtime, project_dir: process.cwd(),
        deadline: new Date(Date.now() + int(args.timeout, "timeout", 7200, 60, 86_400) * 1000).toISOString(),
        max_interview_rounds: int(args["max-interview-rounds"], "max-interview-rounds", 50, 1, 500),
        max_repair_rounds: int(args["max-repair-rounds"], "max-repair-rounds", 5, 0, 20),
        skip_run: Boolean(args["skip-run"]),
      }));
      say(`[auto] ${alog.state.auto_id} started (resume with: ouroboros auto --resume ${alog.state.auto_id})`);
    }
    const llm = llmFor(loaded, args);
    const deadline = new AbortController();
    const ms = Date.parse(alog.state.deadline) - Date.now();
    const timer = setTimeout(() => deadline.abort(), Math.max(0, ms));
    try {
      const code = await drive(store, alog, llm, loaded.config.clarification.ambiguity_threshold, Boolean(args["skip-run"]) || alog.state.skip_run, deadline.signal, say);
      const s = alog.state;
      if (args.json) outJson("auto", { auto_id: s.auto_id, status: s.status, phase: s.phase, interview_id: s.interview_id, seed_id: s.seed_id, seed_path: s.seed_path, session_id: s.session_id, run_status: s.run_status, error: s.error });
      else out(`${s.auto_id}  ${s.status}  ${s.seed_path ?? "-"}  ${s.session_id ?? "-"}${s.run_status ? `  ${s.run_status}` : ""}`);
      if (s.status !== "completed") log.info(`Resume: ouroboros auto --resume ${s.auto_id}`);
      return exitCode(code);
    } finally {
      clearTimeout(timer);
      store.close();
    }
  },
});

async function drive(store: EventStore, alog: AutoLog, llm: ReturnType<typeof llmFor>, threshold: number, skipRun: boolean, signal: AbortSignal, say: (l: string) => void): Promise<number> {
  const failed = (phase: string, error: string, code: number, extra: Record<string, unknown> = {}) => {
    unwrap(alog.record("auto.failed", { phase, error, ...extra }));
    log.error(`[auto] ${phase}: ${error}`);
    return code;
  };
  const step = async <T>(phase: string, work: () => Promise<Result<T>>): Promise<Result<T> | number> => {
    try {
      return await race(work(), signal);
    } catch (e) {
      if (e instanceof Deadline) return failed(phase, `overall deadline ${alog.state.deadline} reached`, EXIT.interrupted);
      throw e;
    }
  };
  if (alog.state.status === "completed") return EXIT.ok;
  const s0 = alog.state;
  if (s0.phase === "interview") {
    let ilog: InterviewLog;
    if (s0.interview_id) ilog = unwrap(InterviewLog.open(store, s0.interview_id));
    else {
      const codebase = detectBrownfield(s0.project_dir);
      ilog = unwrap(InterviewLog.create(store, newInterviewId(), { initial_context: s0.goal, is_brownfield: codebase.length > 0, codebase_paths: codebase, mode: "auto", auto_id: s0.auto_id }));
      unwrap(alog.record("auto.phase.changed", { phase: "interview", interview_id: ilog.state.interview_id }));
    }
    say(`[auto] interview — ${ilog.state.interview_id}`);
    const r = await step("interview", () => runInterviewLoop(ilog, llm, modelIO(s0.goal, llm, () => ilog, say), { threshold, maxRounds: s0.max_interview_rounds, provenance: "model" }));
    if (typeof r === "number") return r;
    if (!r.ok) return failed("interview", r.error.message, EXIT.failure);
    unwrap(alog.record("auto.phase.changed", { phase: "seed_generation" }));
  }
  if (alog.state.phase === "seed_generation") {
    const ilog = unwrap(InterviewLog.open(store, alog.state.interview_id!));
    say(`[auto] seed generation — ambiguity ${ilog.state.ambiguity_score?.toFixed(2) ?? "unscored"}`);
    const r = await step("seed_generation", () => generateSeed(ilog, llm, { force: true, maxRepairRounds: alog.state.max_repair_rounds }));
    if (typeof r === "number") return r;
    if (!r.ok) return failed("seed_generation", [r.error.message, ...(r.error.details ?? [])].join("; "), r.error.kind === "invalidData" ? EXIT.invalidData : EXIT.failure);
    if (r.value.repairs) say(`[auto] repair — seed valid after ${r.value.repairs} round(s)`);
    unwrap(alog.record("auto.phase.changed", { phase: "run", seed_id: r.value.seed_id, seed_path: r.value.path }));
  }
  const s = alog.state;
  if (skipRun || s.skip_run) {
    unwrap(alog.record("auto.completed", { seed_id: s.seed_id, session_id: null, run_status: "skipped" }));
    return EXIT.ok;
  }
  say(`[auto] run — ${s.seed_path} on ${s.runtime}`);
  const prior = store.db.query("SELECT session_id FROM events WHERE event_type = 'orchestrator.session.started' AND json_extract(payload, '$.seed_id') = ? ORDER BY seq DESC LIMIT 1").get(s.seed_id) as { session_id: string } | null;
  let outcome: { sessionId: string; status: string } | null = null;
  const code = await executeRun(prior ? { resume: prior.session_id, runtime: s.runtime } : { seed: s.seed_path, runtime: s.runtime, "project-dir": s.project_dir }, { signal, onOutcome: (o) => (outcome = o) });
  const o = outcome as { sessionId: string; status: string } | null;
  if (!o) return failed("run", "the run ended without an outcome", code || EXIT.failure);
  if (o.status === "completed") unwrap(alog.record("auto.completed", { seed_id: s.seed_id, session_id: o.sessionId, run_status: o.status }));
  else failed("run", `run ${o.sessionId} ended ${o.status}`, code, { session_id: o.sessionId, run_status: o.status });
  return code;
}
