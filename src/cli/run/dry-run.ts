/** The dry-run report: everything a real run needs, checked with no model call and no writes. */
import { loadConfig } from "../../config/load.ts";
import { executionModel } from "../../config/models.ts";
import type { Tier } from "../../config/schema.ts";
import { EXIT, unwrap } from "../../errors.ts";
import { buildPlan, plannedPhases, type Plan } from "../../pipeline/plan.ts";
import { resolveBinary, runtimeVersion } from "../../runtime/binary.ts";
import { findDescriptor } from "../../runtime/descriptors.ts";
import { selectRuntime, type RuntimeChoice } from "../../runtime/selection.ts";
import { formatProblem } from "../../util/problems.ts";
import { log, out, outJson, table } from "../output.ts";
import { plural } from "../../util/plural.ts";

/** Whether the chosen runtime's CLI is installed, where, and which version. */
interface RuntimeProbe {
  found: boolean;
  binary: string | null;
  binary_source: "env" | "config" | "PATH" | "declared" | null;
  version: string | null;
  /** Runtimes declared in $OUROBOROS_HOME/runtimes/: the file. */
  declared_in?: string;
}

export interface DryRunReport {
  plan: Plan;
  runtime: (RuntimeChoice & RuntimeProbe) | null;
  runtimeError: string | null;
  /** The model each AC's first attempt runs with (null = the CLI's default), by AC id. */
  models: Record<string, string | null>;
  exit: number;
}

export function dryRun(args: Record<string, unknown>): DryRunReport {
  const config = unwrap(loadConfig());
  const plan = buildPlan({
    seedFile: String(args.seed),
    config,
    env: process.env,
    projectDirFlag: args["project-dir"] as string | undefined,
    depthFlag: args["max-decomposition-depth"] as string | undefined,
    strict: Boolean(args.strict),
    maxCostUsd: args["max-cost-usd"] !== undefined ? Number(args["max-cost-usd"]) : undefined,
    timeoutSeconds: args.timeout !== undefined ? Number(args.timeout) : undefined,
  });
  const choice = selectRuntime(args.runtime as string | undefined, process.env, config);
  let runtime: DryRunReport["runtime"] = null;
  let runtimeError: string | null = null;
  if (!choice.ok) runtimeError = `${choice.error.message} (${choice.error.hint})`;
  else {
    const d = unwrap(findDescriptor(choice.value.name));
    const bin = resolveBinary(d, process.env, config.config);
    runtime = {
      ...choice.value,
      found: bin !== null,
      binary: bin?.path ?? null,
      binary_source: bin?.source ?? null,
      version: bin ? runtimeVersion(bin.path, d.versionArgs) : null,
      ...(d.declaredIn ? { declared_in: d.declaredIn } : {}),
    };
    if (!bin)
      runtimeError = `${choice.value.name} CLI '${d.binary}' not found${d.binary.includes("/") ? "" : " on PATH"} (runtime from ${choice.value.source})`;
  }
  const exit = plan.errors.length
    ? EXIT.invalidData
    : plan.setupErrors.length
      ? EXIT.badArgs
      : runtimeError
        ? choice.ok
          ? EXIT.runtimeUnavailable
          : EXIT[choice.error.kind]
        : EXIT.ok;
  const models = Object.fromEntries(
    plan.acs.map((a) => [a.ac_id, choice.ok ? executionModel(config.config, choice.value.name, a.tier as Tier) : null]),
  );
  return { plan, runtime, runtimeError, models, exit };
}

export function printJson(r: DryRunReport): void {
  const { plan } = r;
  outJson("dry-run", {
    ok: r.exit === 0,
    seed: { path: plan.load.file, seed_id: plan.seed?.metadata.seed_id ?? null, goal: plan.seed?.goal ?? null },
    errors: plan.errors,
    warnings: plan.warnings,
    setup_errors: [...plan.setupErrors, ...(r.runtimeError ? [r.runtimeError] : [])],
    acs: plan.acs.map((a) => ({ ...a, model: r.models[a.ac_id] ?? null })),
    levels: plan.tree?.levels ?? [],
    principles: plan.principles,
    exit_conditions: plan.exitConditions,
    budgets: plan.budgets,
    runtime: r.runtime,
    project_dir: plan.projectDir ?? null,
    max_decomposition_depth: plan.depth ?? null,
    phases: plannedPhases(),
  });
}

export function printHuman(r: DryRunReport): void {
  const { plan } = r;
  for (const p of plan.warnings) log.warn(formatProblem(p));
  if (plan.seed) {
    out(`seed     ${plan.load.file}  (${plan.seed.metadata.seed_id})`);
    out(`goal     ${plan.seed.goal}`);
  }
  if (r.runtime)
    out(
      `runtime  ${r.runtime.name} (from ${r.runtime.source})  ${r.runtime.binary ?? "not found"}  ${r.runtime.version ?? ""}`,
    );
  if (plan.projectDir) out(`project  ${plan.projectDir.path} (from ${plan.projectDir.source})`);
  if (plan.depth) out(`depth    max decomposition depth ${plan.depth.value} (from ${plan.depth.source})`);
  out(
    `phases   ${plannedPhases()
      .map((p) => p.phase)
      .join(" → ")}  (planned)`,
  );
  if (plan.acs.length)
    out(
      table(
        ["#", "AC id", "level", "tier", "score", "verify", "description"],
        plan.acs.map((a) => [
          a.display_path,
          a.ac_id,
          a.level,
          a.tier,
          a.score,
          a.verify_command ?? "-",
          a.description,
        ]),
        { drop: ["score", "level", "verify"], whole: ["#", "AC id"] },
      ),
    );
  if (plan.principles.length)
    out(
      table(
        ["principle", "weight", "normalised"],
        plan.principles.map((p) => [p.name, p.weight, p.normalized]),
      ),
    );
  if (plan.exitConditions.length)
    out(
      table(
        ["exit condition", "kind", "predicate"],
        plan.exitConditions.map((e) => [
          e.name,
          e.kind,
          `${JSON.stringify(e.predicate)}${e.mapped_from_words ? " (from words, no model call)" : ""}`,
        ]),
      ),
    );
  const b = plan.budgets;
  out(
    `budgets  cost $${b.max_cost_usd}, timeout ${b.timeout_seconds}s, turns ${b.max_turns_per_ac} per AC / ${b.max_turns_per_session} per session`,
  );
  for (const p of plan.errors) process.stderr.write(`${formatProblem(p)}\n`);
  for (const e of plan.setupErrors) process.stderr.write(`error: ${e}\n`);
  if (r.runtimeError) process.stderr.write(`error: ${r.runtimeError}\n`);
  if (r.exit === 0) log.success("dry-run: the run could start");
  else
    process.stderr.write(
      `error: dry-run found ${plural(plan.errors.length + plan.setupErrors.length + (r.runtimeError ? 1 : 0), "problem")}; the run could not start\n`,
    );
}
