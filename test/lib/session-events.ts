/** The session lifecycle events the store suites append, for SQLite and PostgreSQL alike. */
export const started = (sid: string) => ({
  type: "orchestrator.session.started",
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

export const terminal = (sid: string, type = "orchestrator.session.completed") => ({
  type,
  aggregate_type: "session",
  aggregate_id: sid,
  data: { session_id: sid, summary: "done", error: "x", reason: "r" },
});
