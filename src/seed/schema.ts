/**
 * The seed YAML schema. Accepts upstream's input shapes (bare strings, aliases
 * `field_type` / `evaluation_criteria`, "0.3" numbers) and outputs one normalised form.
 */
import * as v from "valibot";
import { acSemanticKey } from "./ids.ts";
import { artifactPathProblem, splitArtifacts } from "./artifacts.ts";

const text = () => v.pipe(v.string(), v.minLength(1, "must not be empty"));
const strList = () => v.optional(v.array(v.string()), []);
/** Lax number: 0.3 or "0.3" (upstream coerces numeric strings). */
const laxNumber = (min: number, max: number) =>
  v.pipe(
    v.union(
      [v.number(), v.pipe(v.string(), v.regex(/^\s*-?\d+(\.\d+)?\s*$/, "expected a number"), v.transform(Number))],
      "expected a number",
    ),
    v.number(),
    v.minValue(min, `must be between ${min} and ${max}`),
    v.maxValue(max, `must be between ${min} and ${max}`),
  );
const level = v.picklist(["low", "medium", "high"]);
const isNone = (s: unknown) =>
  s === null || s === undefined || (typeof s === "string" && (s.trim() === "" || s.trim().toUpperCase() === "NONE"));
const TRIVIAL_ASSERTION = /^\s*(exit\s*(code)?\s*0|success(ful)?|passes|pass(ed)?|no errors?|ok)\s*\.?\s*$/i;

const AcObject = v.pipe(
  v.looseObject({
    description: v.optional(v.string()),
    criterion: v.optional(v.string()),
    content: v.optional(v.string()),
    semantic_ac_key: v.optional(v.pipe(v.string(), v.regex(/^ac_[a-f0-9]{16}$/, "must match ac_<16 hex>"))),
    verify_command: v.optional(
      v.nullable(
        v.pipe(
          v.string(),
          v.check((s) => !s.includes("\n"), "must be a single line"),
        ),
      ),
    ),
    expected_artifacts: v.optional(v.nullable(v.union([v.string(), v.array(v.string())], "expected a list of paths"))),
    output_assertion: v.optional(v.nullable(v.string())),
    verify_exemption_reason: v.optional(v.nullable(v.string())),
    investment: v.optional(
      v.object({
        difficulty: v.optional(level),
        stakes: v.optional(level),
        provenance: v.optional(v.picklist(["declared", "measured", "inferred", "absent"]), "declared"),
        confidence: v.optional(level, "low"),
      }),
    ),
    depends_on: v.optional(
      v.array(
        v.union([v.pipe(v.number(), v.integer(), v.minValue(1)), v.string()]),
        "expected a list of AC numbers or keys",
      ),
      [],
    ),
  }),
  v.forward(
    v.check((o) => typeof (o.description ?? o.criterion ?? o.content) === "string", "required field is missing"),
    ["description"],
  ),
  v.forward(
    v.check((o) => isNone(o.output_assertion) || !isNone(o.verify_command), "output_assertion requires verify_command"),
    ["output_assertion"],
  ),
  v.forward(
    v.check(
      (o) => isNone(o.verify_exemption_reason) || isNone(o.verify_command),
      "verify_exemption_reason is mutually exclusive with verify_command",
    ),
    ["verify_exemption_reason"],
  ),
  v.forward(
    v.check(
      (o) => splitArtifacts(o.expected_artifacts).every((p) => artifactPathProblem(p) === null),
      (issue) => {
        const o = issue.input as { expected_artifacts?: string | string[] | null };
        const bad = splitArtifacts(o.expected_artifacts).find((p) => artifactPathProblem(p) !== null)!;
        return `expected_artifacts entries must be portable workspace-relative paths: '${bad}': ${artifactPathProblem(bad)}`;
      },
    ),
    ["expected_artifacts"],
  ),
  v.forward(
    v.check((o) => splitArtifacts(o.expected_artifacts).length <= 253, "at most 253 expected_artifacts"),
    ["expected_artifacts"],
  ),
);

export const AcSchema = v.pipe(
  v.union([v.string(), AcObject], "expected a string or an object with a description"),
  v.transform((raw) => {
    type RawAc = Exclude<typeof raw, string>;
    const o: Partial<RawAc> = typeof raw === "string" ? { description: raw } : raw;
    const description = String(o.description ?? o.criterion ?? o.content ?? "").trim();
    const verify_command = isNone(o.verify_command) ? null : (o.verify_command as string).trim();
    const assertion =
      isNone(o.output_assertion) || TRIVIAL_ASSERTION.test(String(o.output_assertion))
        ? null
        : (o.output_assertion as string);
    const expected_artifacts = splitArtifacts(typeof raw === "string" ? null : raw.expected_artifacts);
    const base = { description, expected_artifacts, output_assertion: assertion, verify_command };
    return {
      ...base,
      semantic_ac_key: (typeof raw === "string" ? undefined : raw.semantic_ac_key) ?? acSemanticKey(base),
      verify_exemption_reason:
        typeof raw === "string" || isNone(raw.verify_exemption_reason) ? null : (raw.verify_exemption_reason as string),
      investment: typeof raw === "string" ? null : (raw.investment ?? null),
      depends_on: typeof raw === "string" ? [] : (raw.depends_on ?? []),
    };
  }),
);
export type AcceptanceCriterion = v.InferOutput<typeof AcSchema>;

const FieldSchema = v.pipe(
  v.object({
    name: text(),
    type: v.optional(text()),
    field_type: v.optional(text()),
    description: text(),
    required: v.optional(v.boolean(), true),
  }),
  v.forward(
    v.check((f) => f.type !== undefined || f.field_type !== undefined, "required field is missing"),
    ["type"],
  ),
  v.transform((f) => ({
    name: f.name,
    type: (f.type ?? f.field_type)!,
    description: f.description,
    required: f.required,
  })),
);

const PrincipleSchema = v.union(
  [v.string(), v.object({ name: text(), description: text(), weight: v.optional(laxNumber(0, 1), 1) })],
  "expected a string or {name, description, weight}",
);

const ExitObject = v.pipe(
  v.object({
    name: text(),
    description: text(),
    criteria: v.optional(text()),
    evaluation_criteria: v.optional(text()),
  }),
  v.forward(
    v.check((e) => e.criteria !== undefined || e.evaluation_criteria !== undefined, "required field is missing"),
    ["criteria"],
  ),
);
const ExitSchema = v.union([v.string(), ExitObject], "expected a string or {name, description, criteria}");

/** valibot's object() also accepts a list; a seed section must be a mapping. */
const mapping = <T extends v.GenericSchema>(schema: T) =>
  v.pipe(
    v.custom<unknown>((x) => typeof x === "object" && x !== null && !Array.isArray(x), "expected a mapping"),
    schema,
  );

const dateLike = v.union([v.string(), v.date()], "expected an ISO-8601 date-time");

export const SeedSchema = v.pipe(
  v.looseObject({
    goal: v.pipe(v.string("expected a string"), v.minLength(1, "must not be empty")),
    task_type: v.optional(v.string(), "code"),
    brownfield_context: v.optional(
      mapping(
        v.object({
          project_type: v.optional(v.string(), "greenfield"),
          context_references: v.optional(
            v.array(v.object({ path: text(), role: text(), summary: v.optional(v.string(), "") })),
            [],
          ),
          existing_patterns: strList(),
          existing_dependencies: strList(),
          target_dir: v.optional(v.string()),
        }),
      ),
      {},
    ),
    constraints: v.optional(v.array(v.string(), "expected a list of strings"), []),
    acceptance_criteria: v.optional(v.nullable(v.array(AcSchema, "expected a list")), []),
    ontology_schema: mapping(
      v.object({
        name: text(),
        description: text(),
        fields: v.optional(v.nullable(v.array(FieldSchema)), []),
      }),
    ),
    evaluation_principles: v.optional(v.nullable(v.array(PrincipleSchema, "expected a list")), []),
    exit_conditions: v.optional(v.nullable(v.array(ExitSchema, "expected a list")), []),
    metadata: mapping(
      v.object({
        seed_id: v.optional(v.string()),
        version: v.optional(v.string(), "1.0.0"),
        created_at: v.optional(dateLike),
        ambiguity_score: v.optional(laxNumber(0, 1), 0.15),
        interview_id: v.optional(v.nullable(v.string())),
        parent_seed_id: v.optional(v.nullable(v.string())),
        recovery_reason: v.optional(v.nullable(v.string()), null),
        generation_mode: v.optional(v.string(), "normal"),
        degraded: v.optional(v.boolean(), false),
        unresolved_slots: v.optional(v.array(v.string()), []),
        project_dir: v.optional(v.string()),
        working_directory: v.optional(v.string()),
      }),
    ),
    orchestrator: v.optional(
      mapping(
        v.object({
          max_decomposition_depth: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
          execution_mode: v.optional(v.picklist(["fat_harness", "legacy"]), "fat_harness"),
        }),
      ),
      {},
    ),
    conductor_directive: v.optional(v.record(v.string(), v.unknown(), "must be an object")),
  }),
  v.transform((s) => {
    const { goal, task_type, brownfield_context, constraints, ontology_schema, metadata, orchestrator, ...rest } = s;
    const principles = (s.evaluation_principles ?? []).map((p, i) =>
      typeof p === "string" ? { name: `principle_${i + 1}`, description: p, weight: 1 } : p,
    );
    const exits = (s.exit_conditions ?? []).map((e, i) =>
      typeof e === "string"
        ? { name: `condition_${i + 1}`, description: e, criteria: e }
        : { name: e.name, description: e.description, criteria: (e.criteria ?? e.evaluation_criteria)! },
    );
    const created =
      metadata.created_at instanceof Date
        ? metadata.created_at.toISOString()
        : (metadata.created_at ?? new Date().toISOString());
    const extra = Object.fromEntries(
      Object.entries(rest).filter(
        ([k]) => !["acceptance_criteria", "evaluation_principles", "exit_conditions"].includes(k),
      ),
    );
    return {
      goal,
      task_type,
      brownfield_context,
      constraints,
      acceptance_criteria: s.acceptance_criteria ?? [],
      ontology_schema: { ...ontology_schema, fields: ontology_schema.fields ?? [] },
      evaluation_principles: principles,
      exit_conditions: exits,
      metadata: {
        ...metadata,
        seed_id: metadata.seed_id ?? `seed_${crypto.randomUUID().replace(/-/g, "").slice(0, 12)}`,
        created_at: created,
      },
      orchestrator,
      extra,
    };
  }),
);

export type Seed = v.InferOutput<typeof SeedSchema>;
export type EvaluationPrinciple = Seed["evaluation_principles"][number];
export type ExitCondition = Seed["exit_conditions"][number];

export const KNOWN_TASK_TYPES = [
  "code",
  "research",
  "analysis",
  "artifact",
  "document",
  "documentation",
  "presentation",
];
export const TOP_LEVEL_KEYS = [
  "goal",
  "task_type",
  "brownfield_context",
  "constraints",
  "acceptance_criteria",
  "ontology_schema",
  "evaluation_principles",
  "exit_conditions",
  "metadata",
  "orchestrator",
  "conductor_directive",
];
