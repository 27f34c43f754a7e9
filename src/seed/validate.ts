/**
 * The one seed validator: `seed validate`, `run workflow --dry-run`, a real run and the MCP tools
 * all call it, so a seed one accepts the others accept. Static only (no project, no PATH):
 * schema, dependency graph, verify-command gate, principle weights, exit predicates and the
 * executable rules for every seed command. What depends on this machine is in `commandsRunnable`.
 */
import { staticCommandProblem, resolveExecutable, splitArgv } from "../security/executable.ts";
import type { Problem } from "../util/problems.ts";
import { locate } from "../util/yaml-source.ts";
import { normalizeWeights, parseExitCriteria, type ExitPredicate } from "./exit-conditions.ts";
import type { SeedLoad } from "./load.ts";
import type { Seed } from "./schema.ts";
import { buildAcTree, treeProblems, type AcTree } from "./tree.ts";

export interface SeedValidation {
  errors: Problem[];
  warnings: Problem[];
  tree?: AcTree;
  principles: { name: string; weight: number; normalized: number }[];
  exitConditions: { name: string; kind: ExitPredicate["kind"]; predicate: ExitPredicate; mapped_from_words: boolean }[];
}

export interface ValidateOptions {
  /** config `seed.verify_command_gate`: `block` makes a criterion with no check an error. */
  gate?: "warn" | "block";
}

export function validateSeed(load: SeedLoad, o: ValidateOptions = {}): SeedValidation {
  const out: SeedValidation = {
    errors: [...load.errors],
    warnings: [...load.warnings],
    principles: [],
    exitConditions: [],
  };
  const { seed, source: src, file } = load;
  if (!seed || !src) return out;
  const problem = (path: (string | number)[], code: string, message: string): Problem => ({
    file,
    ...locate(src, path),
    path: path.join("."),
    code,
    message,
  });

  const tree = buildAcTree(seed.acceptance_criteria);
  out.errors.push(...treeProblems(file, (i) => locate(src, ["acceptance_criteria", i]), tree.problems));
  if (tree.tree) out.tree = tree.tree;

  seed.acceptance_criteria.forEach((ac, i) => {
    if (ac.verify_command) {
      const p = staticCommandProblem(ac.verify_command);
      if (p) out.errors.push(problem(["acceptance_criteria", i, "verify_command"], "seed.verify_command", p));
    } else if (!ac.verify_exemption_reason) {
      const p = problem(
        ["acceptance_criteria", i],
        "seed.verify_gate",
        "no verify_command and no verify_exemption_reason: only the semantic judge can decide it",
      );
      (o.gate === "block" ? out.errors : out.warnings).push(p);
    }
  });

  const weights = normalizeWeights(seed.evaluation_principles);
  out.principles = weights.items.map((p) => ({ name: p.name, weight: p.weight, normalized: p.normalized }));
  if (weights.error) out.errors.push(problem(["evaluation_principles"], "seed.weights", weights.error));

  seed.exit_conditions.forEach((e, i) => {
    const parsed = parseExitCriteria(e.criteria);
    if (parsed.error) out.errors.push(problem(["exit_conditions", i, "criteria"], "seed.exit_condition", parsed.error));
    else
      out.exitConditions.push({
        name: e.name,
        kind: parsed.predicate!.kind,
        predicate: parsed.predicate!,
        mapped_from_words: parsed.worded ?? false,
      });
  });
  return out;
}

/**
 * Seed commands that can never run here (dry-run and a real run): a bare executable not on PATH,
 * or a project path that leaves the project through a symlink. A project path that does not exist
 * yet is a warning: the agent may create it.
 */
export function commandsRunnable(
  load: SeedLoad,
  seed: Seed,
  projectDir: string,
  pathVar?: string,
): { errors: Problem[]; warnings: Problem[] } {
  const res = { errors: [] as Problem[], warnings: [] as Problem[] };
  const src = load.source;
  if (!src) return res;
  const check = (command: string, path: (string | number)[]) => {
    if (staticCommandProblem(command)) return; // already reported by validateSeed
    const r = resolveExecutable(splitArgv(command)![0]!, projectDir, pathVar);
    if (r.ok) return;
    // The runner reports the very same message as the reason the check is unverifiable.
    const notYet = r.missing && /[/\\]/.test(splitArgv(command)![0]!);
    const p: Problem = {
      file: load.file,
      ...locate(src, path),
      path: path.join("."),
      code: notYet ? "warning.command_not_yet" : "seed.command_unrunnable",
      message: r.problem,
    };
    (notYet ? res.warnings : res.errors).push(p);
  };
  seed.acceptance_criteria.forEach((ac, i) => {
    if (ac.verify_command) check(ac.verify_command, ["acceptance_criteria", i, "verify_command"]);
  });
  seed.exit_conditions.forEach((e, i) => {
    const p = parseExitCriteria(e.criteria).predicate;
    if (p?.kind === "command")
      check(e.criteria.trim().replace(/^command\s*:\s*/, ""), ["exit_conditions", i, "criteria"]);
  });
  return res;
}
