/**
 * A realistic recorded session for dashboard, status and replay tests: the event sequence the
 * pipeline writes (session start, Big Bang tree with a decomposed AC, routing, Double Diamond per
 * AC with tool calls, token reports, stage verdicts with evidence, a retry, a failure), written
 * through EventStore so projections are filled exactly as in a real run.
 *
 *   const f = recordSession(dbPath, { acs: 4, finished: false });
 *   f.sessionId, f.acIds, f.count
 */
import { EventStore } from "../../src/events/store.ts";
import { type EventType, type PayloadWithout, withFilled } from "../../src/events/catalogue.ts";
import { type NewEvent, newEvent } from "../../src/events/envelope.ts";

export interface FixtureOptions {
  sessionId?: string;
  /** Root ACs (the second one is decomposed into two children). At least 4. */
  acs?: number;
  /** false leaves the last AC executing with a tool call in progress and the session running. */
  finished?: boolean;
  goal?: string;
  start?: Date;
}

export interface Fixture {
  sessionId: string;
  executionId: string;
  acIds: string[];
  events: NewEvent[];
}

const hex = (n: number, len = 12) => n.toString(16).padStart(len, "0").slice(-len);

/** The events of one session, without writing them (benchmarks build large stores from these). */
export function sessionEvents(opts: FixtureOptions = {}): Fixture {
  const roots = Math.max(4, opts.acs ?? 4);
  const sessionId = opts.sessionId ?? `orch_${hex(Math.floor(Math.random() * 2 ** 40))}`;
  const executionId = `exec_${sessionId.slice(5)}`;
  const goal = opts.goal ?? "Build a command-line todo app with persistent storage";
  let t = (opts.start ?? new Date("2026-11-24T10:00:00Z")).getTime();
  const events: NewEvent[] = [];
  const emit = <T extends EventType>(
    type: T,
    data: PayloadWithout<T, "session_id">,
    aggregate: "session" | "execution" = "execution",
  ) => {
    t += 1000;
    events.push(
      newEvent({
        type,
        aggregate_type: aggregate,
        aggregate_id: aggregate === "session" ? sessionId : executionId,
        timestamp: new Date(t).toISOString(),
        data: withFilled<T, "session_id">({ session_id: sessionId }, data),
      }),
    );
  };
  const acId = (i: number) => `ac_${hex(0xa000 + i, 16)}`;
  const rootIds = Array.from({ length: roots }, (_, i) => acId(i));
  const kids = [acId(100), acId(101)];
  const descriptions = [
    "Add a todo item from the command line",
    "Persist todos to a JSON file",
    "List todos with their status",
    "Mark a todo as done",
    "Delete a todo by id",
    "Show usage help",
  ];
  const nodes = rootIds.map((id, i) => ({
    ac_id: id,
    parent: null,
    depth: 0,
    position: i,
    description: descriptions[i % descriptions.length]! + (i >= descriptions.length ? ` (${i})` : ""),
  }));

  emit(
    "orchestrator.session.started",
    { execution_id: executionId, seed_id: "seed_todo", seed_goal: goal, runtime: "claude", ac_count: roots },
    "session",
  );
  emit("pipeline.phase.started", { phase: "big_bang" }, "session");
  emit("ac.tree.built", { nodes });
  emit("ac.decomposition.decided", { ac_id: rootIds[1]!, disposition: "SPLIT", reason: "two independent concerns" });
  emit("ac.decomposed", {
    ac_id: rootIds[1]!,
    nodes: [
      {
        ac_id: kids[0]!,
        parent: rootIds[1]!,
        depth: 1,
        position: 0,
        description: "Write todos atomically to todos.json",
      },
      { ac_id: kids[1]!, parent: rootIds[1]!, depth: 1, position: 1, description: "Load todos.json at start-up" },
    ],
  });
  emit("pipeline.phase.completed", { phase: "big_bang", outcome: "completed", duration_ms: 2000 }, "session");
  emit("pipeline.phase.started", { phase: "pal_router" }, "session");
  const leaves = [rootIds[0]!, kids[0]!, kids[1]!, ...rootIds.slice(2)];
  for (const [i, id] of leaves.entries()) {
    emit("routing.decision.made", {
      ac_id: id,
      score: 0.2 + i * 0.1,
      tier: i % 3 === 0 ? "frugal" : i % 3 === 1 ? "standard" : "frontier",
    });
  }
  emit("pipeline.phase.completed", { phase: "pal_router", outcome: "completed", duration_ms: 10 }, "session");
  emit("pipeline.phase.started", { phase: "double_diamond" }, "session");

  const attempt = (id: string, n: number, result: "passed" | "failed" | "retry" | "live") => {
    emit("execution.ac.status_changed", { ac_id: id, status: "executing", attempt: n });
    emit("execution.ac.attempt.dispatched", { ac_id: id, attempt: n, runtime: "claude" });
    for (const phase of ["discover", "define", "develop", "deliver"]) {
      emit("execution.ac.phase.started", { ac_id: id, phase, attempt: n });
      if (phase === "develop") {
        emit("execution.tool.started", { ac_id: id, tool_name: "Edit", tool_detail: "src/todo.ts" });
        emit("execution.tool.completed", { ac_id: id, tool_name: "Edit", is_error: false });
        emit("execution.tool.started", { ac_id: id, tool_name: "Bash", tool_detail: "bun test" });
        if (result === "live") return;
        emit("execution.tool.completed", { ac_id: id, tool_name: "Bash", is_error: result !== "passed" });
      }
      emit("execution.ac.phase.completed", { ac_id: id, phase, attempt: n });
    }
    emit("execution.ac.token_attribution.reported", { ac_id: id, tokens: 1200 + n * 100, cost_usd: 0.0125 });
    const ok = result === "passed";
    emit("evaluation.stage.completed", {
      ac_id: id,
      stage: 1,
      outcome: ok ? "passed" : "failed",
      evidence: {
        checks: [
          {
            check: "test",
            command: "bun test",
            outcome: ok ? "passed" : "failed",
            exit_code: ok ? 0 : 1,
            duration_ms: 900,
            output_tail: ok ? "3 pass" : "1 fail",
          },
        ],
        artifacts: [],
      },
    });
    if (ok)
      emit("evaluation.stage.completed", {
        ac_id: id,
        stage: 2,
        outcome: "approved",
        evidence: {
          score: 0.86,
          weighted: 0.84,
          reasons: [],
          reasoning: "The command adds the item and the test covers it.",
        },
      });
    emit("evaluation.pipeline.completed", { ac_id: id, approved: ok, score: ok ? 0.86 : 0 });
    if (result === "passed" || result === "failed")
      emit("execution.ac.status_changed", { ac_id: id, status: result, attempt: n });
  };

  attempt(leaves[0]!, 1, "passed");
  attempt(leaves[1]!, 1, "retry");
  attempt(leaves[1]!, 2, "passed");
  attempt(leaves[2]!, 1, "passed");
  attempt(leaves[3]!, 1, "failed");
  const live = leaves[leaves.length - 1]!;
  for (const id of leaves.slice(4, -1)) attempt(id, 1, "passed");
  if (opts.finished === false) {
    attempt(live, 1, "live");
  } else {
    attempt(live, 1, "passed");
    emit("pipeline.phase.completed", { phase: "double_diamond", outcome: "completed", duration_ms: 60000 }, "session");
    emit("orchestrator.session.completed", { summary: `${leaves.length - 1}/${leaves.length} ACs passed` }, "session");
  }
  return { sessionId, executionId, acIds: [...rootIds, ...kids], events };
}

/** Write one session into the store at `path` (created if missing). */
export function recordSession(path: string, opts: FixtureOptions = {}): Fixture & { count: number } {
  const f = sessionEvents(opts);
  const opened = EventStore.open(path);
  if (!opened.ok) throw new Error(opened.error.message);
  const store = opened.value;
  try {
    const r = store.appendBatch(f.events);
    if (!r.ok) throw new Error(r.error.message);
    return { ...f, count: r.value.stored.length };
  } finally {
    store.close();
  }
}
