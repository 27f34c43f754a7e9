/**
 * The interview over MCP: one call per turn. From three answers each
 * turn is scored; the interview closes itself after two consecutive ready scores, or on a closing
 * answer ("done", "generate the seed") that passes the gate.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fail, ok, type Result } from "../errors.ts";
import { notReadyReason } from "../interview/ambiguity.ts";
import {
  completeInterview,
  detectBrownfield,
  checkIdea,
  isScoredRound,
  nextQuestion,
  recordAnswer,
  scoreAmbiguity,
} from "../interview/engine.ts";
import { InterviewLog } from "../interview/log.ts";
import { generateSeed } from "../interview/seed-gen.ts";
import { isInterviewId, newInterviewId, type InterviewState } from "../interview/state.ts";
import { createLlm, type Llm } from "../llm/index.ts";
import { subagentOf } from "../llm/plugin.ts";
import { llmWithModel } from "../llm/role-model.ts";
import type { LoadedConfig } from "../config/load.ts";
import type { EventBackend } from "../events/backend.ts";
import { checkWorkspace, type McpContext } from "./context.ts";

const CLOSING = /^\s*(\/?done|generate( the)? seed( now)?|that'?s (all|it)|finish)\s*[.!]?\s*$/i;
const READY_STREAK = 2;

/**
 * What the authoring tools need: the event backend, the configured LLM backend (serve --llm-backend wins).
 * `pluginTool` names an authoring tool that may hand its model calls to the OpenCode bridge
 * plugin: only then, and only when the gate says so (backend opencode and opencode_mode exactly
 * "plugin"), completions become `_subagent` envelopes. `auto` and the judging tools never pass it.
 */
export async function authoringDeps(
  ctx: McpContext,
  pluginTool?: string,
): Promise<Result<{ llm: Llm; backend: EventBackend; config: LoadedConfig; threshold: number }>> {
  const cfg = await ctx.config();
  if (!cfg.ok) return cfg;
  const backend = await ctx.backend();
  if (!backend.ok) return backend;
  const threshold = cfg.value.config.clarification.ambiguity_threshold;
  if (pluginTool) {
    const [{ selectRuntime }, { pluginLlm, shouldDispatchViaPlugin }, { paths }, { join }] = await Promise.all([
      import("../runtime/selection.ts"),
      import("../llm/plugin.ts"),
      import("../config/paths.ts"),
      import("node:path"),
    ]);
    const runtime = selectRuntime(ctx.options.runtime, process.env, cfg.value);
    if (runtime.ok && shouldDispatchViaPlugin(runtime.value.name, cfg.value.config.orchestrator.opencode_mode)) {
      return ok({
        llm: pluginLlm(backend.value, join(paths.data(), "subagent"), pluginTool),
        backend: backend.value,
        config: cfg.value,
        threshold,
      });
    }
  }
  const llm = createLlm(cfg.value.config, process.env, ctx.options.llmBackend ?? null);
  if (!llm.ok) return llm;
  return ok({
    llm: llmWithModel(llm.value, cfg.value.config.clarification.default_model),
    backend: backend.value,
    config: cfg.value,
    threshold,
  });
}

/**
 * A completion handed to the bridge plugin is not a failure: the tool answers with the
 * delegation envelope: `delegated_to_plugin`, `job_id: null`, `meta._subagent`.
 */
function delegated(
  r: Result<Record<string, unknown>>,
  sessionId: string | undefined,
  again: string,
): Result<Record<string, unknown>> {
  if (r.ok) return r;
  const sub = subagentOf(r.error);
  if (!sub) return r;
  return ok({
    status: "delegated_to_plugin",
    job_id: null,
    session_id: sessionId ?? null,
    meta: { _subagent: sub },
    next: `the OpenCode bridge plugin runs this in a child session of yours; then call ${again} to continue`,
  });
}

/** The tool that continues this interview, and how its seed is made. */
const turnTool = (s: InterviewState) => (s.persona === "pm" ? "ouroboros_pm_interview" : "ouroboros_interview");
const seedStep = (s: InterviewState) =>
  s.persona === "pm"
    ? "ouroboros_pm_interview {session_id, action: 'generate'}"
    : "ouroboros_generate_seed {session_id}";

function view(s: InterviewState, extra: Record<string, unknown>) {
  return {
    session_id: s.interview_id,
    ...(s.persona === "pm" ? { persona: "pm" } : {}),
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
  return ok(
    view(log.state, {
      round: q.value.round,
      question: q.value.question,
      next: `answer with ${turnTool(log.state)} {session_id, answer}`,
    }),
  );
}

export interface TurnArgs {
  initial_context?: string;
  session_id?: string;
  answer?: string;
  cwd?: string;
}

/**
 * The project an interview starts in: `cwd` when given, else the repository `ouroboros_brownfield`
 * registered as default. A project found there is scanned; the scan is the context dimension's text.
 */
async function projectContext(
  ctx: McpContext,
  backend: EventBackend,
  cwd: string | undefined,
): Promise<Result<{ codebase: { path: string; role: string }[]; context: string }>> {
  const { registry, scanProject } = await import("./brownfield.ts");
  const dirArg = cwd ?? (await registry(backend)).default ?? undefined;
  if (!dirArg) return ok({ codebase: [], context: "" });
  const dir = checkWorkspace(ctx.options, resolve(dirArg));
  if (!dir.ok) return dir;
  const codebase = detectBrownfield(dir.value);
  return ok({ codebase, context: codebase.length ? scanProject(dir.value).context : "" });
}

export async function interviewTurn(
  ctx: McpContext,
  a: TurnArgs,
  persona: "socratic" | "pm" = "socratic",
): Promise<Result<Record<string, unknown>>> {
  const tool = persona === "pm" ? "ouroboros_pm_interview" : "ouroboros_interview";
  const d = await authoringDeps(ctx, tool);
  if (!d.ok) return d;
  const id: { value?: string } = { value: a.session_id };
  const r = await turn(ctx, d.value, a, persona, id);
  return delegated(r, id.value, `${tool} with {session_id: "${id.value}"} and no answer`);
}

async function turn(
  ctx: McpContext,
  d: { llm: Llm; backend: EventBackend; threshold: number },
  a: TurnArgs,
  persona: "socratic" | "pm",
  id: { value?: string },
): Promise<Result<Record<string, unknown>>> {
  const { llm, backend, threshold } = d;
  if (!a.session_id) {
    if (a.initial_context === undefined)
      return fail(
        "badArgs",
        "ouroboros_interview: give 'initial_context' to start, or 'session_id' and 'answer' to continue",
      );
    const idea = checkIdea(a.initial_context);
    if (!idea.ok) return idea;
    const project = await projectContext(ctx, backend, a.cwd);
    if (!project.ok) return project;
    const { codebase, context } = project.value;
    const log = await InterviewLog.create(backend, newInterviewId(), {
      initial_context: idea.value,
      is_brownfield: codebase.length > 0,
      codebase_paths: codebase,
      codebase_context: context,
      persona,
      mode: "mcp",
      llm_backend: llm.name,
    });
    if (!log.ok) return log;
    id.value = log.value.state.interview_id;
    return ask(log.value, llm);
  }
  if (!isInterviewId(a.session_id))
    return fail("badArgs", `ouroboros_interview: '${a.session_id}' is not an interview session id (interview_…)`);
  const opened = await InterviewLog.open(backend, a.session_id);
  if (!opened.ok) return opened;
  const log = opened.value;
  if (log.state.persona !== persona)
    return fail(
      "badArgs",
      `${a.session_id} is a ${log.state.persona === "pm" ? "PM interview (continue with ouroboros_pm_interview)" : "Socratic interview (continue with ouroboros_interview)"}`,
    );
  if (log.state.status === "aborted")
    return fail("failure", `interview ${a.session_id} was aborted and cannot continue`);
  if (a.answer === undefined) {
    if (log.state.status === "completed") return ok(view(log.state, { next: seedStep(log.state) }));
    // An answer recorded but not scored yet (a delegated or failed scoring): score it now.
    const st = log.state;
    if (isScoredRound(st) && !st.ambiguity && !st.pending_question) return afterAnswer(log, llm, threshold, false);
    return ask(log, llm);
  }
  const closing = CLOSING.test(a.answer);
  if (!closing) {
    const pending = log.state.pending_question;
    if (!pending) {
      const q = await nextQuestion(log, llm); // e.g. after a reopen: there must be a question to answer
      if (!q.ok) return q;
    }
    const rec = await recordAnswer(log, log.state.pending_question!.question, a.answer);
    if (!rec.ok) return rec;
  }
  return afterAnswer(log, llm, threshold, closing);
}

/** Score (from round 3), close the interview when ready, else ask the next question. */
async function afterAnswer(
  log: InterviewLog,
  llm: Llm,
  threshold: number,
  closing: boolean,
): Promise<Result<Record<string, unknown>>> {
  if (isScoredRound(log.state) && (!log.state.ambiguity || !closing)) {
    const s = await scoreAmbiguity(log, llm, threshold);
    if (!s.ok) return s;
  }
  const st = log.state;
  if (st.ambiguity?.ready && (closing || st.completion_candidate_streak >= READY_STREAK)) {
    const c = await completeInterview(log);
    if (!c.ok) return c;
    return ok(view(log.state, { completed: true, next: seedStep(log.state) }));
  }
  if (closing) {
    const next = await ask(log, llm);
    if (!next.ok) return next;
    return ok({
      ...next.value,
      closing_refused: `not ready for a seed: ${notReadyReason(st.ambiguity)}; answer more, or generate the seed with force=true`,
    });
  }
  return ask(log, llm);
}

export async function generateSeedTool(
  ctx: McpContext,
  a: { session_id: string; force?: boolean },
  persona: "socratic" | "pm" = "socratic",
): Promise<Result<Record<string, unknown>>> {
  const tool = persona === "pm" ? "ouroboros_pm_interview" : "ouroboros_generate_seed";
  const d = await authoringDeps(ctx, tool);
  if (!d.ok) return d;
  return delegated(await seedFrom(d.value, a, persona), a.session_id, `${tool} again with the same arguments`);
}

async function seedFrom(
  d: { llm: Llm; backend: EventBackend },
  a: { session_id: string; force?: boolean },
  persona: "socratic" | "pm",
): Promise<Result<Record<string, unknown>>> {
  if (!isInterviewId(a.session_id))
    return fail("badArgs", `ouroboros_generate_seed: '${a.session_id}' is not an interview session id (interview_…)`);
  const opened = await InterviewLog.open(d.backend, a.session_id);
  if (!opened.ok) return opened;
  const log = opened.value;
  if (persona === "pm" && log.state.persona !== "pm")
    return fail("badArgs", `${a.session_id} is not a PM interview (use ouroboros_generate_seed)`);
  if (log.state.status !== "completed") {
    if (!a.force && !log.state.ambiguity?.ready)
      return fail("failure", `not ready for a seed: ${notReadyReason(log.state.ambiguity)}`, {
        hint: "keep answering with ouroboros_interview, or pass force=true",
      });
    const c = await completeInterview(log, !log.state.ambiguity?.ready);
    if (!c.ok) return c;
  }
  const r = await generateSeed(log, d.llm, { force: a.force === true });
  if (!r.ok) return r;
  return ok({
    ...r.value,
    session_id: a.session_id,
    seed_content: readFileSync(r.value.path, "utf8"),
    next: "ouroboros_start_execute_seed {seed_path}",
  });
}
