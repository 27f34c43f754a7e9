/** Seed tools: validation (generation belongs to the interview group). */
import * as v from "valibot";
import { fail, ok } from "../../errors.ts";
import { defineTool, optStr } from "../tool.ts";

export const seedTools = [
  defineTool({
    name: "ouroboros_validate_seed",
    description:
      "Validate a seed (YAML) without running it: schema errors and warnings with line:col and field. Give seed_content or seed_path.",
    schema: v.strictObject({
      seed_content: optStr("the seed YAML text"),
      seed_path: optStr("path to a seed file (relative paths resolve against cwd)"),
      cwd: optStr("directory for a relative seed_path (default: the server's directory)"),
    }),
    async handler(a) {
      if ((a.seed_content === undefined) === (a.seed_path === undefined))
        return fail("badArgs", "ouroboros_validate_seed: give exactly one of 'seed_content' or 'seed_path'");
      const { loadSeedFile, parseSeedText } = await import("../../seed/load.ts");
      const { formatProblem } = await import("../../util/problems.ts");
      const { resolve } = await import("node:path");
      const file = a.seed_path !== undefined ? resolve(a.cwd ?? process.cwd(), a.seed_path) : "seed_content";
      const { validateSeed } = await import("../../seed/validate.ts");
      const r = a.seed_content !== undefined ? parseSeedText(file, a.seed_content) : loadSeedFile(file);
      // The same validator as `seed validate` and dry-run.
      const checked = validateSeed(r);
      return ok({
        valid: checked.errors.length === 0,
        file,
        seed_id: r.seed?.metadata.seed_id ?? null,
        goal: r.seed?.goal ?? null,
        acceptance_criteria: r.seed?.acceptance_criteria.length ?? null,
        errors: checked.errors.map(formatProblem),
        warnings: checked.warnings.map(formatProblem),
      });
    },
  }),
];
