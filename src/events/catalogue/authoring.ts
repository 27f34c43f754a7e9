/** Events outside a pipeline run: interviews, seeds, the `ooo` skill tools, `auto`. */
import * as v from "valibot";
import { evolutionKind, loose, opt, optSid, sid, strings } from "./fields.ts";

export const AUTHORING_EVENTS = {
  // Interview (aggregate "interview", id = interview id).
  "interview.started": loose({
    interview_id: v.string(),
    initial_context: v.string(),
    is_brownfield: opt(v.boolean()),
    codebase_paths: opt(v.array(loose({ path: v.string(), role: v.string() }))),
    codebase_context: opt(v.string()),
    persona: opt(v.picklist(["socratic", "pm"])),
    /** Who drives it: absent = `init`, "mcp", or "auto" (then `auto_id` says which run). */
    mode: opt(v.picklist(["mcp", "auto"])),
    auto_id: opt(v.string()),
    llm_backend: opt(v.string()),
  }),
  "interview.response.recorded": loose({
    interview_id: v.string(),
    round_number: v.number(),
    question: opt(v.string()),
    user_response: opt(v.string()),
    provenance: opt(v.picklist(["user", "observation", "model"])),
    skipped: opt(v.boolean()),
    timestamp: opt(v.string()),
  }),
  "interview.completed": loose({
    interview_id: v.string(),
    total_rounds: v.number(),
    ambiguity_score: opt(v.nullable(v.number())),
    /** Completed before the ambiguity gate passed. */
    forced: opt(v.boolean()),
  }),
  "interview.failed": loose({ interview_id: v.string(), error: v.string() }),
  "interview.question.asked": loose({ interview_id: v.string(), round_number: v.number(), question: v.string() }),
  "interview.response.undone": loose({ interview_id: v.string(), round_number: v.number() }),
  "interview.ambiguity.scored": loose({
    interview_id: v.string(),
    round_number: v.number(),
    ambiguity: v.looseObject({ ambiguity_score: v.number(), ready: v.boolean() }),
  }),
  "seed.repair.attempted": loose({
    seed_id: v.string(),
    round: v.number(),
    errors: v.array(v.string()),
    interview_id: opt(v.string()),
  }),
  "seed.generation.failed": loose({
    error: v.string(),
    errors: v.optional(v.array(v.string())),
    interview_id: opt(v.string()),
  }),

  // What the `ooo` skill tools record: drift (session), lateral / qa / brownfield / evolution job /
  // OpenCode bridge delegation aggregates.
  "drift.measured": loose({
    ...sid,
    status: v.picklist(["measured", "unverifiable"]),
    drift_score: v.nullable(v.number()),
    reasons: v.array(v.string()),
    components: opt(v.nullable(loose({ goal: v.number(), constraints: v.number(), ontology: v.number() }))),
    weights: opt(v.record(v.string(), v.number())),
    /** What was checked without a model: AC counts, missing artefacts, the workspace kind. */
    observed: opt(v.record(v.string(), v.unknown())),
  }),
  "lateral.think.started": loose({
    lateral_id: v.string(),
    ...optSid,
    personas: v.array(v.string()),
    pattern: v.string(),
    problem_context: opt(v.string()),
    current_approach: opt(v.string()),
  }),
  "lateral.think.completed": loose({
    lateral_id: v.string(),
    ...optSid,
    alternatives: v.array(v.unknown()),
    failures: opt(strings),
  }),
  "lateral.think.failed": loose({
    lateral_id: v.string(),
    ...optSid,
    failures: v.array(v.string()),
    alternatives: opt(v.array(v.unknown())),
  }),
  "qa.started": loose({
    qa_id: v.string(),
    ...optSid,
    artifact_kind: v.string(),
    pass_threshold: v.number(),
    artifact_path: opt(v.nullable(v.string())),
    quality_bar: opt(v.string()),
  }),
  "qa.verdict.recorded": loose({
    qa_id: v.string(),
    ...optSid,
    verdict: v.picklist(["pass", "fail", "unverifiable"]),
    score: v.nullable(v.number()),
    pass_threshold: opt(v.number()),
    weighted: opt(v.nullable(v.number())),
    principles: opt(v.array(v.unknown())),
    reasons: opt(strings),
    reasoning: opt(v.string()),
    artifact: opt(loose({ kind: v.string(), path: v.nullable(v.string()), truncated: v.boolean() })),
  }),
  "brownfield.scanned": loose({
    path: v.string(),
    languages: v.array(v.unknown()),
    context: v.string(),
    manifests: opt(strings),
    build_commands: opt(strings),
    test_commands: opt(strings),
    layout: opt(strings),
    files_scanned: opt(v.number()),
  }),
  "brownfield.default.set": loose({ path: v.string() }),
  "evolution.job.started": loose({
    ...sid,
    evolution_id: v.string(),
    kind: evolutionKind,
    from_generation: v.number(),
    last_generation: opt(v.number()),
    failing: opt(strings),
    max_total_seconds: opt(v.nullable(v.number())),
    per_iteration_timeout_seconds: opt(v.nullable(v.number())),
    runtime: opt(v.string()),
  }),
  "evolution.job.completed": loose({
    ...sid,
    evolution_id: v.string(),
    kind: opt(evolutionKind),
    outcome: v.string(),
    generation: v.number(),
  }),
  "evolution.job.failed": loose({ ...sid, evolution_id: v.string(), kind: opt(evolutionKind), error: v.string() }),
  "subagent.dispatched": loose({ request_id: v.string(), tool_name: v.string(), reply_file: v.string() }),
  "subagent.completed": loose({ request_id: v.string(), tool_name: v.string(), chars: opt(v.number()) }),

  // `auto` (aggregate "auto", id = auto id): interview → seed → repair → run hand-off.
  "auto.started": loose({
    auto_id: v.string(),
    goal: v.string(),
    runtime: v.string(),
    deadline: v.string(),
    project_dir: opt(v.string()),
    max_interview_rounds: opt(v.number()),
    max_repair_rounds: opt(v.number()),
    skip_run: opt(v.boolean()),
  }),
  "auto.phase.changed": loose({
    auto_id: v.string(),
    phase: v.string(),
    interview_id: opt(v.string()),
    seed_id: opt(v.string()),
    seed_path: opt(v.string()),
  }),
  "auto.deadline.extended": loose({ auto_id: v.string(), deadline: v.string() }),
  "auto.completed": loose({
    auto_id: v.string(),
    seed_id: v.string(),
    session_id: v.optional(v.nullable(v.string())),
    run_status: opt(v.string()),
  }),
  "auto.failed": loose({
    auto_id: v.string(),
    phase: v.string(),
    error: v.string(),
    session_id: opt(v.string()),
    run_status: opt(v.string()),
  }),
} as const satisfies Record<string, v.GenericSchema>;
