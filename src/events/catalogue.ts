/**
 * The typed event catalogue. Every event we write has a valibot payload schema here; payloads
 * are loose objects because a version may gain fields but never rename or drop one.
 * Unknown but well-formed dotted types are accepted (logs imported from newer versions).
 */
import * as v from "valibot";

const sid = { session_id: v.string() };
const loose = <T extends v.ObjectEntries>(e: T) => v.looseObject(e);
const phase = v.picklist(["big_bang", "pal_router", "double_diamond", "resilience", "evaluation", "secondary_loop"]);
export const PHASES = phase.options;
export type PhaseName = (typeof PHASES)[number];

export const TERMINAL_TYPES = [
  "orchestrator.session.completed",
  "orchestrator.session.failed",
  "orchestrator.session.cancelled",
] as const;
export const SESSION_STARTED = "orchestrator.session.started";

export const CATALOGUE = {
  // Session lifecycle (aggregate "session", id = session id).
  "orchestrator.session.started": loose({
    ...sid,
    execution_id: v.string(),
    seed_id: v.string(),
    seed_goal: v.string(),
    runtime: v.optional(v.string()),
    ac_count: v.optional(v.number()),
    start_time: v.optional(v.string()),
  }),
  "orchestrator.session.resumed": loose({ ...sid, reason: v.optional(v.string()) }),
  "orchestrator.session.paused": loose({ ...sid, reason: v.string(), resume_hint: v.optional(v.string()) }),
  "orchestrator.session.completed": loose({
    ...sid,
    summary: v.optional(v.string()),
    exit_condition: v.optional(v.nullable(v.string())),
  }),
  "orchestrator.session.failed": loose({ ...sid, error: v.string(), error_type: v.optional(v.string()) }),
  "orchestrator.session.cancelled": loose({ ...sid, reason: v.string(), cancelled_by: v.optional(v.string()) }),
  "orchestrator.progress.updated": loose({ ...sid }),
  "orchestrator.session.cancel_requested": loose({ ...sid, reason: v.string(), requested_by: v.optional(v.string()) }),
  // Another process took the session's lease (the holder's had expired or its process was gone).
  "orchestrator.session.lease_taken_over": loose({
    ...sid,
    previous_host: v.string(),
    previous_pid: v.number(),
    host: v.string(),
    pid: v.number(),
    reason: v.picklist(["expired", "holder_gone"]),
  }),

  // Pipeline phases.
  "pipeline.phase.started": loose({ ...sid, phase, ac_id: v.optional(v.string()) }),
  "pipeline.phase.completed": loose({
    ...sid,
    phase,
    ac_id: v.optional(v.string()),
    duration_ms: v.optional(v.number()),
    outcome: v.string(),
  }),
  "pipeline.exit_condition.met": loose({ ...sid, name: v.string(), evidence: v.unknown() }),

  // Seed and AC tree.
  "seed.created": loose({ seed_id: v.string(), ambiguity: v.optional(v.number()), ac_count: v.number() }),
  "ac.tree.built": loose({
    ...sid,
    nodes: v.array(
      loose({
        ac_id: v.string(),
        parent: v.nullable(v.string()),
        depth: v.number(),
        position: v.number(),
        description: v.string(),
      }),
    ),
  }),
  "ac.decomposed": loose({
    ...sid,
    ac_id: v.string(),
    nodes: v.array(
      loose({
        ac_id: v.string(),
        parent: v.nullable(v.string()),
        depth: v.number(),
        position: v.number(),
        description: v.string(),
      }),
    ),
  }),
  "ac.decomposition.decided": loose({
    ...sid,
    ac_id: v.string(),
    disposition: v.picklist(["ATOMIC", "SPLIT", "UNKNOWN", "ESCALATED"]),
    reason: v.optional(v.string()),
  }),
  "execution.ac.status_changed": loose({
    ...sid,
    ac_id: v.string(),
    status: v.string(),
    attempt: v.optional(v.number()),
  }),
  "execution.ac.phase.started": loose({
    ...sid,
    ac_id: v.string(),
    phase: v.string(),
    attempt: v.optional(v.number()),
  }),
  "execution.ac.phase.completed": loose({
    ...sid,
    ac_id: v.string(),
    phase: v.string(),
    attempt: v.optional(v.number()),
  }),
  "execution.ac.attempt_judged": loose({ ...sid, ac_id: v.string(), outcome: v.string() }),
  "execution.ac.token_attribution.reported": loose({
    ...sid,
    ac_id: v.optional(v.string()),
    tokens: v.number(),
    cost_usd: v.number(),
  }),
  "routing.decision.made": loose({ ...sid, ac_id: v.string(), score: v.number(), tier: v.string() }),
  "routing.tier.escalated": loose({ ...sid, ac_id: v.string(), from: v.string(), to: v.string() }),
  "routing.tier.downgraded": loose({ ...sid, ac_id: v.string(), from: v.string(), to: v.string() }),
  "routing.stagnation.detected": loose({ ...sid, ac_id: v.string() }),

  // Runtime activity inside an AC attempt.
  "execution.ac.attempt.dispatched": loose({ ...sid, ac_id: v.string(), attempt: v.number(), runtime: v.string() }),
  "execution.runtime.handle": loose({ ...sid, ac_id: v.string(), handle: v.record(v.string(), v.unknown()) }),
  "execution.tool.started": loose({
    ...sid,
    ac_id: v.string(),
    tool_name: v.string(),
    tool_detail: v.optional(v.string()),
  }),
  "execution.tool.completed": loose({
    ...sid,
    ac_id: v.string(),
    tool_name: v.string(),
    is_error: v.optional(v.boolean()),
  }),
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
  }),
  "execution.ac.read_only.violated": loose({ ...sid, ac_id: v.string(), attempt: v.number(), turn: v.number() }),
  "execution.ac.budget.exhausted": loose({ ...sid, ac_id: v.string(), budget: v.string(), limit: v.number() }),
  "pipeline.budget.exceeded": loose({ ...sid, name: v.string(), limit: v.number(), value: v.number() }),
  "execution.agent.message": loose({ ...sid, ac_id: v.string(), content_preview: v.string() }),
  "execution.ac.heartbeat": loose({ ...sid, ac_id: v.string(), elapsed_seconds: v.number() }),
  "execution.ac.stall_detected": loose({ ...sid, ac_id: v.string(), silent_seconds: v.number(), action: v.string() }),
  "execution.verify.completed": loose({
    ...sid,
    ac_id: v.string(),
    command: v.string(),
    exit_code: v.nullable(v.number()),
  }),

  // Resilience.
  "resilience.stagnation.detected": loose({ ...sid, ac_id: v.string(), pattern: v.string() }),
  "resilience.lateral.activated": loose({ ...sid, ac_id: v.string(), persona: v.string() }),
  "resilience.lateral.exhausted": loose({ ...sid, ac_id: v.string() }),

  // Evaluation: every verdict carries its evidence.
  "evaluation.stage.completed": loose({
    ...sid,
    ac_id: v.optional(v.string()),
    stage: v.number(),
    outcome: v.string(),
    evidence: v.unknown(),
  }),
  "evaluation.consensus.triggered": loose({ ...sid, ac_id: v.optional(v.string()), trigger: v.string() }),
  "evaluation.pipeline.completed": loose({
    ...sid,
    ac_id: v.optional(v.string()),
    approved: v.boolean(),
    score: v.optional(v.number()),
  }),

  // Secondary loop.
  "todo.created": loose({ ...sid, todo_id: v.string(), description: v.string(), priority: v.string() }),
  "todo.status.changed": loose({ ...sid, todo_id: v.string(), status: v.string() }),
  "secondary.batch.completed": loose({
    ...sid,
    status: v.string(),
    total: v.number(),
    ok: v.number(),
    failed: v.number(),
    skipped: v.number(),
  }),
  "lineage.generation.started": loose({ ...sid, generation: v.number() }),
  "execution.ac.refined": loose({ ...sid, ac_id: v.string(), generation: v.number(), description: v.string() }),
  "lineage.generation.completed": loose({ ...sid, generation: v.number() }),
  "lineage.converged": loose({ ...sid, generation: v.number() }),
  "lineage.stagnated": loose({ ...sid, generation: v.number() }),
  "lineage.exhausted": loose({ ...sid, generation: v.number() }),

  // Interview (aggregate "interview", id = interview id).
  "interview.started": loose({ interview_id: v.string(), initial_context: v.string() }),
  "interview.response.recorded": loose({ interview_id: v.string(), round_number: v.number() }),
  "interview.completed": loose({ interview_id: v.string(), total_rounds: v.number() }),
  "interview.failed": loose({ interview_id: v.string(), error: v.string() }),
  "interview.question.asked": loose({ interview_id: v.string(), round_number: v.number(), question: v.string() }),
  "interview.response.undone": loose({ interview_id: v.string(), round_number: v.number() }),
  "interview.ambiguity.scored": loose({
    interview_id: v.string(),
    round_number: v.number(),
    ambiguity: v.looseObject({ ambiguity_score: v.number(), ready: v.boolean() }),
  }),
  "seed.repair.attempted": loose({ seed_id: v.string(), round: v.number(), errors: v.array(v.string()) }),
  "seed.generation.failed": loose({ error: v.string(), errors: v.optional(v.array(v.string())) }),

  // What the `ooo` skill tools record: drift (session), lateral / qa / brownfield / evolution job /
  // OpenCode bridge delegation aggregates.
  "drift.measured": loose({
    ...sid,
    status: v.picklist(["measured", "unverifiable"]),
    drift_score: v.nullable(v.number()),
    reasons: v.array(v.string()),
  }),
  "lateral.think.started": loose({ lateral_id: v.string(), personas: v.array(v.string()), pattern: v.string() }),
  "lateral.think.completed": loose({ lateral_id: v.string(), alternatives: v.array(v.unknown()) }),
  "lateral.think.failed": loose({ lateral_id: v.string(), failures: v.array(v.string()) }),
  "qa.started": loose({ qa_id: v.string(), artifact_kind: v.string(), pass_threshold: v.number() }),
  "qa.verdict.recorded": loose({
    qa_id: v.string(),
    verdict: v.picklist(["pass", "fail", "unverifiable"]),
    score: v.nullable(v.number()),
  }),
  "brownfield.scanned": loose({ path: v.string(), languages: v.array(v.unknown()), context: v.string() }),
  "brownfield.default.set": loose({ path: v.string() }),
  "evolution.job.started": loose({
    ...sid,
    evolution_id: v.string(),
    kind: v.picklist(["evolve_step", "ralph"]),
    from_generation: v.number(),
  }),
  "evolution.job.completed": loose({ ...sid, evolution_id: v.string(), outcome: v.string(), generation: v.number() }),
  "evolution.job.failed": loose({ ...sid, evolution_id: v.string(), error: v.string() }),
  "subagent.dispatched": loose({ request_id: v.string(), tool_name: v.string(), reply_file: v.string() }),
  "subagent.completed": loose({ request_id: v.string(), tool_name: v.string() }),

  // `auto` (aggregate "auto", id = auto id): interview → seed → repair → run hand-off.
  "auto.started": loose({ auto_id: v.string(), goal: v.string(), runtime: v.string(), deadline: v.string() }),
  "auto.phase.changed": loose({ auto_id: v.string(), phase: v.string() }),
  "auto.deadline.extended": loose({ auto_id: v.string(), deadline: v.string() }),
  "auto.completed": loose({ auto_id: v.string(), seed_id: v.string(), session_id: v.optional(v.nullable(v.string())) }),
  "auto.failed": loose({ auto_id: v.string(), phase: v.string(), error: v.string() }),
} as const satisfies Record<string, v.GenericSchema>;

export type KnownEventType = keyof typeof CATALOGUE;
export const EVENT_TYPE_PATTERN = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$/;

export function validatePayload(type: string, data: unknown): string | null {
  if (!EVENT_TYPE_PATTERN.test(type)) return `event type '${type}' is not a dotted lower-case name`;
  if (!data || typeof data !== "object" || Array.isArray(data)) return "payload must be a JSON object";
  const schema = (CATALOGUE as Record<string, v.GenericSchema>)[type];
  if (!schema) return null;
  if (v.is(schema, data)) return null;
  const r = v.safeParse(schema, data);
  if (r.success) return null;
  const i = r.issues[0];
  return `${type}: ${i.path?.map((p) => String(p.key)).join(".") || "payload"}: ${i.message}`;
}

/** Keys that must never be stored (raw runtime dumps), at any depth. */
const STRIP = /^(raw_.*|event_payloads?|subscribed_.*(event|payload).*)$/;
export function stripForbidden(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripForbidden);
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, val] of Object.entries(value)) if (!STRIP.test(k)) out[k] = stripForbidden(val);
    return out;
  }
  return value;
}
