/** Events of a run's verdicts: observed evidence, resilience, evaluation, the secondary loop. */
import * as v from "valibot";
import { loose, opt, sid, strings } from "./fields.ts";

export const EVIDENCE_EVENTS = {
  // Observed evidence per attempt (the orchestrator's own view; the agent's report is only a claim).
  "execution.ac.workspace.changed": loose({
    ...sid,
    ac_id: v.string(),
    attempt: v.number(),
    added: v.array(v.string()),
    modified: v.array(v.string()),
    deleted: v.array(v.string()),
    diff: v.string(),
    diff_truncated: v.boolean(),
    empty: opt(v.boolean()),
    snapshot: opt(v.string()),
    note: opt(v.string()),
  }),
  "execution.ac.commands.observed": loose({
    ...sid,
    ac_id: v.string(),
    attempt: v.number(),
    commands: v.array(v.unknown()),
  }),
  "execution.ac.claim.recorded": loose({
    ...sid,
    ac_id: v.string(),
    attempt: v.number(),
    label: v.string(),
    present: v.boolean(),
    text: v.string(),
  }),
  "execution.ac.turn.completed": loose({
    ...sid,
    ac_id: v.string(),
    attempt: v.number(),
    turn: v.number(),
    steps: v.array(v.string()),
    read_only: v.boolean(),
    ok: v.boolean(),
    duration_ms: opt(v.number()),
  }),
  "execution.ac.read_only.violated": loose({
    ...sid,
    ac_id: v.string(),
    attempt: v.number(),
    turn: v.number(),
    steps: opt(strings),
    added: opt(strings),
    modified: opt(strings),
    deleted: opt(strings),
  }),
  "execution.ac.budget.exhausted": loose({
    ...sid,
    ac_id: v.string(),
    budget: v.string(),
    limit: v.number(),
    turns: opt(v.number()),
  }),
  "pipeline.budget.exceeded": loose({ ...sid, name: v.string(), limit: v.number(), value: v.number() }),
  "execution.agent.message": loose({ ...sid, ac_id: v.string(), content_preview: v.string() }),
  "execution.ac.heartbeat": loose({ ...sid, ac_id: v.string(), elapsed_seconds: v.number(), attempt: opt(v.number()) }),
  "execution.ac.stall_detected": loose({
    ...sid,
    ac_id: v.string(),
    silent_seconds: v.number(),
    action: v.string(),
    attempt: opt(v.number()),
  }),
  "execution.verify.completed": loose({
    ...sid,
    ac_id: v.string(),
    command: v.string(),
    exit_code: v.nullable(v.number()),
  }),

  // Resilience.
  "resilience.stagnation.detected": loose({
    ...sid,
    ac_id: v.string(),
    pattern: v.string(),
    attempts: opt(v.number()),
    reason: opt(v.string()),
  }),
  "resilience.lateral.activated": loose({ ...sid, ac_id: v.string(), persona: v.string(), pattern: opt(v.string()) }),
  "resilience.lateral.exhausted": loose({ ...sid, ac_id: v.string(), used: opt(strings) }),

  // Evaluation: every verdict carries its evidence.
  "evaluation.stage.completed": loose({
    ...sid,
    ac_id: v.optional(v.string()),
    stage: v.number(),
    outcome: v.string(),
    evidence: v.unknown(),
  }),
  "evaluation.consensus.triggered": loose({
    ...sid,
    ac_id: v.optional(v.string()),
    trigger: v.string(),
    evaluation_id: opt(v.string()),
  }),
  "evaluation.pipeline.completed": loose({
    ...sid,
    ac_id: v.optional(v.string()),
    approved: v.boolean(),
    score: v.optional(v.number()),
    outcome: opt(v.string()),
    rejected_by: opt(v.nullable(v.string())),
    weighted: opt(v.nullable(v.number())),
    reasons: opt(strings),
    /** Each stage's outcome (stage2/3 null when the stage did not run). */
    stage1: opt(v.string()),
    stage2: opt(v.nullable(v.string())),
    stage3: opt(v.nullable(v.string())),
    /** The session-level verdict: each root criterion's rolled-up status. */
    roots: opt(v.array(loose({ ac_id: v.string(), status: v.string() }))),
    // An `ouroboros_evaluate` job's result.
    evaluation_id: opt(v.string()),
    final_approved: opt(v.boolean()),
    highest_stage: opt(v.number()),
  }),
  // An `ouroboros_evaluate` job (aggregate "evaluation", id = evaluation id): one event per stage;
  // a stage's evidence fields sit beside its outcome.
  "evaluation.stage1.started": loose({
    ...sid,
    evaluation_id: v.string(),
    acceptance_criterion: v.string(),
    artifact_type: v.nullable(v.string()),
    working_dir: v.string(),
    judge: v.string(),
  }),
  "evaluation.stage1.completed": loose({ ...sid, evaluation_id: v.string(), outcome: v.string() }),
  "evaluation.stage2.started": loose({ ...sid, evaluation_id: v.string() }),
  "evaluation.stage2.completed": loose({ ...sid, evaluation_id: v.string(), outcome: v.string() }),
  "evaluation.stage3.completed": loose({ ...sid, evaluation_id: v.string(), outcome: v.string() }),
  "evaluation.pipeline.failed": loose({ ...sid, evaluation_id: v.string(), error: v.string() }),

  // Secondary loop.
  "todo.created": loose({
    ...sid,
    todo_id: v.string(),
    description: v.string(),
    priority: v.string(),
    source_ac: opt(v.string()),
  }),
  "todo.status.changed": loose({ ...sid, todo_id: v.string(), status: v.string() }),
  "secondary.batch.completed": loose({
    ...sid,
    status: v.string(),
    total: v.number(),
    ok: v.number(),
    failed: v.number(),
    skipped: v.number(),
  }),
  "lineage.generation.started": loose({ ...sid, generation: v.number(), failing: opt(strings) }),
  "execution.ac.refined": loose({ ...sid, ac_id: v.string(), generation: v.number(), description: v.string() }),
  "lineage.generation.completed": loose({
    ...sid,
    generation: v.number(),
    /** Each refined criterion's verdict, by ac_id. */
    results: opt(v.record(v.string(), v.string())),
    similarity: opt(v.number()),
  }),
  "lineage.converged": loose({ ...sid, generation: v.number() }),
  "lineage.stagnated": loose({ ...sid, generation: v.number(), similarity: opt(v.number()) }),
  "lineage.exhausted": loose({ ...sid, generation: v.number() }),
} as const satisfies Record<string, v.GenericSchema>;
