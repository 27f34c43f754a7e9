/**
 * The projector of projections.ts on PostgreSQL: the same SessionStates (cache, catch-up,
 * snapshots, changed rows), only the SQL differs ($n parameters, ON CONFLICT (…)).
 */
import type { SQL } from "bun";
import type { ProjectionBatch, SnapshotRow } from "../projections.ts";
import { fromSnapshot } from "../session-snapshot.ts";
import type { SessionState } from "../session-state.ts";
import { toRow } from "./read.ts";

const COLS =
  "seq, id, aggregate_type, aggregate_id, event_type, payload, timestamp, event_version, consensus_id, session_id";

export const PG_PROJECTION_SQL = {
  snapshot: `SELECT seq, state FROM session_snapshots WHERE session_id = $1`,
  after: `SELECT ${COLS} FROM events WHERE session_id = $1 AND seq > $2 ORDER BY seq`,
  session: `INSERT INTO sessions (session_id, execution_id, seed_id, goal, runtime, status, current_phase, started_at, updated_at,
            start_event_id, terminal_event_id, terminal_type, event_count, last_seq, cost_usd, tokens, acs_total, acs_passed, acs_failed)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
            ON CONFLICT (session_id) DO UPDATE SET execution_id = $2, seed_id = $3, goal = $4, runtime = $5, status = $6,
            current_phase = $7, started_at = $8, updated_at = $9, start_event_id = $10, terminal_event_id = $11,
            terminal_type = $12, event_count = $13, last_seq = $14, cost_usd = $15, tokens = $16, acs_total = $17,
            acs_passed = $18, acs_failed = $19`,
  ac: `INSERT INTO session_acs (session_id, ac_id, position, parent_id, depth, description, status, phase, tier, attempts, cost_usd, tokens, updated_seq)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
       ON CONFLICT (session_id, ac_id) DO UPDATE SET position = $3, parent_id = $4, depth = $5, description = $6, status = $7,
       phase = $8, tier = $9, attempts = $10, cost_usd = $11, tokens = $12, updated_seq = $13`,
  phase: `INSERT INTO session_phases (session_id, phase, status, started_at, ended_at) VALUES ($1, $2, $3, $4, $5)
          ON CONFLICT (session_id, phase) DO UPDATE SET status = $3, started_at = $4, ended_at = $5`,
  save: `INSERT INTO session_snapshots (session_id, seq, state) VALUES ($1, $2, $3)
         ON CONFLICT (session_id) DO UPDATE SET seq = $2, state = $3`,
};

/** The session's reducer state as of the last commit; `lastSeq` is its session row's last_seq (0 if none). */
export async function openPgSession(tx: SQL, b: ProjectionBatch, sid: string, lastSeq: number): Promise<SessionState> {
  const opened = b.opened(sid);
  if (opened) return opened;
  const after = async (seq: number) =>
    ((await tx.unsafe(PG_PROJECTION_SQL.after, [sid, seq])) as Record<string, unknown>[]).map(toRow);
  const cached = b.reusable(sid, lastSeq);
  if (cached) return b.open(sid, cached.lastSeq < lastSeq ? await after(cached.lastSeq) : []);
  const [snapshot] = (await tx.unsafe(PG_PROJECTION_SQL.snapshot, [sid])) as SnapshotRow[];
  const restored = snapshot ? fromSnapshot(snapshot.state) : null;
  return b.restore(sid, restored, await after(restored?.lastSeq ?? 0));
}

/** The statements writing the rows the batch changed, pipelined on the transaction's connection. */
export function flushPg(tx: SQL, b: ProjectionBatch): Promise<unknown>[] {
  const out: Promise<unknown>[] = [];
  for (const w of b.finish()) {
    out.push(tx.unsafe(PG_PROJECTION_SQL.session, w.session));
    for (const a of w.acs) out.push(tx.unsafe(PG_PROJECTION_SQL.ac, a));
    for (const p of w.phases) out.push(tx.unsafe(PG_PROJECTION_SQL.phase, p));
    if (w.snapshot) out.push(tx.unsafe(PG_PROJECTION_SQL.save, w.snapshot));
  }
  return out;
}
