/**
 * The interview loop, independent of where answers come from. Drivers (terminal prompts, an
 * answers file, the model in `auto`) implement InterviewIO; the loop owns the rules: scoring from
 * round 3, ready → seed, "done" before ready → continue / generate anyway / cancel.
 */
import { ok, type Result } from "../errors.ts";
import type { Llm } from "../llm/index.ts";
import type { Ambiguity } from "./ambiguity.ts";
import {
  completeInterview,
  isScoredRound,
  nextQuestion,
  recordAnswer,
  scoreAmbiguity,
  skipQuestion,
  undoAnswer,
} from "./engine.ts";
import type { InterviewLog } from "./log.ts";

export type Reply =
  | { kind: "answer"; text: string }
  | { kind: "skip" }
  | { kind: "back" }
  | { kind: "done" }
  | { kind: "cancel" };

export interface InterviewIO {
  /** Show the question, return what the user did. */
  ask(round: number, question: string): Promise<Reply>;
  /** Shown after every answer: the score from round 3, null before. */
  progress(round: number, ambiguity: Ambiguity | null): void;
  /** The interview is ready: go on to the seed? */
  confirmReady(a: Ambiguity): Promise<boolean | "cancel">;
  /** Finishing while not ready (or unscored). */
  notReady(a: Ambiguity | null): Promise<"continue" | "force" | "cancel">;
  /** Long model calls: a spinner on a terminal, a log line elsewhere. */
  busy<T>(label: string, work: () => Promise<T>): Promise<T>;
  /** A rejected answer (empty, too long, nothing to undo): tell the user, ask again. */
  rejected(message: string): void;
  /** After /back removed answer `round`. */
  undone?(round: number): void;
}

export type LoopOutcome = { status: "completed"; forced: boolean } | { status: "interrupted" };

export interface LoopOptions {
  threshold: number;
  /** Stop asking after this many rounds (auto); undefined = no cap (the CLI has none). */
  maxRounds?: number;
  /** The model answers for the user: provenance "model". */
  provenance?: "user" | "model";
}

export async function runInterviewLoop(
  log: InterviewLog,
  llm: Llm,
  io: InterviewIO,
  opts: LoopOptions,
): Promise<Result<LoopOutcome>> {
  const finish = async (): Promise<Result<LoopOutcome | null>> => {
    let a = log.state.ambiguity;
    if (!a && log.state.rounds.length > 0) {
      const scored = await io.busy("Scoring ambiguity", () => scoreAmbiguity(log, llm, opts.threshold));
      if (!scored.ok) return scored;
      a = scored.value;
      io.progress(log.state.rounds.length, a);
    }
    if (a?.ready) {
      const c = await completeInterview(log);
      return c.ok ? ok({ status: "completed", forced: false }) : c;
    }
    const choice = await io.notReady(a);
    if (choice === "cancel") return ok({ status: "interrupted" });
    if (choice === "continue") return ok(null);
    const c = await completeInterview(log, true);
    return c.ok ? ok({ status: "completed", forced: true }) : c;
  };

  while (log.state.status !== "completed") {
    if (opts.maxRounds !== undefined && log.state.rounds.length >= opts.maxRounds) {
      const f = await finish();
      if (!f.ok || f.value) return f as Result<LoopOutcome>;
      continue;
    }
    const q = await io.busy(`Round ${log.state.rounds.length + 1}`, () => nextQuestion(log, llm));
    if (!q.ok) return q;
    const reply = await io.ask(q.value.round, q.value.question);
    if (reply.kind === "cancel") return ok({ status: "interrupted" });
    if (reply.kind === "back") {
      const r = await undoAnswer(log);
      if (!r.ok) io.rejected(r.error.message);
      else io.undone?.(r.value.rounds.length + 1);
      continue;
    }
    if (reply.kind === "done") {
      const f = await finish();
      if (!f.ok || f.value) return f as Result<LoopOutcome>;
      continue;
    }
    const rec =
      reply.kind === "skip"
        ? await skipQuestion(log, q.value.question)
        : await recordAnswer(log, q.value.question, reply.text, opts.provenance);
    if (!rec.ok) {
      if (rec.error.kind !== "badArgs") return rec;
      io.rejected(rec.error.message);
      continue;
    }
    if (!isScoredRound(log.state)) {
      io.progress(q.value.round, null);
      continue;
    }
    const scored = await io.busy("Scoring ambiguity", () => scoreAmbiguity(log, llm, opts.threshold));
    if (!scored.ok) return scored;
    io.progress(q.value.round, scored.value);
    if (!scored.value.ready) continue;
    const go = await io.confirmReady(scored.value);
    if (go === "cancel") return ok({ status: "interrupted" });
    if (go) {
      const c = await completeInterview(log);
      if (!c.ok) return c;
      return ok({ status: "completed", forced: false });
    }
  }
  return ok({ status: "completed", forced: false });
}
