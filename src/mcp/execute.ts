/**
 * Seed execution for the MCP tools: the MCP side of startRun (src/pipeline/start-run.ts), which
 * `run workflow` uses too. Tool arguments in; the run goes on as a background job of this server.
 */
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { paths } from "../config/paths.ts";
import { fail, ok, ouroError, type Result } from "../errors.ts";
import type { RunOutcome } from "../pipeline/run.ts";
import { startRun } from "../pipeline/start-run.ts";
import { formatProblem } from "../util/problems.ts";
import { checkWorkspace, type McpContext } from "./context.ts";
import { lookupSession } from "./views.ts";

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
  const store = await ctx.backend();
  if (!store.ok) return store;
  let resumeSessionId: string | undefined;
  let file: string | undefined;
  let projectFlag: string | undefined;
  if (a.session_id) {
    const s = await lookupSession(store.value, a.session_id);
    if (!s.ok) return s;
    if (s.value.terminal_type)
      return fail("usage", `session ${s.value.session_id} already ended (${s.value.status})`, {
        hint: "start a new run with seed_content or seed_path",
      });
    resumeSessionId = s.value.session_id;
  } else {
    const cwd = a.cwd ? resolve(a.cwd) : undefined;
    file = a.seed_content !== undefined ? storeSeedText(a.seed_content) : resolve(cwd ?? process.cwd(), a.seed_path!);
    // Inline seeds have no folder of their own: they run in cwd (default: the server's directory).
    projectFlag = cwd ?? (a.seed_content !== undefined ? process.cwd() : undefined);
  }
  const label = a.seed_content !== undefined ? "seed_content" : file;
  const fix = (s: string) => (a.seed_content !== undefined && file ? s.replace(file, "seed_content") : s);
  const jobs = await ctx.jobs();
  const job = await jobs.launch((interrupt) =>
    startRun({
      backend: store.value,
      loaded: loaded.value,
      env: process.env,
      seedFile: file,
      seedPath: a.seed_content !== undefined ? undefined : file,
      projectDirFlag: projectFlag,
      depthFlag: a.max_decomposition_depth?.toString(),
      resumeSessionId,
      runtime: a.runtime,
      defaultRuntime: ctx.options.runtime,
      agentResumeId: a.resume_id,
      // As in `run workflow --llm-backend`: the server's backend answers the judging turns.
      llmBackend: ctx.options.llmBackend,
      parallel: a.sequential ? 1 : (a.parallel ?? config.orchestrator.max_parallel_workers),
      skipSecondary: Boolean(a.skip_secondary),
      interrupt,
      words: {
        runtimeArg: (name) => `runtime '${name}'`,
        seedProblems: (problems) =>
          ouroError("invalidData", `${problems.length} problem(s) in ${label}: ${fix(formatProblem(problems[0]!))}`, {
            details: problems.slice(1).map((p) => fix(formatProblem(p))),
          }),
      },
      checkProjectDir: (dir) => checkWorkspace(ctx.options, dir),
    }),
  );
  if (!job.ok) return job;
  const { runtime, projectDir, ...handle } = job.value;
  return ok({ ...handle, runtime, project_dir: projectDir });
}
