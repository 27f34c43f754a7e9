/**
 * Seed execution for the MCP tools, wired like `ouroboros run workflow` (src/cli/run/execute.ts):
 * the same plan checks, runtime choice and agent, but the pipeline runs as a background job of
 * this server and nothing is printed.
 */
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { paths } from "../config/paths.ts";
import { fail, ok, type Result } from "../errors.ts";
import { buildPlan } from "../pipeline/plan.ts";
import { createRuntimeAgent } from "../pipeline/runtime-agent.ts";
import { canonicalRuntime, selectRuntime } from "../runtime/selection.ts";
import type { Seed } from "../seed/schema.ts";
import { formatProblem } from "../util/problems.ts";
import { checkWorkspace, type McpContext } from "./context.ts";
import type { RunOutcome } from "../pipeline/run.ts";
import type { Agent } from "../pipeline/agent.ts";
import { requireSession } from "./views.ts";

export interface ExecuteArgs {
  seed_content?: string;
  seed_path?: string;
  cwd?: string;
  session_id?: string;
  runtime?: string;
  sequential?: boolean;
  parallel?: number;
  max_decomposition_depth?: number;
  skip_secondary?: boolean;
  /** The agent CLI's own session to continue on the first turn (e.g. the calling Kiro session). */
  resume_id?: string;
}

/** Inline seed text is kept under $OUROBOROS_HOME/data/mcp-seeds/ by content hash (the session records the path). */
function storeSeedText(text: string): string {
  const dir = join(paths.data(), "mcp-seeds");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${createHash("sha256").update(text).digest("hex").slice(0, 16)}.yaml`);
  writeFileSync(file, text);
  return file;
}

export async function startExecution(
  ctx: McpContext,
  a: ExecuteArgs,
): Promise<
  Result<{
    job_id: string;
    session_id: string;
    runtime: string;
    project_dir: string;
    wait: () => Promise<Result<RunOutcome>>;
  }>
> {
  const sources = [a.seed_content, a.seed_path, a.session_id].filter((x) => x !== undefined).length;
  if (sources !== 1)
    return fail("badArgs", "give exactly one of 'seed_content', 'seed_path' or 'session_id' (to resume)");
  const loaded = await ctx.config();
  if (!loaded.ok) return loaded;
  const config = loaded.value.config;
  const store = await ctx.store();
  if (!store.ok) return store;
  let seed: Seed | undefined;
  let seedPath: string | undefined;
  let projectDir: string;
  let depth = config.orchestrator.max_decomposition_depth;
  let runtimeFlag = a.runtime ?? ctx.options.runtime;
  if (a.session_id) {
    const s = requireSession(store.value.db, a.session_id);
    if (!s.ok) return s;
    if (s.value.terminal_type)
      return fail("usage", `session ${s.value.session_id} already ended (${s.value.status})`, {
        hint: "start a new run with seed_content or seed_path",
      });
    const started = store.value.db
      .query("SELECT payload FROM events WHERE session_id = ? AND event_type = 'orchestrator.session.started'")
      .get(s.value.session_id) as { payload: string } | null;
    const data = started ? (JSON.parse(started.payload) as Record<string, unknown>) : {};
    projectDir = String(data.project_dir ?? process.cwd());
    depth = Number(data.max_decomposition_depth ?? depth);
    const stored = canonicalRuntime(String(data.runtime ?? ""));
    if (a.runtime && stored && canonicalRuntime(a.runtime) !== stored)
      return fail("badArgs", `session ${s.value.session_id} runs on ${stored}; runtime '${a.runtime}' does not match`);
    runtimeFlag = stored ?? runtimeFlag;
    a = { ...a, session_id: s.value.session_id };
  } else {
    const cwd = a.cwd ? resolve(a.cwd) : undefined;
    const file =
      a.seed_content !== undefined ? storeSeedText(a.seed_content) : resolve(cwd ?? process.cwd(), a.seed_path!);
    // Inline seeds have no folder of their own: they run in cwd (default: the server's directory).
    const projectFlag = cwd ?? (a.seed_content !== undefined ? process.cwd() : undefined);
    const plan = buildPlan({
      seedFile: file,
      config: loaded.value,
      env: process.env,
      projectDirFlag: projectFlag,
      depthFlag: a.max_decomposition_depth?.toString(),
    });
    const label = a.seed_content !== undefined ? "seed_content" : file;
    const fix = (s: string) => (a.seed_content !== undefined ? s.replace(file, "seed_content") : s);
    if (plan.errors.length)
      return fail(
        "invalidData",
        `${plan.errors.length} problem(s) in ${label}: ${fix(formatProblem(plan.errors[0]!))}`,
        { details: plan.errors.slice(1).map((p) => fix(formatProblem(p))) },
      );
    if (plan.setupErrors.length) return fail("badArgs", plan.setupErrors[0]!, { details: plan.setupErrors.slice(1) });
    seed = plan.seed!;
    seedPath = a.seed_content !== undefined ? undefined : file;
    projectDir = plan.projectDir!.path;
    depth = plan.depth!.value;
  }
  const inside = checkWorkspace(ctx.options, projectDir);
  if (!inside.ok) return inside;
  const choice = selectRuntime(runtimeFlag, process.env, loaded.value);
  if (!choice.ok) return choice;
  const agent = createRuntimeAgent(choice.value.name, process.env, config, { resumeId: a.resume_id });
  if (!agent.ok) return agent;
  // As in `run workflow --llm-backend`: the server's backend answers the judging turns.
  let judge: Agent | undefined;
  if (ctx.options.llmBackend) {
    const [{ createLlm }, { llmAgent }] = await Promise.all([import("../llm/index.ts"), import("../llm/agent.ts")]);
    const llm = createLlm(config, process.env, ctx.options.llmBackend);
    if (!llm.ok) return llm;
    judge = llmAgent(llm.value);
  }
  const { agentWithModel } = await import("../llm/role-model.ts");
  judge = agentWithModel(judge ?? agent.value, config.evaluation.semantic_model);
  const parallel = a.sequential ? 1 : (a.parallel ?? config.orchestrator.max_parallel_workers);
  const jobs = await ctx.jobs();
  const job = await jobs.launch({
    store: store.value,
    agent: agent.value,
    judge,
    runtime: choice.value.name,
    config,
    seed,
    seedPath,
    resumeSessionId: a.session_id,
    projectDir,
    parallel,
    maxDepth: depth,
    skipSecondary: Boolean(a.skip_secondary),
  });
  if (!job.ok) return job;
  return ok({ ...job.value, runtime: choice.value.name, project_dir: projectDir });
}
