/**
 * A real run: validate like the dry-run, pick the runtime, then drive the pipeline with progress
 * on stderr. Ctrl-C pauses (resumable, exit 75); `ouroboros cancel` from elsewhere cancels.
 */
import { loadConfig } from "../../config/load.ts";
import { TIERS, type Tier } from "../../config/schema.ts";
import { paths } from "../../config/paths.ts";
import { EXIT, fail, unwrap } from "../../errors.ts";
import { findSession } from "../../events/read.ts";
import { EventStore } from "../../events/store.ts";
import { buildPlan } from "../../pipeline/plan.ts";
import { runPipeline } from "../../pipeline/run.ts";
import { createRuntimeAgent } from "../../pipeline/runtime-agent.ts";
import type { Seed } from "../../seed/schema.ts";
import { canonicalRuntime, selectRuntime } from "../../runtime/selection.ts";
import { formatProblem } from "../../util/problems.ts";
import { log, out, outJson } from "../output.ts";
import { createProgress } from "../../dashboard/progress.ts";
import { createLlm } from "../../llm/index.ts";
import { llmAgent } from "../../llm/agent.ts";
import { agentWithModel } from "../../llm/role-model.ts";

type Args = Record<string, unknown>;
import type { RunOutcome as PipelineOutcome } from "../../pipeline/run.ts";
import { plural } from "../../util/plural.ts";

/** For callers that run a seed as one step of a bigger job (`init --run`, `auto`). */
export interface RunHooks {
  /** Replaces the printed result. */
  onOutcome?: (outcome: PipelineOutcome) => void;
  /** Pauses the run (resumable) like Ctrl-C, e.g. at an overall deadline. */
  signal?: AbortSignal;
}

function positiveInt(raw: unknown, name: string): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) unwrap(fail("badArgs", `--${name} must be a positive whole number, got '${raw}'`));
  return n;
}

function budgetFlag(raw: unknown, name: string): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) unwrap(fail("badArgs", `--${name} must be a positive number, got '${raw}'`));
  return n;
}

export async function executeRun(args: Args, hooks: RunHooks = {}): Promise<number> {
  const loaded = unwrap(loadConfig());
  const config = loaded.config;
  const store = unwrap(EventStore.open(paths.database()));
  let seed: Seed | undefined;
  let projectDir: string;
  let runtimeFlag = args.runtime as string | undefined;
  let depth = config.orchestrator.max_decomposition_depth;
  let resumeId: string | undefined;
  if (args.resume) {
    const s = findSession(store.db, String(args.resume));
    if (!s)
      return unwrap(fail("unknownId", `no session '${args.resume}'`, { hint: "`ouroboros status` lists sessions" }));
    resumeId = s.session_id;
    const started = store.db
      .query("SELECT payload FROM events WHERE session_id = ? AND event_type = 'orchestrator.session.started'")
      .get(s.session_id) as { payload: string } | null;
    const data = started ? (JSON.parse(started.payload) as Record<string, unknown>) : {};
    projectDir = String(data.project_dir ?? process.cwd());
    depth = Number(data.max_decomposition_depth ?? depth);
    const stored = canonicalRuntime(String(data.runtime ?? ""));
    if (runtimeFlag && stored && canonicalRuntime(runtimeFlag) !== stored)
      unwrap(fail("badArgs", `session ${s.session_id} runs on ${stored}; --runtime ${runtimeFlag} does not match`));
    runtimeFlag = stored ?? runtimeFlag;
  } else {
    if (!args.seed) return unwrap(fail("badArgs", "a seed file is needed (or --resume <session>)"));
    const plan = buildPlan({
      seedFile: String(args.seed),
      config: loaded,
      env: process.env,
      projectDirFlag: args["project-dir"] as string | undefined,
      depthFlag: args["max-decomposition-depth"] as string | undefined,
      strict: Boolean(args.strict),
    });
    if (plan.errors.length)
      return unwrap(
        fail("invalidData", `${plural(plan.errors.length, "problem")} in ${args.seed}`, {
          details: plan.errors.map(formatProblem),
        }),
      );
    if (plan.setupErrors.length)
      return unwrap(fail("badArgs", plan.setupErrors[0]!, { details: plan.setupErrors.slice(1) }));
    for (const w of plan.warnings) log.warn(formatProblem(w));
    seed = plan.seed!;
    projectDir = plan.projectDir!.path;
    depth = plan.depth!.value;
  }
  const choice = unwrap(selectRuntime(runtimeFlag, process.env, loaded));
  const agent = unwrap(
    createRuntimeAgent(choice.name, process.env, config, {
      resumeId: args["resume-id"] === undefined ? undefined : String(args["resume-id"]),
    }),
  );
  // Judging turns run with evaluation.semantic_model when set (the runtime's or backend's default otherwise).
  const judge = agentWithModel(
    args["llm-backend"] ? llmAgent(unwrap(createLlm(config, process.env, String(args["llm-backend"])))) : agent,
    config.evaluation.semantic_model,
  );
  const parallel = positiveInt(args.parallel, "parallel") ?? config.orchestrator.max_parallel_workers;
  const maxCostUsd = budgetFlag(args["max-cost-usd"], "max-cost-usd");
  const timeoutSeconds = positiveInt(args.timeout, "timeout");
  const tier =
    args.tier === undefined
      ? undefined
      : TIERS.includes(args.tier as Tier)
        ? (args.tier as Tier)
        : unwrap(fail("badArgs", `--tier must be one of ${TIERS.join(", ")}, got '${args.tier}'`));

  const interrupt = new AbortController();
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts > 1) process.exit(EXIT.interrupted);
    log.warn("interrupting: stopping the agent; the session stays resumable (Ctrl-C again to quit at once)");
    interrupt.abort();
  };
  process.on("SIGINT", onSigint);
  process.on("SIGTERM", onSigint);
  hooks.signal?.addEventListener("abort", () => interrupt.abort(), { once: true });
  const progress = createProgress({ mode: args.quiet || args.json ? "quiet" : "auto", verbose: Boolean(args.verbose) });
  try {
    const r = await runPipeline({
      store,
      agent,
      judge,
      runtime: choice.name,
      config,
      seed,
      seedPath: args.seed ? String(args.seed) : undefined,
      resumeSessionId: resumeId,
      projectDir: projectDir!,
      parallel,
      maxDepth: depth,
      skipSecondary: Boolean(args["skip-secondary"]),
      maxCostUsd,
      timeoutSeconds,
      tier,
      interrupt: interrupt.signal,
      onEvent: progress.onEvent,
      onSessionId: (id) => log.info(`session ${id} (resume with: ouroboros run workflow --resume ${id})`),
    });
    progress.stop();
    const outcome = unwrap(r);
    if (hooks.onOutcome) hooks.onOutcome(outcome);
    else if (args.json) outJson("run", { ...outcome });
    else out(`${outcome.sessionId}  ${outcome.status}  ${outcome.summary}`);
    return {
      completed: EXIT.ok,
      failed: EXIT.negativeVerdict,
      stopped: EXIT.negativeVerdict,
      unverifiable: EXIT.negativeVerdict,
      cancelled: EXIT.failure,
      interrupted: EXIT.interrupted,
    }[outcome.status];
  } finally {
    progress.stop();
    process.off("SIGINT", onSigint);
    process.off("SIGTERM", onSigint);
    store.close();
  }
}
