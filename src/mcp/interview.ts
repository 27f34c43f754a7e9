/**
 * The interview over MCP: one call per turn (spec mcp.md, seed.md §3.2). From three answers each
 * turn is scored; the interview closes itself after two consecutive ready scores, or on a closing
 * answer ("done", "generate the seed") that passes the gate.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fail, ok, type Result } from "../errors.ts";
import { notReadyReason } from "../interview/ambiguity.ts";
import { completeInterview, detectBrownfield, checkIdea, isScoredRound, nextQuestion, recordAnswer, scoreAmbiguity } from "../interview/engine.ts";
import { InterviewLog } from "../interview/log.ts";
import { generateSeed } from "../interview/seed-gen.ts";
import { isInterviewId, newInterviewId, type InterviewState } from "../interview/state.ts";
import { createLlm, type Llm } from "../llm/index.ts";
import { llmWithModel } from "../llm/role-model.ts";
import type { LoadedConfig } from "../config/load.ts";
import { checkWorkspace, type McpContext } from "./context.ts";

const CLOSING = /^\s*(\/?done|generate( the)? seed( now)?|that'?s (all|it)|finish)\s*[.!]?\s*$/i;
const READY_STREAK = 2;

/** What the authoring tools need: the store, the configured LLM backend (serve --llm-backend wins). */
export async function authoringDeps(ctx: McpContext): Promise<Result<{ llm: Llm; store: import("../events/store.ts").EventStore; config: LoadedConfig; threshold: number }>> {
  const cfg = await ctx.config();
  if (!cfg.ok) return cfg;
  const store = await ctx.store();
  if (!store.ok) return store;
  const llm = createLlm(cfg.value.config, process.env, ctx.options.llmBackend ?? null);
  if (!llm.ok) return llm;
  return ok({ llm: llmWithModel(llm.value, cfg.value.config.clarification.default_model), store: store.value, config: cfg.value, threshold: cfg.value.config.clarification.ambiguity_threshold });
}

function view(s: InterviewState, extra: Record<string, unknown>) {
  return {
    session_id: s.interview_id,
    status: s.status,
    rounds: s.rounds.length,
    is_brownfield: s.is_brownfield,
    ambiguity_score: s.ambiguity_score,
    ready: s.ambiguity?.ready ?? false,
    ...(s.ambiguity && !s.ambiguity.ready ? { not_ready: notReadyReason(s.ambiguity) } : {}),
    ...extra,
  };
}

async function ask(log: InterviewLog, llm: Llm): Promise<Result<Record<string, unknown>>> {
  const q = await nextQuestion(log, llm);
  if (!q.ok) return q;
  return ok(view(log.state, { round: q.value.round, question: q.value.question, next: "answer with ouroboros_interview {session_id, answer}" }));
}

export async function interviewTurn(ctx: McpContext, a: { initial_context?: string; session_id?: string; answer?: string; cwd?: string }): Promise<Result<Record<string, unknown>>> {
  const d = await authoringDeps(ctx);
  if (!d.ok) return d;
  const { llm, store, threshold } = d.value;
  if (!a.session_id) {
    if (a.initial_context === undefined) return fail("badArgs", "ouroboros_interview: give 'initial_context' to start, or 'session_id' and 'answer' to continue");
    const idea = checkIdea(a.initial_context);
    if (!idea.ok) return idea;
    let codebase: { path: string; role: string }[] = [];
    if (a.cwd) {
      const dir = checkWorkspace(ctx.options, resolve(a.cwd));
      if (!dir.ok) return dir;
      codebase = detectBrownfield(dir.value);
    }
    const log = InterviewLog.create(store, newInterviewId(), { initial_context: idea.value, is_brownfield: codebase.length > 0, codebase_paths: codebase, mode: "mcp", llm_backend: llm.name });
    if (!log.ok) return log;
    return ask(log.value, llm);
  }
  if (!isInterviewId(a.session_id)) return fail("badArgs", `ouroboros_interview: '${a.session_id}' is not an interview session id (interview_…)`);
  const opened = InterviewLog.open(store, a.session_id);
  if (!opened.ok) return opened;
  const log = opened.value;
  if (log.state.status === "aborted") return fail("failure", `interview ${a.session_id} was aborted and cannot continue`);
  if (a.answer === undefined) {
    if (log.state.status === "completed") return ok(view(log.state, { next: "ouroboros_generate_seed {session_id}" }));
    return ask(log, llm);
  }
  const closing = CLOSING.test(a.answer);
  if (!closing) {
    const pending = log.state.pending_question;
    if (!pending) {
      const q = await nextQuestion(log, llm); // e.g. after a reopen: there must be a question to answer
      if (!q.ok) return q;
    }
    const rec = recordAnswer(log, log.state.pending_question!.question, a.answer);
    if (!rec.ok) return rec;
  }
  if (isScoredRound(log.state) && (!log.state.ambiguity || !closing)) {
    const s = await scoreAmbiguity(log, llm, threshold);
    if (!s.ok) return s;
  }
  const st = log.state;
  if (st.ambiguity?.ready && (closing || st.completion_candidate_streak >= READY_STREAK)) {
    const c = completeInterview(log);
    if (!c.ok) return c;
    return ok(view(log.state, { completed: true, next: "ouroboros_generate_seed {session_id}" }));
  }
  if (closing) {
    const next = await ask(log, llm);
    if (!next.ok) return next;
    return ok({ ...next.value, closing_refused: `not ready for a seed: ${notReadyReason(st.ambiguity)}; answer more, or call ouroboros_generate_seed with force=true` });
  }
  return ask(log, llm);
}

export async function generateSeedTool(ctx: McpContext, a: { session_id: string; force?: boolean }): Promise<Result<Record<string, unknown>>> {
  const d = await authoringDeps(ctx);
  if (!d.ok) return d;
  if (!isInterviewId(a.session_id)) return fail("badArgs", `ouroboros_generate_seed: '${a.session_id}' is not an interview session id (interview_…)`);
  const opened = InterviewLog.open(d.value.store, a.session_id);
  if (!opened.ok) return opened;
  const log = opened.value;
  if (log.state.status !== "completed") {
    if (!a.force && !log.state.ambiguity?.ready) return fail("failure", `not ready for a seed: ${notReadyReason(log.state.ambiguity)}`, { hint: "keep answering with ouroboros_interview, or pass force=true" });
    const c = completeInterview(log, !log.state.ambiguity?.ready);
    if (!c.ok) return c;
  }
  const r = await generateSeed(log, d.value.llm, { force: a.force === true });
  if (!r.ok) return r;
  return ok({ ...r.value, session_id: a.session_id, seed_content: readFileSync(r.value.path, "utf8"), next: "ouroboros_start_execute_seed {seed_path}" });
}
