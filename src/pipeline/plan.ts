/**
 * The run plan, built with no model call, no network and no writes. `run workflow --dry-run`
 * prints it; a real run starts from the same plan, so the ids and tiers shown are the ones used.
 */
import type { LoadedConfig } from "../config/load.ts";
import { PHASES } from "../events/catalogue.ts";
import type { RuntimeChoice } from "../runtime/selection.ts";
import type { ExitPredicate } from "../seed/exit-conditions.ts";
import { loadSeedFile, type SeedLoad } from "../seed/load.ts";
import type { Seed } from "../seed/schema.ts";
import type { AcTree } from "../seed/tree.ts";
import { commandsRunnable, validateSeed } from "../seed/validate.ts";
import type { Problem } from "../util/problems.ts";
import { resolveProjectDir, type ProjectDir } from "./project-dir.ts";
import { routeAc } from "./router.ts";
import { loadMechanical } from "./mechanical.ts";

export interface DepthChoice {
  value: number;
  source: "flag" | "env:OUROBOROS_MAX_DECOMPOSITION_DEPTH" | "seed" | "config" | "default";
}

export interface PlanOptions {
  seedFile: string;
  config: LoadedConfig;
  env: NodeJS.ProcessEnv;
  projectDirFlag?: string;
  depthFlag?: string;
  strict?: boolean;
  maxCostUsd?: number;
  timeoutSeconds?: number;
}

export interface PlannedAc {
  ac_id: string;
  display_path: string;
  semantic_ac_key: string;
  level: number;
  description: string;
  verify_command: string | null;
  depends_on: string[];
  tier: string;
  score: number;
}

export interface Plan {
  load: SeedLoad;
  seed?: Seed;
  tree?: AcTree;
  errors: Problem[];
  warnings: Problem[];
  /** Non-seed problems: project dir, depth, config. */
  setupErrors: string[];
  acs: PlannedAc[];
  principles: { name: string; weight: number; normalized: number }[];
  exitConditions: { name: string; kind: ExitPredicate["kind"]; predicate: ExitPredicate; mapped_from_words: boolean }[];
  /** Budgets in force (config, overridable by flags): shown by dry-run. */
  budgets: { max_cost_usd: number; timeout_seconds: number; max_turns_per_ac: number; max_turns_per_session: number };
  projectDir?: ProjectDir;
  depth?: DepthChoice;
}

function resolveDepth(
  flag: string | undefined,
  env: NodeJS.ProcessEnv,
  seed: Seed,
  cfg: LoadedConfig,
): { depth?: DepthChoice; error?: string } {
  const parse = (raw: string, source: DepthChoice["source"]) => {
    const n = Number(raw);
    return Number.isInteger(n) && n >= 0 && n <= 4
      ? { depth: { value: n, source } }
      : { error: `max decomposition depth '${raw}' (from ${source}) must be a whole number 0..4` };
  };
  if (flag !== undefined) return parse(flag, "flag");
  if (env.OUROBOROS_MAX_DECOMPOSITION_DEPTH)
    return parse(env.OUROBOROS_MAX_DECOMPOSITION_DEPTH, "env:OUROBOROS_MAX_DECOMPOSITION_DEPTH");
  if (seed.orchestrator.max_decomposition_depth !== undefined)
    return parse(String(seed.orchestrator.max_decomposition_depth), "seed");
  const fromConfig = cfg.sources["orchestrator.max_decomposition_depth"] !== "default";
  return {
    depth: { value: cfg.config.orchestrator.max_decomposition_depth, source: fromConfig ? "config" : "default" },
  };
}

export function buildPlan(o: PlanOptions): Plan {
  const load = loadSeedFile(o.seedFile);
  const x = o.config.config.execution;
  const budgets = {
    max_cost_usd: o.maxCostUsd ?? x.max_cost_usd,
    timeout_seconds: o.timeoutSeconds ?? x.timeout_seconds,
    max_turns_per_ac: x.max_turns_per_ac,
    max_turns_per_session: x.max_turns_per_session,
  };
  const plan: Plan = {
    load,
    errors: [...load.errors],
    warnings: [...load.warnings],
    setupErrors: [],
    acs: [],
    principles: [],
    exitConditions: [],
    budgets,
  };
  const seed = load.seed;
  const src = load.source;
  if (!seed || !src) return finish(plan, o.strict);
  plan.seed = seed;
  const checked = validateSeed(load, { gate: o.config.config.seed.verify_command_gate });
  plan.errors = checked.errors;
  plan.warnings = checked.warnings;
  plan.principles = checked.principles;
  plan.exitConditions = checked.exitConditions;
  const tree = checked.tree;
  if (tree) {
    plan.tree = tree;
    plan.acs = tree.nodes.map((n) => {
      const r = routeAc(n);
      return {
        ac_id: n.ac_id,
        display_path: n.display_path,
        semantic_ac_key: n.semantic_ac_key,
        level: n.level,
        description: n.description,
        verify_command: n.verify_command,
        depends_on: n.depends_on.map((d) => tree.nodes[d]!.ac_id),
        tier: r.tier,
        score: r.score,
      };
    });
  }

  const depth = resolveDepth(o.depthFlag, o.env, seed, o.config);
  if (depth.error) plan.setupErrors.push(depth.error);
  plan.depth = depth.depth;

  const dir = resolveProjectDir(o.seedFile, seed, o.projectDirFlag);
  if (dir.ok) {
    plan.projectDir = dir.value;
    // Commands that can never run on this machine (not on PATH, or leaving the project) stop the run here.
    const runnable = commandsRunnable(load, seed, dir.value.path, o.env.PATH);
    plan.errors.push(...runnable.errors);
    plan.warnings.push(...runnable.warnings);
    const mech = loadMechanical(dir.value.path);
    for (const p of mech.problems)
      plan.errors.push({
        file: mech.file,
        line: p.line,
        col: p.col,
        path: "mechanical",
        code: "mechanical.command",
        message: p.message,
      });
  } else if (dir.error.kind === "invalidData")
    plan.errors.push({
      file: o.seedFile,
      line: 1,
      col: 1,
      path: "metadata",
      code: "seed.project_dir",
      message: dir.error.message,
    });
  else plan.setupErrors.push(dir.error.message);
  return finish(plan, o.strict);
}

function finish(plan: Plan, strict?: boolean): Plan {
  if (strict) {
    plan.errors.push(...plan.warnings);
    plan.warnings = [];
  }
  plan.errors.sort((a, b) => a.line - b.line || a.col - b.col);
  return plan;
}

export const plannedPhases = () => PHASES.map((phase) => ({ phase, outcome: "planned" as const }));

export type { RuntimeChoice };
