/** The dashboard reducer: display state is a pure fold of events. */
import { describe, expect, test } from "bun:test";
import type { StoredEvent } from "../../src/events/envelope.ts";
import {
  emptySession,
  fromProjection,
  reduce,
  reduceAll,
  statusCounts,
  TAIL_MAX,
  treeLabels,
  type SessionView,
} from "../../src/dashboard/state.ts";
import { sessionEvents } from "../lib/session-fixture.ts";

const SID = "orch_000000000001";
let seq = 0;
function ev(type: string, data: Record<string, unknown> = {}, session = SID): StoredEvent {
  seq++;
  return {
    rowid: seq,
    id: `e${seq}`,
    type,
    aggregate_type: "execution",
    aggregate_id: "exec_1",
    session_id: session,
    timestamp: new Date(Date.UTC(2026, 10, 24, 10, 0, seq)).toISOString(),
    event_version: 1,
    consensus_id: null,
    data: { session_id: session, ...data },
  };
}
const tree = ev("ac.tree.built", {
  nodes: [
    { ac_id: "ac_b", parent: null, depth: 0, position: 1, description: "second" },
    { ac_id: "ac_a", parent: null, depth: 0, position: 0, description: "first" },
    { ac_id: "ac_a1", parent: "ac_a", depth: 1, position: 0, description: "child" },
  ],
});
const base = () => reduce(emptySession(SID), tree);

describe("dashboard state reducer", () => {
  test("builds the AC tree in depth-first order with short labels", () => {
    const s = base();
    expect(s.order).toEqual(["ac_a", "ac_a1", "ac_b"]);
    expect(treeLabels(s)).toEqual({ ac_a: "1", ac_a1: "1.1", ac_b: "2" });
    expect(s.acs.ac_a1!.status).toBe("pending");
  });

  test("is pure: the previous state is never mutated, other sessions are ignored", () => {
    const s = base();
    const snapshot = JSON.stringify(s);
    const n = reduce(s, ev("execution.ac.status_changed", { ac_id: "ac_a1", status: "executing", attempt: 1 }));
    expect(JSON.stringify(s)).toBe(snapshot);
    expect(n.acs.ac_a1!.status).toBe("executing");
    expect(reduce(n, ev("execution.ac.status_changed", { ac_id: "ac_a1", status: "failed" }, "orch_other"))).toBe(n);
  });

  test("live status, AC phase, tier, attempts, tool in progress, cost", () => {
    let s = reduceAll(base(), [
      ev("routing.decision.made", { ac_id: "ac_b", score: 0.7, tier: "frontier" }),
      ev("execution.ac.status_changed", { ac_id: "ac_b", status: "executing", attempt: 1 }),
      ev("execution.ac.phase.started", { ac_id: "ac_b", phase: "develop", attempt: 1 }),
      ev("execution.tool.started", { ac_id: "ac_b", tool_name: "Bash", tool_detail: "npm test" }),
      ev("execution.ac.token_attribution.reported", { ac_id: "ac_b", tokens: 1500, cost_usd: 0.02 }),
    ]);
    const b = s.acs.ac_b!;
    expect([b.status, b.phase, b.tier, b.attempts, b.tokens, b.costUsd]).toEqual([
      "executing",
      "develop",
      "frontier",
      1,
      1500,
      0.02,
    ]);
    expect(b.tool).toMatchObject({ name: "Bash", detail: "npm test" });
    expect([s.tokens, s.costUsd]).toEqual([1500, 0.02]);
    s = reduce(s, ev("execution.tool.completed", { ac_id: "ac_b", tool_name: "Bash", is_error: true }));
    expect(s.acs.ac_b!.tool).toBeNull();
    expect(s.acs.ac_b!.lastTool).toMatchObject({ name: "Bash", error: true });
    s = reduce(s, ev("routing.tier.escalated", { ac_id: "ac_b", from: "frontier", to: "frontier_plus" }));
    expect(s.acs.ac_b!.tier).toBe("frontier_plus");
  });

  test("verdicts keep their evidence; a new attempt clears the previous one", () => {
    let s = reduceAll(base(), [
      ev("execution.ac.status_changed", { ac_id: "ac_b", status: "executing", attempt: 1 }),
      ev("evaluation.stage.completed", {
        ac_id: "ac_b",
        stage: 1,
        outcome: "failed",
        evidence: { checks: [{ check: "test", command: "npm test", outcome: "failed", exit_code: 2 }] },
      }),
      ev("evaluation.pipeline.completed", { ac_id: "ac_b", approved: false, score: 0 }),
    ]);
    expect(s.acs.ac_b!.evaluations).toEqual([
      { stage: 1, outcome: "failed", lines: ["0/1 checks passed", "test failed: npm test (exit 2)"] },
    ]);
    expect(s.acs.ac_b!.verdict).toEqual({ approved: false, score: 0 });
    s = reduceAll(s, [ev("execution.ac.status_changed", { ac_id: "ac_b", status: "executing", attempt: 2 })]);
    expect(s.acs.ac_b!.evaluations).toEqual([]);
    expect(s.acs.ac_b!.verdict).toBeNull();
    s = reduceAll(s, [
      ev("evaluation.stage.completed", {
        ac_id: "ac_b",
        stage: 2,
        outcome: "approved",
        evidence: { score: 0.9, reasons: ["covers the AC"], reasoning: "fine" },
      }),
      ev("evaluation.pipeline.completed", { ac_id: "ac_b", approved: true, score: 0.9 }),
      ev("execution.ac.status_changed", { ac_id: "ac_b", status: "passed", attempt: 2 }),
    ]);
    const b = s.acs.ac_b!;
    expect(b.evaluations[0]!.lines).toEqual(["score 0.9", "covers the AC", "fine"]);
    expect([b.status, b.attempts, b.verdict?.approved]).toEqual(["passed", 2, true]);
  });

  test("stall, lateral persona, decomposition adds children", () => {
    let s = reduceAll(base(), [
      ev("execution.ac.stall_detected", { ac_id: "ac_b", silent_seconds: 900, action: "restart" }),
      ev("resilience.lateral.activated", { ac_id: "ac_b", persona: "contrarian" }),
      ev("ac.decomposed", {
        ac_id: "ac_b",
        nodes: [{ ac_id: "ac_b1", parent: "ac_b", depth: 1, position: 0, description: "b child" }],
      }),
    ]);
    expect(s.acs.ac_b!.stall).toBe("silent 900s → restart");
    expect(s.acs.ac_b!.persona).toBe("contrarian");
    expect(s.order).toEqual(["ac_a", "ac_a1", "ac_b", "ac_b1"]);
    s = reduce(s, ev("execution.tool.started", { ac_id: "ac_b", tool_name: "Read" }));
    expect(s.acs.ac_b!.stall).toBeNull();
  });

  test("session lifecycle: phases, pause/resume, the first terminal event is absorbing", () => {
    let s = reduceAll(base(), [
      ev("orchestrator.session.started", { execution_id: "exec_1", seed_id: "s", seed_goal: "Goal", runtime: "codex" }),
      ev("pipeline.phase.started", { phase: "big_bang" }),
      ev("pipeline.phase.completed", { phase: "big_bang", outcome: "completed" }),
      ev("pipeline.phase.started", { phase: "double_diamond" }),
      ev("orchestrator.session.paused", { reason: "usage limit" }),
    ]);
    expect([s.goal, s.runtime, s.phase, s.status, s.note]).toEqual([
      "Goal",
      "codex",
      "double_diamond",
      "paused",
      "usage limit",
    ]);
    expect(s.phases).toEqual({ big_bang: "completed", double_diamond: "running" });
    s = reduceAll(s, [
      ev("orchestrator.session.resumed", {}),
      ev("orchestrator.session.failed", { error: "boom" }),
      ev("orchestrator.session.completed", {}),
      ev("orchestrator.session.resumed", {}),
    ]);
    expect([s.status, s.note]).toEqual(["failed", "boom"]);
  });

  test("tail is bounded and keeps seq order; replays are idempotent for the tail", () => {
    let s = base();
    for (let i = 0; i < TAIL_MAX + 50; i++)
      s = reduce(s, ev("execution.tool.started", { ac_id: "ac_a", tool_name: `T${i}` }));
    expect(s.tail.length).toBe(TAIL_MAX);
    expect(s.tail.at(-1)!.text).toBe(`tool T${TAIL_MAX + 49}`);
    expect(s.tail.at(-1)!.ac).toBe("ac_a");
    const again = reduce(s, { ...ev("execution.tool.completed", { ac_id: "ac_a", tool_name: "x" }), rowid: 1 });
    expect(again.tail).toBe(s.tail);
  });

  test("projection snapshot + re-applied recent events equals a full replay", () => {
    const f = sessionEvents({ sessionId: SID, acs: 5, finished: false });
    let n = 0;
    const stored = f.events.map((e) => ({
      ...ev(e.type, e.data),
      aggregate_type: e.aggregate_type,
      rowid: ++n,
      timestamp: e.timestamp!,
    }));
    const full = reduceAll(emptySession(SID), stored);
    // A projection row reflecting everything (as the store would have written it).
    const acRows = full.order.map((id) => {
      const a = full.acs[id]!;
      return {
        ac_id: id,
        position: a.position,
        parent_id: a.parent,
        depth: a.depth,
        description: a.description,
        status: a.status,
        phase: a.phase,
        tier: a.tier,
        attempts: a.attempts,
        cost_usd: a.costUsd,
        tokens: a.tokens,
      };
    });
    const row = {
      session_id: SID,
      execution_id: f.executionId,
      seed_id: "seed_todo",
      goal: full.goal,
      runtime: full.runtime,
      status: full.status,
      current_phase: full.phase,
      started_at: full.startedAt,
      updated_at: null,
      terminal_type: null,
      event_count: stored.length,
      last_seq: n,
      cost_usd: full.costUsd,
      tokens: full.tokens,
      acs_total: 5,
      acs_passed: 0,
      acs_failed: 0,
    };
    const phases = Object.entries(full.phases).map(([phase, status]) => ({ phase, status }));
    const hydrated: SessionView = reduceAll(fromProjection(row, acRows, phases), stored.slice(-40));
    expect(hydrated.tokens).toBe(full.tokens);
    expect(hydrated.costUsd).toBeCloseTo(full.costUsd, 10);
    const keep = (a: SessionView["acs"][string]) => [
      a.status,
      a.phase,
      a.tier,
      a.attempts,
      a.tokens,
      a.costUsd,
      a.description,
      a.parent,
    ];
    for (const id of full.order) expect(keep(hydrated.acs[id]!)).toEqual(keep(full.acs[id]!));
    expect(hydrated.acs[f.acIds[4]!]!.tool?.name).toBe("Bash");
    expect(statusCounts(hydrated)).toEqual(statusCounts(full));
    expect(statusCounts(full)).toEqual({ passed: 4, failed: 1, executing: 1 });
  });
});
