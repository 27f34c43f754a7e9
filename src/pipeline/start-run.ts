/**
 * Starting a run, the one way `run workflow`, the MCP execute tools and `auto` do it: plan and
 * validate the seed (or read a resumed session's start), pick the runtime and its agent, then
 * start the pipeline, which takes the session lock and lease. Resolves once the session exists, with the
 * outcome still to come, so the CLI can wait in the foreground and the MCP server in a job.
 * Callers keep only their wording (how they name a flag, list problems) and their output.
 */
import type { LoadedConfig } from "../config/load.ts";
import { fail, ok, type OuroError, type Result } from "../errors.ts";
import { checkTakeoverDir, recordedProject } from "../events/lease-project.ts";
import { agentWithModel } from "./agent.ts";
import { canonicalRuntime, selectRuntime } from "../runtime/selection.ts";
import type { Seed } from "../seed/schema.ts";
import type { Problem } from "../util/problems.ts";
import type { Agent } from "./agent.ts";
import { buildPlan } from "./plan.ts";
import { runPipeline, type RunOptions, type RunOutcome } from "./run.ts";
import { createRuntimeAgent } from "./runtime-agent.ts";

/** The pipeline options a caller passes straight through. */
type PassedThrough = "backend" | "skipSecondary" | "maxCostUsd" | "timeoutSeconds" | "tier" | "interrupt" | "onEvent";

export interface StartRunInput extends Pick<RunOptions, PassedThrough> {
  loaded: LoadedConfig;
  env: NodeJS.ProcessEnv;
  /** A new run: the seed file to plan from. */
  seedFile?: string;
  /** Recorded in the session as where the seed came from (inline seeds have none). */
  seedPath?: string;
  /** A new run: where the agent works. A resume: the session's directory moved here (a checkout at its base commit). */
  projectDirFlag?: string;
  depthFlag?: string;
  strict?: boolean;
  /** A resumed run: the full id of a session that exists (each caller looks it up in its own words). */
  resumeSessionId?: string;
  /** The runtime asked for; on resume it must match the session's. */
  runtime?: string;
  /** The runtime when none is asked for (the MCP server's --runtime). */
  defaultRuntime?: string;
  /** The agent CLI's own session to continue on the first turn. */
  agentResumeId?: string;
  /** An LLM backend that answers the judging turns instead of the runtime. */
  llmBackend?: string;
  parallel?: number;
  onSessionId?: (id: string) => void;
  /** The surface's wording for what only it can name. */
  words: {
    /** The runtime argument in a mismatch error: `--runtime x`, `runtime 'x'`. */
    runtimeArg(name: string): string;
    /** A seed with problems. */
    seedProblems(problems: Problem[]): OuroError;
  };
  /** Seed warnings (the CLI logs them). */
  onWarning?: (p: Problem) => void;
  /** Refuses a project directory (the MCP server's workspace roots). */
  checkProjectDir?: (dir: string) => Result<string>;
}

export interface StartedRun {
  sessionId: string;
  runtime: string;
  projectDir: string;
  /** Resolves when the pipeline stops: ended, paused or failed. */
  outcome: Promise<Result<RunOutcome>>;
}

interface Target {
  seed?: Seed;
  projectDir: string;
  depth: number;
  runtime: string | undefined;
}

/** Where and how deep the run goes: from the resumed session's start, or from a fresh plan. */
async function target(o: StartRunInput): Promise<Result<Target>> {
  const config = o.loaded.config;
  const requested = o.runtime ?? o.defaultRuntime;
  if (o.resumeSessionId) {
    const data = (await o.backend.sessionStart(o.resumeSessionId)) ?? {};
    const stored = canonicalRuntime(String(data.runtime ?? ""));
    if (o.runtime && stored && canonicalRuntime(o.runtime) !== stored)
      return fail(
        "badArgs",
        `session ${o.resumeSessionId} runs on ${stored}; ${o.words.runtimeArg(o.runtime)} does not match`,
      );
    // `--project-dir` on resume: the same directory, or a checkout at the session's base commit.
    const moved = o.projectDirFlag
      ? checkTakeoverDir(recordedProject(o.resumeSessionId, { ...data }), o.projectDirFlag)
      : null;
    if (moved && !moved.ok) return moved;
    return ok({
      projectDir: moved ? moved.value : String(data.project_dir ?? process.cwd()),
      depth: Number(data.max_decomposition_depth ?? config.orchestrator.max_decomposition_depth),
      runtime: stored ?? requested,
    });
  }
  if (!o.seedFile) return fail("badArgs", "a seed file is needed (or --resume <session>)");
  const plan = buildPlan({
    seedFile: o.seedFile,
    config: o.loaded,
    env: o.env,
    projectDirFlag: o.projectDirFlag,
    depthFlag: o.depthFlag,
    strict: o.strict,
  });
  if (plan.errors.length) return { ok: false, error: o.words.seedProblems(plan.errors) };
  if (plan.setupErrors.length) return fail("badArgs", plan.setupErrors[0]!, { details: plan.setupErrors.slice(1) });
  for (const w of plan.warnings) o.onWarning?.(w);
  return ok({ seed: plan.seed!, projectDir: plan.projectDir!.path, depth: plan.depth!.value, runtime: requested });
}

export async function startRun(o: StartRunInput): Promise<Result<StartedRun>> {
  const config = o.loaded.config;
  const t = await target(o);
  if (!t.ok) return t;
  const dir = o.checkProjectDir?.(t.value.projectDir);
  if (dir && !dir.ok) return dir;
  const choice = selectRuntime(t.value.runtime, o.env, o.loaded);
  if (!choice.ok) return choice;
  const agent = createRuntimeAgent(choice.value.name, o.env, config, { resumeId: o.agentResumeId });
  if (!agent.ok) return agent;
  // Judging turns run with evaluation.semantic_model when set (the runtime's or backend's default otherwise).
  let judge: Agent = agent.value;
  if (o.llmBackend) {
    const [{ createLlm }, { llmAgent }] = await Promise.all([import("../llm/index.ts"), import("./llm-agent.ts")]);
    const llm = createLlm(config, o.env, o.llmBackend);
    if (!llm.ok) return llm;
    judge = llmAgent(llm.value);
  }
  let sessionId: string | undefined;
  // The pipeline names its session (and takes the file lock) before its first await.
  const outcome = runPipeline({
    backend: o.backend,
    agent: agent.value,
    judge: agentWithModel(judge, config.evaluation.semantic_model),
    runtime: choice.value.name,
    config,
    seed: t.value.seed,
    seedPath: o.seedPath,
    resumeSessionId: o.resumeSessionId,
    projectDir: t.value.projectDir,
    projectDirArg: o.resumeSessionId ? o.projectDirFlag : undefined,
    parallel: o.parallel ?? config.orchestrator.max_parallel_workers,
    maxDepth: t.value.depth,
    skipSecondary: o.skipSecondary ?? false,
    maxCostUsd: o.maxCostUsd,
    timeoutSeconds: o.timeoutSeconds,
    tier: o.tier,
    interrupt: o.interrupt,
    onEvent: o.onEvent,
    onSessionId: (id) => {
      sessionId = id;
      o.onSessionId?.(id);
    },
  }).catch((e: unknown) => fail("failure", `run stopped: ${e instanceof Error ? e.message : String(e)}`));
  if (!sessionId) {
    const r = await outcome;
    return r.ok ? fail("failure", "the run ended before its session started") : r;
  }
  return ok({ sessionId, runtime: choice.value.name, projectDir: t.value.projectDir, outcome });
}
