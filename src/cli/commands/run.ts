/**
 * `ouroboros run workflow <seed> [--runtime X] [--dry-run] [--parallel N] [--json]`
 * `ouroboros run workflow --resume <session>` (the seed is stored with the session).
 */
import { defineCommand } from "citty";
import { dryRun, printHuman, printJson } from "../run/dry-run.ts";
import { executeRun } from "../run/execute.ts";
import { exitCode } from "../output.ts";
import { DB_ARG_DESCRIPTION } from "../../events/open-backend.ts";
import { ADAPTERS, RUNTIME_NAMES } from "../../runtime/registry.ts";

const resuming = RUNTIME_NAMES.filter((n) => {
  const c = ADAPTERS[n].descriptor.capabilities;
  return c.targeted_resume || c.partial_resume;
});

export const runArgs = {
  seed: { type: "positional", required: false, description: "seed YAML file (not needed with --resume)" },
  "dry-run": { type: "boolean", alias: "n", description: "validate and print the plan; no model call, no writes" },
  runtime: {
    type: "string",
    alias: "r",
    description: `${RUNTIME_NAMES.join(" | ")}, or one declared in $OUROBOROS_HOME/runtimes/`,
  },
  resume: { type: "string", description: "continue this session from its event log" },
  "resume-id": {
    type: "string",
    description: `the agent CLI's own session to continue on the first turn (runtimes that resume: ${resuming.join(", ")})`,
  },
  "llm-backend": {
    type: "string",
    description: "judge with this LLM backend (anthropic, openai, a CLI) instead of the runtime",
  },
  parallel: {
    type: "string",
    valueHint: "N",
    description: "independent ACs run at once (default orchestrator.max_parallel_workers = 3)",
  },
  "project-dir": {
    type: "string",
    description: "directory the agent works in (with --resume: a checkout at the session's base commit, when it moved)",
  },
  db: { type: "string", description: DB_ARG_DESCRIPTION },
  "max-decomposition-depth": { type: "string", valueHint: "N", description: "0 disables decomposition (default 2)" },
  "max-cost-usd": {
    type: "string",
    valueHint: "USD",
    description: "stop the run (exit 3) once it has cost this much (default execution.max_cost_usd = 50)",
  },
  tier: {
    type: "string",
    description: "start every AC at this PAL tier: frugal (1 turn) | standard (2) | frontier (4)",
  },
  timeout: {
    type: "string",
    valueHint: "N",
    description: "stop the run (exit 3) after this many seconds (default execution.timeout_seconds = 14400)",
  },
  "skip-secondary": { type: "boolean", description: "skip the deferred TODO batch" },
  strict: { type: "boolean", description: "treat seed warnings as errors" },
  quiet: { type: "boolean", alias: "q", description: "only the result" },
  verbose: { type: "boolean", alias: "v", description: "more progress detail (phases, tools, verdict evidence)" },
  json: { type: "boolean", description: "print one JSON document" },
} as const;

const workflow = defineCommand({
  meta: {
    name: "workflow",
    description: "Execute a seed through the six-phase pipeline (--dry-run: validate and plan only)",
  },
  args: runArgs,
  async run({ args }) {
    if (args["dry-run"]) {
      const report = dryRun(args);
      if (args.json) printJson(report);
      else printHuman(report);
      return exitCode(report.exit);
    }
    return exitCode(await executeRun(args));
  },
});

export default defineCommand({
  meta: { name: "run", description: "Run a seed" },
  subCommands: { workflow },
});
