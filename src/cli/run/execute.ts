/**
 * A real run: the CLI's side of startRun (src/pipeline/start-run.ts): flags in, progress on
 * stderr, the result on stdout and an exit code out. Ctrl-C pauses (resumable, exit 75);
 * `ouroboros cancel` from elsewhere cancels.
 */
import { type LoadedConfig, loadConfig } from "../../config/load.ts";
import type { EventBackend } from "../../events/backend.ts";
import { TIERS, type Tier } from "../../config/schema.ts";
import { EXIT, fail, ouroError, unwrap } from "../../errors.ts";
import { openBackend } from "../../events/open-backend.ts";
import type { RunOutcome as PipelineOutcome } from "../../pipeline/run.ts";
import { startRun } from "../../pipeline/start-run.ts";
import { createProgress } from "../../dashboard/progress.ts";
import { formatProblem } from "../../util/problems.ts";
import { plural } from "../../util/plural.ts";
import { log, out, outJson } from "../output.ts";

type Args = Record<string, unknown>;

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
  if (!args.resume && !args.seed) return unwrap(fail("badArgs", "a seed file is needed (or --resume <session>)"));
  // `--db` or OUROBOROS_DATABASE_URL: with a PostgreSQL URL nothing of the run is written locally.
  const backend = unwrap(await openBackend(args.db));
  try {
    return await executeOn(backend, args, loaded, hooks);
  } finally {
    await backend.close();
  }
}

async function executeOn(backend: EventBackend, args: Args, loaded: LoadedConfig, hooks: RunHooks): Promise<number> {
  const config = loaded.config;
  let resumeId: string | undefined;
  if (args.resume) {
    const s = await backend.findSession(String(args.resume));
    if (!s)
      return unwrap(fail("unknownId", `no session '${args.resume}'`, { hint: "`ouroboros status` lists sessions" }));
    resumeId = s.session_id;
  }
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
    const started = unwrap(
      await startRun({
        backend,
        loaded,
        env: process.env,
        seedFile: resumeId ? undefined : String(args.seed),
        seedPath: args.seed ? String(args.seed) : undefined,
        projectDirFlag: args["project-dir"] as string | undefined,
        depthFlag: args["max-decomposition-depth"] as string | undefined,
        strict: Boolean(args.strict),
        resumeSessionId: resumeId,
        runtime: args.runtime as string | undefined,
        agentResumeId: args["resume-id"] === undefined ? undefined : String(args["resume-id"]),
        llmBackend: args["llm-backend"] ? String(args["llm-backend"]) : undefined,
        parallel,
        skipSecondary: Boolean(args["skip-secondary"]),
        maxCostUsd,
        timeoutSeconds,
        tier,
        interrupt: interrupt.signal,
        onEvent: progress.onEvent,
        onSessionId: (id) => log.info(`session ${id} (resume with: ouroboros run workflow --resume ${id})`),
        words: {
          runtimeArg: (name) => `--runtime ${name}`,
          seedProblems: (problems) =>
            ouroError("invalidData", `${plural(problems.length, "problem")} in ${args.seed}`, {
              details: problems.map(formatProblem),
            }),
        },
        onWarning: (w) => log.warn(formatProblem(w)),
      }),
    );
    const r = await started.outcome;
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
  }
}
