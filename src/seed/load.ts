/**
 * Load a seed file: file checks → one YAML document → schema → semantic warnings.
 * Every problem is reported together with its line and column.
 */
import * as v from "valibot";
import { isMap } from "yaml";
import type { Problem } from "../util/problems.ts";
import { sortProblems } from "../util/problems.ts";
import { inputCap, readTextFile } from "../util/bounded-read.ts";
import { issuesToProblems, locate, parseYaml, type YamlSource } from "../util/yaml-source.ts";
import { KNOWN_TASK_TYPES, SeedSchema, TOP_LEVEL_KEYS, type Seed } from "./schema.ts";

/** Seeds are small (≤ 1 MB); OUROBOROS_MAX_SEED_BYTES overrides. */
export const maxSeedBytes = () => inputCap("seed");

export interface SeedLoad {
  file: string;
  seed?: Seed;
  /** Raw parsed YAML (kept for re-saving extra keys and for positions). */
  source?: YamlSource;
  errors: Problem[];
  warnings: Problem[];
}

export function loadSeedFile(file: string): SeedLoad {
  const text = readTextFile(file, maxSeedBytes());
  if (!text.ok)
    return {
      file,
      errors: [{ file, line: 1, col: 1, path: "", code: text.error.code, message: text.error.message }],
      warnings: [],
    };
  return parseSeedText(file, text.value);
}

export function parseSeedText(file: string, text: string): SeedLoad {
  // Inline seed text (MCP seed_content) gets the same cap as a seed file.
  const size = Buffer.byteLength(text);
  if (size > maxSeedBytes())
    return {
      file,
      errors: [
        {
          file,
          line: 1,
          col: 1,
          path: "",
          code: "file.too_large",
          message: `seed is ${size} bytes, the limit is ${maxSeedBytes()} bytes`,
        },
      ],
      warnings: [],
    };
  const { source, problems } = parseYaml(file, text);
  if (!source) return { file, errors: problems, warnings: [] };
  if (!isMap(source.doc.contents)) {
    const what =
      source.data === null || source.data === undefined
        ? "no content (only comments?)"
        : Array.isArray(source.data)
          ? "a list"
          : "a scalar";
    return {
      file,
      source,
      errors: [
        {
          file,
          line: 1,
          col: 1,
          path: "",
          code: "seed.not_mapping",
          message: `a seed must be a mapping, found ${what}`,
        },
      ],
      warnings: [],
    };
  }
  const parsed = v.safeParse(SeedSchema, source.data);
  const errors = parsed.success ? [] : issuesToProblems(source, parsed.issues, "seed");
  const warnings = semanticWarnings(source, parsed.success ? parsed.output : undefined);
  return {
    file,
    source,
    seed: parsed.success ? parsed.output : undefined,
    errors: sortProblems(errors),
    warnings: sortProblems(warnings),
  };
}

function editDistance(a: string, b: string): number {
  const dp = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0]!;
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j]!;
      dp[j] = Math.min(dp[j]! + 1, dp[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return dp[b.length]!;
}

export function nearestKey(key: string, known: readonly string[]): string | null {
  let best: string | null = null;
  let bestD = Infinity;
  for (const k of known) {
    const d = editDistance(key.toLowerCase(), k);
    if (d < bestD) [best, bestD] = [k, d];
  }
  return bestD <= Math.max(2, Math.floor(key.length / 4)) ? best : null;
}

function semanticWarnings(src: YamlSource, seed: Seed | undefined): Problem[] {
  const out: Problem[] = [];
  const warn = (path: (string | number)[], code: string, message: string, atKey = false) => {
    const pos = locate(src, path, atKey);
    out.push({ file: src.file, line: pos.line, col: pos.col, path: path.join("."), code: `warning.${code}`, message });
  };
  const raw = src.data as Record<string, unknown>;
  for (const key of Object.keys(raw)) {
    if (TOP_LEVEL_KEYS.includes(key)) continue;
    const near = nearestKey(key, TOP_LEVEL_KEYS);
    if (near) warn([key], "unknown_key", `unknown key; did you mean '${near}'?`, true);
  }
  if (!seed) return out;
  if (seed.goal.trim() === "") warn(["goal"], "blank_goal", "goal is only whitespace");
  if (!KNOWN_TASK_TYPES.includes(seed.task_type))
    warn(["task_type"], "task_type", `unknown task_type '${seed.task_type}'; valid: ${KNOWN_TASK_TYPES.join(", ")}`);
  const pt = seed.brownfield_context.project_type;
  if (pt !== "greenfield" && pt !== "brownfield")
    warn(
      ["brownfield_context", "project_type"],
      "project_type",
      `project_type should be greenfield or brownfield, not '${pt}'`,
    );
  seed.brownfield_context.context_references.forEach((r, i) => {
    if (r.role !== "primary" && r.role !== "reference")
      warn(
        ["brownfield_context", "context_references", i, "role"],
        "role",
        `role should be primary or reference, not '${r.role}'`,
      );
  });
  if (seed.acceptance_criteria.length === 0)
    warn(["acceptance_criteria"], "no_acs", "no acceptance criteria: the run will do nothing");
  const firstAt = new Map<string, number>();
  seed.acceptance_criteria.forEach((ac, i) => {
    if (ac.description === "")
      warn(["acceptance_criteria", i], "empty_ac", "acceptance criterion has an empty description");
    const prev = firstAt.get(ac.semantic_ac_key);
    if (prev !== undefined)
      warn(
        ["acceptance_criteria", i],
        "duplicate_ac",
        `duplicates acceptance criterion ${prev + 1} (same semantic key ${ac.semantic_ac_key})`,
      );
    else firstAt.set(ac.semantic_ac_key, i);
  });
  return out;
}
