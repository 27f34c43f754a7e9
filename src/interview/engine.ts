/**
 * Interview operations, shared by every driver (terminal, answers file, `auto`, MCP): ask the
 * next question, record/skip/undo an answer, score ambiguity, complete. Each step is one event.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import * as v from "valibot";
import { extractJson } from "../util/extract-json.ts";
import { fail, ok, type Result } from "../errors.ts";
import type { Llm } from "../llm/index.ts";
import { isDelegation } from "../llm/plugin.ts";
import {
  computeAmbiguity,
  DEFAULT_THRESHOLD,
  FIRST_SCORED_ROUND,
  type Ambiguity,
  ScoreReplySchema,
} from "./ambiguity.ts";
import type { InterviewLog } from "./log.ts";
import { isFact, questionMessages, scoreMessages } from "./prompts.ts";
import type { InterviewState } from "./state.ts";

export const LIMITS = { idea: 50_000, answer: 10_000 } as const;
const QUESTION_ATTEMPTS = 3;
const SCORE_ATTEMPTS = 3;

const MANIFESTS = [
  ".git",
  "package.json",
  "tsconfig.json",
  "pyproject.toml",
  "requirements.txt",
  "Cargo.toml",
  "go.mod",
  "pom.xml",
  "build.gradle",
  "Gemfile",
  "composer.json",
  "mix.exs",
];

/** An existing project: git metadata or a known manifest in `dir`. */
export function detectBrownfield(dir: string): { path: string; role: string }[] {
  const found = MANIFESTS.filter((m) => existsSync(join(dir, m)));
  return found.length ? [{ path: dir, role: `existing project (${found.slice(0, 3).join(", ")})` }] : [];
}

export function checkIdea(idea: string): Result<string> {
  const t = idea.trim();
  if (!t) return fail("badArgs", "the idea is empty");
  if (t.length > LIMITS.idea) return fail("badArgs", `the idea is ${t.length} characters; at most ${LIMITS.idea}`);
  return ok(t);
}

export function checkAnswer(answer: string): Result<string> {
  const t = answer.trim();
  if (!t) return fail("badArgs", "an answer must not be empty");
  if (t.length > LIMITS.answer)
    return fail("badArgs", `the answer is ${t.length} characters; at most ${LIMITS.answer}`);
  return ok(t);
}

export const currentRound = (s: InterviewState) => s.rounds.length + 1;

/** The open question: the pending one after a resume, else a new one from the model. */
export async function nextQuestion(log: InterviewLog, llm: Llm): Promise<Result<{ round: number; question: string }>> {
  const s = log.state;
  const round = currentRound(s);
  if (s.pending_question?.round_number === round) return ok({ round, question: s.pending_question.question });
  let last = "";
  for (let i = 0; i < QUESTION_ATTEMPTS; i++) {
    const r = await llm.complete(questionMessages(s, round), { temperature: 0.7, max_tokens: 2048 });
    if (!r.ok) {
      last = r.error.message;
      if (r.error.kind === "config" || r.error.kind === "runtimeUnavailable" || isDelegation(r.error)) return r;
      continue;
    }
    const question = r.value.content.trim();
    if (!question) {
      last = "the model returned an empty question";
      continue;
    }
    const ev = await log.record("interview.question.asked", { round_number: round, question });
    if (!ev.ok) return ev;
    return ok({ round, question });
  }
  return fail("failure", `could not get the round ${round} question: ${last}`);
}

export async function recordAnswer(
  log: InterviewLog,
  question: string,
  answer: string,
  provenance?: "user" | "model",
): Promise<Result<InterviewState>> {
  const a = checkAnswer(answer);
  if (!a.ok) return a;
  const prov = isFact(a.value) ? "observation" : (provenance ?? "user");
  return log.record("interview.response.recorded", {
    round_number: currentRound(log.state),
    question,
    user_response: a.value,
    provenance: prov,
    timestamp: new Date().toISOString(),
  });
}

export async function skipQuestion(log: InterviewLog, question: string): Promise<Result<InterviewState>> {
  return log.record("interview.response.recorded", {
    round_number: currentRound(log.state),
    question,
    user_response: "",
    provenance: "user",
    skipped: true,
    timestamp: new Date().toISOString(),
  });
}

/** Go back one answer; the question of that round is asked again. */
export async function undoAnswer(log: InterviewLog): Promise<Result<InterviewState>> {
  const n = log.state.rounds.length;
  if (n === 0) return fail("badArgs", "nothing to go back to: no answer recorded yet");
  return log.record("interview.response.undone", { round_number: n });
}

/** Score the conversation; up to 3 attempts, the token budget doubled when a reply was cut off. */
export async function scoreAmbiguity(
  log: InterviewLog,
  llm: Llm,
  threshold = DEFAULT_THRESHOLD,
): Promise<Result<Ambiguity>> {
  const s = log.state;
  let maxTokens = 2048;
  let last = "";
  for (let i = 0; i < SCORE_ATTEMPTS; i++) {
    const r = await llm.complete(scoreMessages(s), { temperature: 0.1, max_tokens: maxTokens, json: true });
    if (!r.ok) {
      last = r.error.message;
      if (r.error.kind === "config" || r.error.kind === "runtimeUnavailable" || isDelegation(r.error)) return r;
      continue;
    }
    if (r.value.finish_reason === "length") maxTokens *= 2;
    const parsed = v.safeParse(ScoreReplySchema, extractJson(r.value.content));
    if (!parsed.success) {
      const issue = parsed.issues[0];
      last = `malformed score reply (${issue.path?.map((p) => String(p.key)).join(".") ?? "reply"}: ${issue.message})`;
      continue;
    }
    const a = computeAmbiguity(parsed.output, s.is_brownfield, threshold);
    const ev = await log.record("interview.ambiguity.scored", { round_number: s.rounds.length, ambiguity: a });
    if (!ev.ok) return ev;
    return ok(a);
  }
  return fail("failure", `could not score ambiguity after ${SCORE_ATTEMPTS} attempts: ${last}`);
}

/** Scoring (and so the seed gate) starts at round 3. */
export const isScoredRound = (s: InterviewState) => s.rounds.length >= FIRST_SCORED_ROUND;

export async function completeInterview(log: InterviewLog, forced = false): Promise<Result<InterviewState>> {
  return log.record("interview.completed", {
    total_rounds: log.state.rounds.length,
    ambiguity_score: log.state.ambiguity_score,
    forced,
  });
}
