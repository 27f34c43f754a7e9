/**
 * The `auto` phases, shared by the CLI and the MCP server: interview (model-answered) → seed
 * (with repair) → run. Each phase change is an auto event first, so a crash or a deadline
 * resumes at the phase it reached. How the seed runs is the caller's (CLI: in the foreground;
 * MCP: as a background job).
 */
import { ok, type ExitKind, type Result } from "../errors.ts";
import type { EventPayload } from "../events/catalogue.ts";
import type { EventBackend } from "../events/backend.ts";
import type { Llm } from "../llm/index.ts";
import { type AutoLog, type AutoState, modelIO } from "./auto.ts";
import { detectBrownfield } from "./engine.ts";
import { InterviewLog } from "./log.ts";
import { runInterviewLoop } from "./loop.ts";
import { generateSeed } from "./seed-gen.ts";
import { newInterviewId } from "./state.ts";
import { plural } from "../util/plural.ts";

export interface RunSeedOutcome {
  sessionId: string;
  status: string;
  /** Exit kind for a run that did not complete (CLI exit code). */
  kind?: ExitKind;
}

export interface AutoOptions {
  threshold: number;
  skipRun: boolean;
  signal: AbortSignal;
  say(line: string): void;
  /** Run (or resume, when `priorSession` is set) the seed; resolves when the run ends or is handed off. */
  runSeed(state: AutoState, priorSession: string | null): Promise<Result<RunSeedOutcome>>;
}

/** completed, or failed with the exit kind to report; the auto log holds the details. */
export type AutoOutcome = { status: "completed" } | { status: "failed"; kind: ExitKind };

class Deadline extends Error {}
function race<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new Deadline());
  return Promise.race([
    work,
    new Promise<T>((_, reject) => signal.addEventListener("abort", () => reject(new Deadline()), { once: true })),
  ]);
}

export async function runAuto(
  backend: EventBackend,
  alog: AutoLog,
  llm: Llm,
  o: AutoOptions,
): Promise<Result<AutoOutcome>> {
  const failed = async (
    phase: string,
    error: string,
    kind: ExitKind,
    extra: Pick<EventPayload<"auto.failed">, "session_id" | "run_status"> = {},
  ): Promise<Result<AutoOutcome>> => {
    const r = await alog.record("auto.failed", { phase, error, ...extra });
    if (!r.ok) return r;
    o.say(`[auto] ${phase} failed: ${error}`);
    return ok({ status: "failed", kind });
  };
  /** null = the overall deadline passed first. */
  const step = async <T>(work: () => Promise<Result<T>>): Promise<Result<T> | null> => {
    try {
      return await race(work(), o.signal);
    } catch (e) {
      if (e instanceof Deadline) return null;
      throw e;
    }
  };
  const late = (phase: string) => failed(phase, `overall deadline ${alog.state.deadline} reached`, "interrupted");

  if (alog.state.status === "completed") return ok({ status: "completed" });
  const s0 = alog.state;
  if (s0.phase === "interview") {
    let ilog: InterviewLog;
    if (s0.interview_id) {
      const r = await InterviewLog.open(backend, s0.interview_id);
      if (!r.ok) return r;
      ilog = r.value;
    } else {
      const codebase = detectBrownfield(s0.project_dir);
      const r = await InterviewLog.create(backend, newInterviewId(), {
        initial_context: s0.goal,
        is_brownfield: codebase.length > 0,
        codebase_paths: codebase,
        mode: "auto",
        auto_id: s0.auto_id,
      });
      if (!r.ok) return r;
      ilog = r.value;
      const ev = await alog.record("auto.phase.changed", { phase: "interview", interview_id: ilog.state.interview_id });
      if (!ev.ok) return ev;
    }
    o.say(`[auto] interview — ${ilog.state.interview_id}`);
    const r = await step(() =>
      runInterviewLoop(
        ilog,
        llm,
        modelIO(s0.goal, llm, () => ilog, o.say),
        { threshold: o.threshold, maxRounds: s0.max_interview_rounds, provenance: "model" },
      ),
    );
    if (!r) return late("interview");
    if (!r.ok)
      return failed(
        "interview",
        r.error.message,
        r.error.kind === "runtimeUnavailable" || r.error.kind === "config" ? r.error.kind : "failure",
      );
    const ev = await alog.record("auto.phase.changed", { phase: "seed_generation" });
    if (!ev.ok) return ev;
  }
  if (alog.state.phase === "seed_generation") {
    const il = await InterviewLog.open(backend, alog.state.interview_id!);
    if (!il.ok) return il;
    o.say(`[auto] seed generation — ambiguity ${il.value.state.ambiguity_score?.toFixed(2) ?? "unscored"}`);
    const r = await step(() =>
      generateSeed(il.value, llm, { force: true, maxRepairRounds: alog.state.max_repair_rounds }),
    );
    if (!r) return late("seed_generation");
    if (!r.ok)
      return failed(
        "seed_generation",
        [r.error.message, ...(r.error.details ?? [])].join("; "),
        r.error.kind === "invalidData" ? "invalidData" : "failure",
      );
    const seed = r.value;
    if (seed.repairs) o.say(`[auto] repair — seed valid after ${plural(seed.repairs, "round")}`);
    const ev = await alog.record("auto.phase.changed", { phase: "run", seed_id: seed.seed_id, seed_path: seed.path });
    if (!ev.ok) return ev;
  }
  const s = alog.state;
  if (o.skipRun || s.skip_run) {
    const ev = await alog.record("auto.completed", { seed_id: s.seed_id!, session_id: null, run_status: "skipped" });
    return ev.ok ? ok({ status: "completed" }) : ev;
  }
  o.say(`[auto] run — ${s.seed_path} on ${s.runtime}`);
  const prior = s.seed_id === null ? null : await backend.latestSessionForSeed(s.seed_id);
  const run = await o.runSeed(s, prior);
  if (!run.ok) return failed("run", run.error.message, run.error.kind);
  // "started": the run continues as a background job (MCP); auto is done once the run has a handle.
  if (run.value.status !== "completed" && run.value.status !== "started")
    return failed("run", `run ${run.value.sessionId} ended ${run.value.status}`, run.value.kind ?? "failure", {
      session_id: run.value.sessionId,
      run_status: run.value.status,
    });
  const ev = await alog.record("auto.completed", {
    seed_id: s.seed_id!, // recorded with the "run" phase, before this point
    session_id: run.value.sessionId,
    run_status: run.value.status,
  });
  return ev.ok ? ok({ status: "completed" }) : ev;
}
