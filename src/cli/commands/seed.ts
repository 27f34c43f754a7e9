/** `ouroboros seed validate <file>... [--json] [--strict]` */
import { defineCommand } from "citty";
import { EXIT } from "../../errors.ts";
import { loadSeedFile } from "../../seed/load.ts";
import { validateSeed } from "../../seed/validate.ts";
import { loadConfig } from "../../config/load.ts";
import { formatProblem, sortProblems, type Problem } from "../../util/problems.ts";
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

/**
 * Full static check of one seed file — the same validator as dry-run and a real run
 * (src/seed/validate.ts), with the configured verify-command gate when the config loads.
 */
export function checkSeed(file: string, strict: boolean): SeedReport {
  const load = loadSeedFile(file);
  const config = loadConfig();
  const checked = validateSeed(load, { gate: config.ok ? config.value.config.seed.verify_command_gate : "warn" });
  const errors = sortProblems([...checked.errors, ...(strict ? checked.warnings : [])]);
  return {
    file,
    ok: errors.length === 0,
    seed_id: load.seed?.metadata.seed_id ?? null,
    ac_count: load.seed?.acceptance_criteria.length ?? 0,
    errors,
    warnings: strict ? [] : checked.warnings,
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
        if (r.ok)
          log.success(`${r.file}: valid (${plural(r.ac_count, "acceptance criterion", "acceptance criteria")})`);
      }
      if (!allOk) {
        const n = reports.reduce((s, r) => s + r.errors.length, 0);
        process.stderr.write(
          `error: ${plural(n, "problem")} in ${plural(reports.filter((r) => !r.ok).length, "seed file")}\n`,
        );
      }
    }
    return exitCode(allOk ? EXIT.ok : EXIT.invalidData);
  },
});

export default defineCommand({
  meta: { name: "seed", description: "Work with seed files" },
  subCommands: { validate },
});
