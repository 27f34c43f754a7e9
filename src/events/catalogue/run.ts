/** Events of a pipeline run: session lifecycle, phases, the AC tree, routing and runtime activity. */
import * as v from "valibot";
import { loose, opt, phase, sid, strings, totals } from "./fields.ts";

/** AC tree nodes, as the tree is built and as a criterion is split. */
const treeNodes = v.array(
  loose({
    ac_id: v.string(),
    parent: v.nullable(v.string()),
    depth: v.number(),
    position: v.number(),
    description: v.string(),
  }),
);

export const RUN_EVENTS = {
  // Session lifecycle (aggregate "session", id = session id).
  "orchestrator.session.started": loose({
    ...sid,
    execution_id: v.string(),
    seed_id: v.string(),
    seed_goal: v.string(),
    runtime: v.optional(v.string()),
    ac_count: v.optional(v.number()),
    start_time: v.optional(v.string()),
    /** The whole seed: a resumed run and the MCP tools read it back from here. */
    seed: opt(v.record(v.string(), v.unknown())),
    seed_path: opt(v.nullable(v.string())),
    project_dir: opt(v.string()),
    /** The project's git HEAD when the session started (null: not a git work tree); a takeover checks it. */
    base_commit: opt(v.nullable(v.string())),
    parallel: opt(v.number()),
    max_decomposition_depth: opt(v.number()),
  }),
  "orchestrator.session.resumed": loose({
    ...sid,
    reason: v.optional(v.string()),
    last_seq: opt(v.number()),
    passed: opt(strings),
  }),
  "orchestrator.session.paused": loose({ ...sid, reason: v.string(), resume_hint: v.optional(v.string()) }),
  "orchestrator.session.completed": loose({
    ...sid,
    summary: v.optional(v.string()),
    exit_condition: v.optional(v.nullable(v.string())),
    ending: opt(v.string()),
    score: opt(v.number()),
    ...totals,
  }),
  "orchestrator.session.failed": loose({
    ...sid,
    error: v.string(),
    error_type: v.optional(v.string()),
    ending: opt(v.string()),
    exit_condition: opt(v.nullable(v.string())),
    stop_condition: opt(v.nullable(v.string())),
    ...totals,
  }),
  "orchestrator.session.cancelled": loose({ ...sid, reason: v.string(), cancelled_by: v.optional(v.string()) }),
  // Progress notes carry whatever the reporter has beside session_id (see OpenPayload).
  "orchestrator.progress.updated": loose({ ...sid }),
  "orchestrator.session.cancel_requested": loose({ ...sid, reason: v.string(), requested_by: v.optional(v.string()) }),
  // Another process took the session's lease (the holder's had expired or its process was gone).
  "orchestrator.session.lease_taken_over": loose({
    ...sid,
    previous_host: v.string(),
    previous_pid: v.number(),
    previous_project_dir: opt(v.nullable(v.string())),
    previous_expires_at: opt(v.string()),
    host: v.string(),
    pid: v.number(),
    project_dir: opt(v.nullable(v.string())),
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
  "seed.created": loose({
    seed_id: v.string(),
    ambiguity: v.optional(v.number()),
    ac_count: v.number(),
    /** Set when an interview generated it (seed events then belong to the interview aggregate). */
    interview_id: opt(v.string()),
    path: opt(v.string()),
    repairs: opt(v.number()),
    parent_seed_id: opt(v.nullable(v.string())),
  }),
  "ac.tree.built": loose({
    ...sid,
    nodes: treeNodes,
  }),
  "ac.decomposed": loose({
    ...sid,
    ac_id: v.string(),
    nodes: treeNodes,
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
    reason: opt(v.string()),
    /** A split criterion's status, rolled up from its children. */
    rolled_up: opt(v.boolean()),
    blocked_by: opt(strings),
  }),
  "execution.ac.phase.started": loose({
    ...sid,
    ac_id: v.string(),
    phase: v.string(),
    attempt: v.optional(v.number()),
    turn: opt(v.number()),
  }),
  "execution.ac.phase.completed": loose({
    ...sid,
    ac_id: v.string(),
    phase: v.string(),
    attempt: v.optional(v.number()),
    turn: opt(v.number()),
    output_sha256: opt(v.string()),
    duration_ms: opt(v.number()),
    ok: opt(v.boolean()),
    error: opt(v.string()),
    error_type: opt(v.string()),
  }),
  "execution.ac.attempt_judged": loose({
    ...sid,
    ac_id: v.string(),
    outcome: v.string(),
    attempt: opt(v.number()),
    rejected_by: opt(v.nullable(v.string())),
    reasons: opt(strings),
  }),
  "execution.ac.token_attribution.reported": loose({
    ...sid,
    ac_id: v.optional(v.string()),
    tokens: v.number(),
    cost_usd: v.number(),
    model_calls: opt(v.number()),
  }),
  "routing.decision.made": loose({
    ...sid,
    ac_id: v.string(),
    score: v.number(),
    tier: v.string(),
    breakdown: opt(loose({ tokens: v.number(), tools: v.number(), depth: v.number() })),
    model: opt(v.nullable(v.string())),
    enforced: opt(v.boolean()),
    pinned: opt(v.boolean()),
    tier_flag: opt(v.string()),
  }),
  "routing.tier.escalated": loose({ ...sid, ac_id: v.string(), from: v.string(), to: v.string() }),
  "routing.tier.downgraded": loose({ ...sid, ac_id: v.string(), from: v.string(), to: v.string() }),
  "routing.stagnation.detected": loose({ ...sid, ac_id: v.string() }),

  // Runtime activity inside an AC attempt.
  "execution.ac.attempt.dispatched": loose({
    ...sid,
    ac_id: v.string(),
    attempt: v.number(),
    runtime: v.string(),
    tier: opt(v.string()),
    turns: opt(v.number()),
    model: opt(v.nullable(v.string())),
    resumed: opt(v.boolean()),
  }),
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
    exit_code: opt(v.number()),
  }),
} as const satisfies Record<string, v.GenericSchema>;
