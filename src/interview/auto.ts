/**
 * `auto`: the interview answered by the model, then seed → repair → run. The auto log
 * (aggregate "auto") records each phase change with the ids it produced, so `auto --resume`
 * knows exactly where to pick up; the state file data/auto_<id>.json mirrors it.
 */
import { join } from "node:path";
import * as v from "valibot";
import { paths } from "../config/paths.ts";
import { writeFileAtomic } from "../util/write-file-atomic.ts";
import { fail, ok, type Result } from "../errors.ts";
import { AggregateLog, type AggregateSpec } from "../events/aggregate-log.ts";
import type { EventBackend } from "../events/backend.ts";
import type { Llm } from "../llm/index.ts";
import { describeAmbiguity } from "./ambiguity.ts";
import type { InterviewIO } from "./loop.ts";
import { autoAnswerMessages } from "./prompts.ts";
import type { InterviewLog } from "./log.ts";
import type { InterviewEvent } from "./state.ts";

export const AUTO_PHASES = ["interview", "seed_generation", "run", "done"] as const;
export const AutoStateSchema = v.object({
  auto_id: v.string(),
  goal: v.string(),
  runtime: v.string(),
  /** Where the seed runs: the directory `auto` was started in. */
  project_dir: v.string(),
  deadline: v.string(),
  max_interview_rounds: v.number(),
  max_repair_rounds: v.number(),
  skip_run: v.boolean(),
  phase: v.picklist(AUTO_PHASES),
  status: v.picklist(["running", "completed", "failed"]),
  interview_id: v.nullable(v.string()),
  seed_id: v.nullable(v.string()),
  seed_path: v.nullable(v.string()),
  session_id: v.nullable(v.string()),
  run_status: v.nullable(v.string()),
  error: v.nullable(v.string()),
  updated_at: v.string(),
});
export type AutoState = v.InferOutput<typeof AutoStateSchema>;

type Started = Omit<
  AutoState,
  "phase" | "status" | "interview_id" | "seed_id" | "seed_path" | "session_id" | "run_status" | "error" | "updated_at"
>;

/** Before `auto.started` is applied: nothing but the id. */
function emptyAuto(id: string): AutoState {
  return {
    auto_id: id,
    goal: "",
    runtime: "",
    project_dir: "",
    deadline: "",
    max_interview_rounds: 50,
    max_repair_rounds: 5,
    skip_run: false,
    phase: "interview",
    status: "running",
    interview_id: null,
    seed_id: null,
    seed_path: null,
    session_id: null,
    run_status: null,
    error: null,
    updated_at: "",
  };
}

function applyAuto(s: AutoState, e: InterviewEvent): AutoState {
  const d = e.data;
  const str = (k: string) => (typeof d[k] === "string" ? (d[k] as string) : null);
  const next = { ...s, updated_at: e.timestamp };
  switch (e.type) {
    case "auto.started":
      return {
        ...next,
        goal: String(d.goal),
        runtime: String(d.runtime),
        project_dir: String(d.project_dir ?? process.cwd()),
        deadline: String(d.deadline),
        max_interview_rounds: Number(d.max_interview_rounds ?? 50),
        max_repair_rounds: Number(d.max_repair_rounds ?? 5),
        skip_run: d.skip_run === true,
      };
    case "auto.phase.changed":
      return {
        ...next,
        phase: v.is(v.picklist(AUTO_PHASES), d.phase) ? d.phase : s.phase,
        status: "running",
        error: null,
        interview_id: str("interview_id") ?? s.interview_id,
        seed_id: str("seed_id") ?? s.seed_id,
        seed_path: str("seed_path") ?? s.seed_path,
      };
    case "auto.deadline.extended":
      return { ...next, deadline: str("deadline") ?? s.deadline };
    case "auto.completed":
      return {
        ...next,
        phase: "done",
        status: "completed",
        session_id: str("session_id"),
        run_status: str("run_status"),
      };
    case "auto.failed":
      return {
        ...next,
        status: "failed",
        error: str("error"),
        session_id: str("session_id") ?? s.session_id,
        run_status: str("run_status") ?? s.run_status,
      };
    default:
      return next;
  }
}

const SPEC: AggregateSpec<AutoState, "auto_id"> = {
  aggregateType: "auto",
  idKey: "auto_id",
  apply: applyAuto,
  mirror: (s) => writeFileAtomic(join(paths.data(), `${s.auto_id}.json`), `${JSON.stringify(s, null, 2)}\n`, 0o600),
};

export class AutoLog extends AggregateLog<AutoState, "auto_id"> {
  static async create(backend: EventBackend, started: Started): Promise<Result<AutoLog>> {
    const { auto_id, ...rest } = started;
    const log = new AutoLog(backend, SPEC, auto_id, emptyAuto(auto_id));
    const r = await log.record("auto.started", rest);
    return r.ok ? ok(log) : r;
  }

  static async open(backend: EventBackend, id: string): Promise<Result<AutoLog>> {
    const replayed = await AggregateLog.replayState(backend, SPEC, id, emptyAuto(id));
    if (!replayed.events)
      return fail("unknownId", `no auto run '${id}'`, {
        hint: "the id is printed when `ouroboros auto` starts (auto_<12 hex>)",
      });
    return ok(new AutoLog(backend, SPEC, id, replayed.state));
  }
}

/** The model plays the user: concrete, conventional answers; at the round cap it generates anyway. */
export function modelIO(goal: string, llm: Llm, ilog: () => InterviewLog, say: (line: string) => void): InterviewIO {
  return {
    async ask(round, question) {
      say(`[auto] question round ${round} — ${question}`);
      const r = await llm.complete(autoAnswerMessages(goal, ilog().state, question), {
        temperature: 0.3,
        max_tokens: 1024,
      });
      if (!r.ok || !r.value.content.trim()) return { kind: "skip" };
      return { kind: "answer", text: r.value.content.trim() };
    },
    progress(_round, a) {
      if (a) say(`[auto] ${describeAmbiguity(a)}`);
    },
    confirmReady: async () => true,
    notReady: async () => "force",
    busy: (_label, work) => work(),
    rejected: (m) => say(`[auto] answer rejected: ${m}`),
  };
}
