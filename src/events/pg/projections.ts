/** The projection statements of projections.ts in PostgreSQL's dialect ($n parameters, greatest()). */
import type { StepName } from "../projections.ts";

export const PG_STEPS: Record<StepName | "ensure" | "touch", string> = {
  start: `INSERT INTO sessions (session_id, execution_id, seed_id, goal, runtime, status, started_at, updated_at, start_event_id, acs_total)
          VALUES ($1, $2, $3, $4, $5, 'running', $6, $6, $7, $8)
          ON CONFLICT (session_id) DO UPDATE SET execution_id = $2, seed_id = $3, goal = $4, runtime = $5, started_at = $6, start_event_id = $7, acs_total = $8`,
  ensure: `INSERT INTO sessions (session_id, status, updated_at) VALUES ($1, 'running', $2) ON CONFLICT DO NOTHING`,
  touch: `UPDATE sessions SET event_count = event_count + $2, last_seq = $3, updated_at = $4 WHERE session_id = $1`,
  terminal: `UPDATE sessions SET status = $2, terminal_event_id = $3, terminal_type = $4 WHERE session_id = $1 AND terminal_event_id IS NULL`,
  status: `UPDATE sessions SET status = $2 WHERE session_id = $1 AND terminal_event_id IS NULL`,
  phase: `UPDATE sessions SET current_phase = $2 WHERE session_id = $1`,
  phaseRow: `INSERT INTO session_phases (session_id, phase, status, started_at, ended_at) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (session_id, phase) DO UPDATE SET status = $3, started_at = coalesce(session_phases.started_at, $4), ended_at = $5`,
  cost: `UPDATE sessions SET cost_usd = cost_usd + $2, tokens = tokens + $3 WHERE session_id = $1`,
  acInsert: `INSERT INTO session_acs (session_id, ac_id, position, parent_id, depth, description, updated_seq) VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (session_id, ac_id) DO UPDATE SET position = $3, parent_id = $4, depth = $5, description = $6`,
  acStatus: `UPDATE session_acs SET status = $3, attempts = greatest(attempts, $4), updated_seq = $5 WHERE session_id = $1 AND ac_id = $2`,
  acPhase: `UPDATE session_acs SET phase = $3, status = CASE WHEN status IN ('passed','failed') THEN status ELSE 'executing' END,
            attempts = greatest(attempts, $4), updated_seq = $5 WHERE session_id = $1 AND ac_id = $2`,
  acTier: `UPDATE session_acs SET tier = $3 WHERE session_id = $1 AND ac_id = $2`,
  acCost: `UPDATE session_acs SET cost_usd = cost_usd + $3, tokens = tokens + $4 WHERE session_id = $1 AND ac_id = $2`,
  acCounts: `UPDATE sessions SET acs_total = (SELECT count(*) FROM session_acs WHERE session_id = $1 AND depth = 0),
             acs_passed = (SELECT count(*) FROM session_acs WHERE session_id = $1 AND depth = 0 AND status = 'passed'),
             acs_failed = (SELECT count(*) FROM session_acs WHERE session_id = $1 AND depth = 0 AND status = 'failed') WHERE session_id = $1`,
};
