/** The session lifecycle events the store suites append, for SQLite and PostgreSQL alike. */
import type { TERMINAL_TYPES } from "../../src/events/catalogue.ts";

export const started = (sid: string) => ({
  type: "orchestrator.session.started" as const,
  aggregate_type: "session",
  aggregate_id: sid,
  data: {
    session_id: sid,
    execution_id: "exec_1",
    seed_id: "seed_1",
    seed_goal: "goal",
    runtime: "claude",
    ac_count: 2,
  },
});

export const terminal = (sid: string, type: (typeof TERMINAL_TYPES)[number] = "orchestrator.session.completed") => ({
  type,
  aggregate_type: "session",
  aggregate_id: sid,
  data: { session_id: sid, summary: "done", error: "x", reason: "r" },
});
