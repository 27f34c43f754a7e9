/** `ouroboros seed validate <file>... [--json] [--strict]` */
import { defineCommand } from "citty";
import { EXIT } from "../../errors.ts";
import { loadSeedFile } from "../../seed/load.ts";
import { buildAcTree, treeProblems } from "../../seed/tree.ts";
import { formatProblem, type Problem } from "../../util/problems.ts";
import { locate } from "../../util/yaml-source.ts";
import { exitCode, log, out, outJson } from "../output.ts";
import { plural } from "../../util/plural.ts";

export interface SeedReport {
  file: string;
  ok: boolean;
  seed_id: string | null;
  ac_count: number;
  errors: Problem[];
  warnings: Problem[];
}

/** Full static check of one seed file: schema, warnings, dependency graph. */
export function checkSeed(file: string, strict: boolean): SeedReport {
  const load = loadSeedFile(file);
  const errors = [...load.errors];
  if (load.seed && load.source) {
    const tree = buildAcTree(load.seed.acceptance_criteria);
    const src = load.source;
    errors.push(...treeProblems(file, (i) => locate(src, ["acceptance_criteria", i]), tree.problems));
  }
  if (strict) errors.push(...load.warnings);
  return {
    file,
    ok: errors.length === 0,
    seed_id: load.seed?.metadata.seed_id ?? null,
    ac_count: load.seed?.acceptance_criteria.length ?? 0,
    errors,
    warnings: strict ? [] : load.warnings,
  };
}

const validate = defineCommand({
  meta: { name: "validate", description: "Validate seed files; report every problem with file:line:col" },
  args: {
    files: { type: "positional", valueHint: "file...", description: "seed YAML files", required: true },
    json: { type: "boolean", description: "print one JSON document" },
    strict: { type: "boolean", description: "treat warnings as errors" },
  },
  run({ args }) {
    const files = args._.length ? args._ : [args.files];
    const reports = files.map((f) => checkSeed(String(f), Boolean(args.strict)));
    const allOk = reports.every((r) => r.ok);
    if (args.json) outJson("seed-validate", { ok: allOk, files: reports });
    else {
      for (const r of reports) {
        for (const p of r.errors) out(formatProblem(p));
        for (const p of r.warnings) log.warn(formatProblem(p));
        if (r.ok) log.success(`${r.file}: valid (${plural(r.ac_count, "acceptance criterion", "acceptance criteria")})`);
      }
      if (!allOk) {
        const n = reports.reduce((s, r) => s + r.errors.length, 0);
        process.stderr.write(`error: ${plural(n, "problem")} in ${plural(reports.filter((r) => !r.ok).length, "seed file")}\n`);
      }
    }
    return exitCode(allOk ? EXIT.ok : EXIT.invalidData);
  },
});

export default defineCommand({
  meta: { name: "seed", description: "Work with seed files" },
  subCommands: { validate },
});
