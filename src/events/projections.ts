/**
 * Projections kept in the same transaction as the append, so `status` never scans the log.
 * Every table here can be rebuilt from the events alone (see rebuildProjections).
 */
import type { Database, Statement } from "bun:sqlite";
import type { StoredEvent } from "./envelope.ts";

const TERMINAL_STATUS: Record<string, string> = {
  "orchestrator.session.completed": "completed",
  "orchestrator.session.failed": "failed",
  "orchestrator.session.cancelled": "cancelled",
};

/** A failed session names how it ended: stopped by a budget, unverifiable, or failed. */
const ENDINGS = new Set(["stopped", "unverifiable"]);
export const endingOf = (type: string, data: Record<string, unknown>): string | undefined => {
  const base = TERMINAL_STATUS[type];
  return base === "failed" && typeof data.ending === "string" && ENDINGS.has(data.ending) ? data.ending : base;
};

const num = (x: unknown) => (typeof x === "number" && Number.isFinite(x) ? x : 0);
const str = (x: unknown) => (typeof x === "string" ? x : null);

/** Named projection statements; each backend has its own SQL text for every name. */
export type StepName =
  | "start"
  | "terminal"
  | "status"
  | "phase"
  | "phaseRow"
  | "cost"
  | "acInsert"
  | "acStatus"
  | "acPhase"
  | "acTier"
  | "acCost"
  | "acCounts";
export type Step = [StepName, ...(string | number | null)[]];

/**
 * What one event changes in the projections, as a list of (statement, positional args), so the
 * SQLite and PostgreSQL backends share this logic and differ only in their SQL dialect.
 */
export function projectionSteps(e: StoredEvent): Step[] {
  const s = e.session_id;
  if (!s) return [];
  const d = e.data;
  if (e.type === "orchestrator.session.started") {
    return [
      [
        "start",
        s,
        str(d.execution_id),
        str(d.seed_id),
        str(d.seed_goal),
        str(d.runtime),
        e.timestamp,
        e.id,
        num(d.ac_count),
      ],
    ];
  }
  const terminal = endingOf(e.type, d);
  if (terminal) return [["terminal", s, terminal, e.id, e.type]];
  switch (e.type) {
    case "orchestrator.session.paused":
      return [["status", s, "paused"]];
    case "orchestrator.session.resumed":
      return [["status", s, "running"]];
    case "pipeline.phase.started":
      return d.ac_id
        ? [["phase", s, str(d.phase)]]
        : [
            ["phase", s, str(d.phase)],
            ["phaseRow", s, str(d.phase), "running", e.timestamp, null],
          ];
    case "pipeline.phase.completed":
      return d.ac_id ? [] : [["phaseRow", s, str(d.phase), str(d.outcome) ?? "completed", e.timestamp, e.timestamp]];
    case "ac.tree.built":
    case "ac.decomposed": {
      if (!Array.isArray(d.nodes)) return [];
      const nodes = d.nodes as Record<string, unknown>[];
      const steps: Step[] = nodes.map((n) => [
        "acInsert",
        s,
        str(n.ac_id),
        num(n.position),
        str(n.parent),
        num(n.depth),
        str(n.description) ?? "",
        e.rowid,
      ]);
      return [...steps, ["acCounts", s]];
    }
    case "execution.ac.status_changed":
      return [
        ["acStatus", s, str(d.ac_id), str(d.status), num(d.attempt), e.rowid],
        ["acCounts", s],
      ];
    case "execution.ac.phase.started":
      return [["acPhase", s, str(d.ac_id), str(d.phase), num(d.attempt), e.rowid]];
    case "routing.decision.made":
      return [["acTier", s, str(d.ac_id), str(d.tier)]];
    case "execution.ac.token_attribution.reported":
      return d.ac_id
        ? [
            ["cost", s, num(d.cost_usd), num(d.tokens)],
            ["acCost", s, str(d.ac_id), num(d.cost_usd), num(d.tokens)],
          ]
        : [["cost", s, num(d.cost_usd), num(d.tokens)]];
    default:
      return [];
  }
}

export class Projector {
  private readonly st: Record<string, Statement>;
  constructor(db: Database) {
    const q = (sql: string) => db.prepare(sql);
    this.st = {
      start:
        q(`INSERT INTO sessions (session_id, execution_id, seed_id, goal, runtime, status, started_at, updated_at, start_event_id, acs_total)
                VALUES (?1, ?2, ?3, ?4, ?5, 'running', ?6, ?6, ?7, ?8)
                ON CONFLICT(session_id) DO UPDATE SET execution_id=?2, seed_id=?3, goal=?4, runtime=?5, started_at=?6, start_event_id=?7, acs_total=?8`),
      ensure: q(`INSERT OR IGNORE INTO sessions (session_id, status, updated_at) VALUES (?1, 'running', ?2)`),
      touch: q(
        `UPDATE sessions SET event_count = event_count + ?2, last_seq = ?3, updated_at = ?4 WHERE session_id = ?1`,
      ),
      terminal: q(
        `UPDATE sessions SET status = ?2, terminal_event_id = ?3, terminal_type = ?4 WHERE session_id = ?1 AND terminal_event_id IS NULL`,
      ),
      status: q(`UPDATE sessions SET status = ?2 WHERE session_id = ?1 AND terminal_event_id IS NULL`),
      phase: q(`UPDATE sessions SET current_phase = ?2 WHERE session_id = ?1`),
      phaseRow:
        q(`INSERT INTO session_phases (session_id, phase, status, started_at, ended_at) VALUES (?1, ?2, ?3, ?4, ?5)
                   ON CONFLICT(session_id, phase) DO UPDATE SET status = ?3, started_at = coalesce(started_at, ?4), ended_at = ?5`),
      cost: q(`UPDATE sessions SET cost_usd = cost_usd + ?2, tokens = tokens + ?3 WHERE session_id = ?1`),
      acInsert:
        q(`INSERT INTO session_acs (session_id, ac_id, position, parent_id, depth, description, updated_seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                   ON CONFLICT(session_id, ac_id) DO UPDATE SET position = ?3, parent_id = ?4, depth = ?5, description = ?6`),
      acStatus: q(
        `UPDATE session_acs SET status = ?3, attempts = max(attempts, ?4), updated_seq = ?5 WHERE session_id = ?1 AND ac_id = ?2`,
      ),
      acPhase:
        q(`UPDATE session_acs SET phase = ?3, status = CASE WHEN status IN ('passed','failed') THEN status ELSE 'executing' END,
                  attempts = max(attempts, ?4), updated_seq = ?5 WHERE session_id = ?1 AND ac_id = ?2`),
      acTier: q(`UPDATE session_acs SET tier = ?3 WHERE session_id = ?1 AND ac_id = ?2`),
      acCost: q(
        `UPDATE session_acs SET cost_usd = cost_usd + ?3, tokens = tokens + ?4 WHERE session_id = ?1 AND ac_id = ?2`,
      ),
      acCounts:
        q(`UPDATE sessions SET acs_total = (SELECT count(*) FROM session_acs WHERE session_id = ?1 AND depth = 0),
                   acs_passed = (SELECT count(*) FROM session_acs WHERE session_id = ?1 AND depth = 0 AND status = 'passed'),
                   acs_failed = (SELECT count(*) FROM session_acs WHERE session_id = ?1 AND depth = 0 AND status = 'failed') WHERE session_id = ?1`),
    };
  }

  /** Apply type-specific changes for one event. Counters are applied per batch by `touch`. */
  apply(e: StoredEvent): void {
    for (const [name, ...args] of projectionSteps(e)) this.st[name]!.run(...(args as never[]));
  }

  /** Make sure the session row exists (once per session per batch, before apply). */
  ensure(sessionId: string, timestamp: string): void {
    this.st.ensure!.run(sessionId, timestamp);
  }

  /** Bump the per-session counters once per batch instead of once per event. */
  touch(sessionId: string, count: number, lastSeq: number, timestamp: string): void {
    this.st.touch!.run(sessionId, count, lastSeq, timestamp);
  }
}
