/**
 * The seed generator's reply format: one `KEY: value` line per field, JSON
 * for lists. Parsing is strict — any stray line is an error the repair loop sends back.
 */
import { fail, ok, type Result } from "../errors.ts";

const KEYS = [
  "GOAL",
  "CONSTRAINTS",
  "ACCEPTANCE_CRITERIA",
  "ONTOLOGY_NAME",
  "ONTOLOGY_DESCRIPTION",
  "ONTOLOGY_FIELDS",
  "EVALUATION_PRINCIPLES",
  "EXIT_CONDITIONS",
  "PROJECT_TYPE",
  "CONTEXT_REFERENCES",
  "EXISTING_PATTERNS",
  "EXISTING_DEPENDENCIES",
] as const;
type Key = (typeof KEYS)[number];
const JSON_KEYS = new Set<Key>([
  "CONSTRAINTS",
  "ACCEPTANCE_CRITERIA",
  "ONTOLOGY_FIELDS",
  "EVALUATION_PRINCIPLES",
  "EXIT_CONDITIONS",
  "CONTEXT_REFERENCES",
  "EXISTING_PATTERNS",
  "EXISTING_DEPENDENCIES",
]);
const REQUIRED: Key[] = ["GOAL", "ONTOLOGY_NAME", "ONTOLOGY_DESCRIPTION", "ACCEPTANCE_CRITERIA"];

const obj = (x: unknown): Record<string, unknown> =>
  x && typeof x === "object" && !Array.isArray(x) ? (x as Record<string, unknown>) : {};
const arr = (x: unknown): unknown[] => (Array.isArray(x) ? x : []);
const isNone = (x: unknown) =>
  x === null || x === undefined || (typeof x === "string" && (x.trim() === "" || x.trim().toUpperCase() === "NONE"));

/** Strip code fences and a chatty preamble before the first KEY line. */
function body(text: string): string[] {
  const lines = text.replace(/```[a-z]*\n?/gi, "").split(/\r?\n/);
  const first = lines.findIndex((l) => /^[A-Z_]+:/.test(l.trim()));
  return first < 0 ? lines : lines.slice(first);
}

/** Parse the reply into the fields; every problem is listed, not just the first. */
export function parseSeedReply(text: string): Result<Partial<Record<Key, unknown>>> {
  const out: Partial<Record<Key, unknown>> = {};
  const problems: string[] = [];
  body(text).forEach((raw, i) => {
    const line = raw.trim();
    if (!line) return;
    const m = /^([A-Z_]+):\s?(.*)$/.exec(line);
    if (!m || !(KEYS as readonly string[]).includes(m[1]!)) {
      problems.push(`line ${i + 1}: not a known KEY: value line: ${line.slice(0, 80)}`);
      return;
    }
    const key = m[1] as Key;
    const value = m[2]!.trim();
    if (!JSON_KEYS.has(key)) {
      out[key] = value;
      return;
    }
    try {
      out[key] = JSON.parse(value);
    } catch (e) {
      problems.push(`${key}: not valid one-line JSON (${(e as Error).message})`);
    }
  });
  for (const k of REQUIRED) if (out[k] === undefined || out[k] === "") problems.push(`${k} is missing`);
  if (out.ACCEPTANCE_CRITERIA !== undefined && arr(out.ACCEPTANCE_CRITERIA).length === 0)
    problems.push("ACCEPTANCE_CRITERIA must be a non-empty JSON array");
  return problems.length ? fail("invalidData", "the seed reply could not be parsed", { details: problems }) : ok(out);
}

const clamp01 = (n: unknown) => (typeof n === "number" && Number.isFinite(n) ? Math.min(1, Math.max(0, n)) : n);

/** Map the parsed fields onto the seed YAML shape (the schema validates it afterwards). */
export function seedObject(f: Partial<Record<Key, unknown>>, meta: Record<string, unknown>): Record<string, unknown> {
  const acs = arr(f.ACCEPTANCE_CRITERIA).map((raw) => {
    if (typeof raw === "string") return raw;
    const a = obj(raw);
    const verify = isNone(a.verify) ? null : a.verify;
    return {
      description: a.description,
      ...(verify !== null
        ? { verify_command: verify }
        : { verify_exemption_reason: isNone(a.exempt) ? "not mechanically verifiable" : a.exempt }),
      ...(arr(a.artifacts).length ? { expected_artifacts: a.artifacts } : {}),
      ...(verify !== null && !isNone(a.expect) ? { output_assertion: a.expect } : {}),
    };
  });
  const brown = f.PROJECT_TYPE === "brownfield";
  return {
    goal: f.GOAL,
    constraints: f.CONSTRAINTS ?? [],
    acceptance_criteria: acs,
    ontology_schema: { name: f.ONTOLOGY_NAME, description: f.ONTOLOGY_DESCRIPTION, fields: f.ONTOLOGY_FIELDS ?? [] },
    evaluation_principles: arr(f.EVALUATION_PRINCIPLES).map((p) =>
      typeof p === "object" && p ? { ...obj(p), weight: clamp01(obj(p).weight ?? 1) } : p,
    ),
    exit_conditions: f.EXIT_CONDITIONS ?? [],
    ...(brown
      ? {
          brownfield_context: {
            project_type: "brownfield",
            context_references: f.CONTEXT_REFERENCES ?? [],
            existing_patterns: f.EXISTING_PATTERNS ?? [],
            existing_dependencies: f.EXISTING_DEPENDENCIES ?? [],
          },
        }
      : {}),
    metadata: meta,
  };
}
