/**
 * Interview state. The event log is the truth: `reduce` rebuilds the state
 * from the interview's events; `~/.ouroboros/data/interview_<id>.json` is the spec's snapshot of
 * that state, rewritten after every event so other tools (and humans) can read it.
 */
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import * as v from "valibot";
import { paths } from "../config/paths.ts";
import { writeFileAtomic } from "../util/write-file-atomic.ts";
import { fail, ok, type Result } from "../errors.ts";
import type { AggregateEvent } from "../events/aggregate-log.ts";
import { AmbiguitySchema, ComponentSchema } from "./ambiguity.ts";

export const ProvenanceSchema = v.picklist(["user", "observation", "model"]);
export const RoundSchema = v.object({
  round_number: v.number(),
  question: v.string(),
  user_response: v.string(),
  /** user = a decision; observation = a fact ([from-code] …); model = answered by the model (auto). */
  provenance: ProvenanceSchema,
  timestamp: v.string(),
  skipped: v.optional(v.boolean(), false),
});
export type Round = v.InferOutput<typeof RoundSchema>;

export const InterviewStateSchema = v.object({
  interview_id: v.string(),
  status: v.picklist(["in_progress", "completed", "aborted"]),
  rounds: v.array(RoundSchema),
  initial_context: v.string(),
  created_at: v.string(),
  updated_at: v.string(),
  is_brownfield: v.boolean(),
  codebase_paths: v.array(v.object({ path: v.string(), role: v.string() })),
  codebase_context: v.string(),
  /** Who asks: the Socratic interviewer, or a product manager (`ooo pm`). */
  persona: v.optional(v.picklist(["socratic", "pm"]), "socratic"),
  explore_completed: v.boolean(),
  ambiguity_score: v.nullable(v.number()),
  ambiguity_breakdown: v.array(ComponentSchema),
  ambiguity: v.nullable(AmbiguitySchema),
  completion_candidate_streak: v.number(),
  /** Asked but not answered yet: a resumed interview shows it again instead of asking anew. */
  pending_question: v.nullable(v.object({ round_number: v.number(), question: v.string() })),
  seed_id: v.nullable(v.string()),
  seed_path: v.nullable(v.string()),
  error: v.nullable(v.string()),
});
export type InterviewState = v.InferOutput<typeof InterviewStateSchema>;

/** One stored interview event, as read back from the log. */
export type InterviewEvent = Omit<AggregateEvent, "seq">;

const pad = (n: number) => String(n).padStart(2, "0");
/** `interview_YYYYMMDD_HHMMSS_xxxx`: upstream's shape plus a suffix so two starts in one second differ. */
export function newInterviewId(now = new Date()): string {
  const d = `${now.getUTCFullYear()}${pad(now.getUTCMonth() + 1)}${pad(now.getUTCDate())}`;
  const t = `${pad(now.getUTCHours())}${pad(now.getUTCMinutes())}${pad(now.getUTCSeconds())}`;
  return `interview_${d}_${t}_${randomBytes(2).toString("hex")}`;
}

export const isInterviewId = (id: string) => /^interview_[A-Za-z0-9_]{1,80}$/.test(id);

export function emptyState(id: string, at: string): InterviewState {
  return {
    interview_id: id,
    status: "in_progress",
    rounds: [],
    initial_context: "",
    created_at: at,
    updated_at: at,
    is_brownfield: false,
    codebase_paths: [],
    codebase_context: "",
    persona: "socratic",
    explore_completed: false,
    ambiguity_score: null,
    ambiguity_breakdown: [],
    ambiguity: null,
    completion_candidate_streak: 0,
    pending_question: null,
    seed_id: null,
    seed_path: null,
    error: null,
  };
}

const str = (x: unknown, d = "") => (typeof x === "string" ? x : d);
const num = (x: unknown, d = 0) => (typeof x === "number" ? x : d);

/** Apply one event. Pure: returns a new state. Unknown types are ignored (newer versions). */
export function apply(s: InterviewState, e: InterviewEvent): InterviewState {
  const d = e.data;
  const next: InterviewState = { ...s, updated_at: e.timestamp };
  switch (e.type) {
    case "interview.started":
      return {
        ...next,
        initial_context: str(d.initial_context),
        created_at: e.timestamp,
        is_brownfield: d.is_brownfield === true,
        codebase_paths: v.is(v.array(v.object({ path: v.string(), role: v.string() })), d.codebase_paths)
          ? d.codebase_paths
          : [],
        codebase_context: str(d.codebase_context),
        persona: d.persona === "pm" ? "pm" : "socratic",
      };
    case "interview.question.asked":
      return { ...next, pending_question: { round_number: num(d.round_number), question: str(d.question) } };
    case "interview.response.recorded": {
      const round = v.safeParse(RoundSchema, { ...d, timestamp: str(d.timestamp, e.timestamp) });
      if (!round.success) return next;
      // A new answer invalidates the stored score; an answer to a completed interview reopens it.
      return {
        ...next,
        status: "in_progress",
        rounds: [...s.rounds, round.output],
        pending_question: null,
        ambiguity_score: null,
        ambiguity_breakdown: [],
        ambiguity: null,
      };
    }
    case "interview.response.undone":
      return {
        ...next,
        status: "in_progress",
        rounds: s.rounds.slice(0, -1),
        pending_question: null,
        ambiguity_score: null,
        ambiguity_breakdown: [],
        ambiguity: null,
        completion_candidate_streak: 0,
      };
    case "interview.ambiguity.scored": {
      const a = v.safeParse(AmbiguitySchema, d.ambiguity);
      if (!a.success) return next;
      return {
        ...next,
        ambiguity: a.output,
        ambiguity_score: a.output.ambiguity_score,
        ambiguity_breakdown: a.output.breakdown,
        completion_candidate_streak: a.output.ready ? s.completion_candidate_streak + 1 : 0,
      };
    }
    case "interview.completed":
      return { ...next, status: "completed", pending_question: null };
    case "interview.failed":
      return { ...next, status: "aborted", error: str(d.error), pending_question: null };
    case "seed.created":
      return { ...next, seed_id: str(d.seed_id) || null, seed_path: str(d.path) || null };
    default:
      return next;
  }
}

export const stateFile = (id: string) => join(paths.data(), `interview_${id}.json`);

export function writeStateFile(s: InterviewState): void {
  writeFileAtomic(stateFile(s.interview_id), `${JSON.stringify(s, null, 2)}\n`, 0o600);
}

export function readStateFile(id: string): Result<InterviewState | null> {
  const file = stateFile(id);
  if (!existsSync(file)) return ok(null);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    return fail("invalidData", `${file}: not valid JSON (${(e as Error).message})`);
  }
  const r = v.safeParse(InterviewStateSchema, raw);
  if (!r.success) {
    const i = r.issues[0];
    return fail("invalidData", `${file}: ${i.path?.map((p) => String(p.key)).join(".") ?? "state"}: ${i.message}`);
  }
  return ok(r.output);
}

/** Every interview with a state file, newest first. Unreadable files are skipped, not fatal. */
export function listStateFiles(): InterviewState[] {
  const dir = paths.data();
  if (!existsSync(dir)) return [];
  const out: InterviewState[] = [];
  for (const f of readdirSync(dir)) {
    const m = /^interview_(interview_.+)\.json$/.exec(f);
    if (!m) continue;
    const r = readStateFile(m[1]!);
    if (r.ok && r.value) out.push(r.value);
  }
  return out.sort((a, b) => b.updated_at.localeCompare(a.updated_at));
}
