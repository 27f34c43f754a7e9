/** JSON views over the event store shared by tools and resources. Read-only. */
import type { Database } from "bun:sqlite";
import { fail, ok, type Result } from "../errors.ts";
import type { EventRow } from "../events/envelope.ts";
import {
  findSession,
  findSessionByExecution,
  lastLifecycleEvent,
  sessionAcs,
  sessionFailureEvents,
  sessionPhases,
  type SessionRow,
} from "../events/read.ts";

export const eventJson = (r: EventRow) => ({
  seq: r.seq,
  id: r.id,
  type: r.event_type,
  timestamp: r.timestamp,
  session_id: r.session_id,
  aggregate: `${r.aggregate_type}/${r.aggregate_id}`,
  data: JSON.parse(r.payload) as unknown,
});

const COLS =
  "seq, id, aggregate_type, aggregate_id, event_type, payload, timestamp, event_version, consensus_id, session_id";

/** Events in log order, filtered; `total` counts all matches so a client can page. */
export function pageEvents(
  db: Database,
  f: { session?: string; type?: string; limit: number; offset: number; latest?: boolean },
) {
  const where: string[] = [];
  const params: string[] = [];
  if (f.session) where.push("session_id = ?"), params.push(f.session);
  // A pattern with * or ? is a glob (`execution.ac.*`); anything else is an exact type.
  if (f.type) where.push(/[*?[]/.test(f.type) ? "event_type GLOB ?" : "event_type = ?"), params.push(f.type);
  const w = where.length ? `WHERE ${where.join(" AND ")}` : "";
  const total = (db.query(`SELECT count(*) AS n FROM events ${w}`).get(...params) as { n: number }).n;
  const rows = f.latest
    ? (
        db
          .query(`SELECT ${COLS} FROM events ${w} ORDER BY seq DESC LIMIT ${f.limit} OFFSET ${f.offset}`)
          .all(...params) as EventRow[]
      ).reverse()
    : (db
        .query(`SELECT ${COLS} FROM events ${w} ORDER BY seq LIMIT ${f.limit} OFFSET ${f.offset}`)
        .all(...params) as EventRow[]);
  return { total, offset: f.offset, count: rows.length, events: rows.map(eventJson) };
}

export function requireSession(db: Database, id: string): Result<SessionRow> {
  const s = findSession(db, id);
  return s
    ? ok(s)
    : fail("unknownId", `no session '${id}'`, {
        hint: "ouroboros_query_events or the ouroboros://sessions resource lists sessions",
      });
}

/** The shared store and one session by id or prefix: the first step of most session tools. */
export async function openSession(
  ctx: { store(): Promise<Result<{ db: Database }>> },
  id: string,
): Promise<Result<{ db: Database; session: SessionRow }>> {
  const store = await ctx.store();
  if (!store.ok) return store;
  const s = requireSession(store.value.db, id);
  return s.ok ? ok({ db: store.value.db, session: s.value }) : s;
}

/** A session by execution id (or, for convenience, by session id or prefix). */
export function sessionByExecution(db: Database, id: string): Result<SessionRow> {
  const s = findSessionByExecution(db, id) ?? findSession(db, id);
  return s
    ? ok(s)
    : fail("unknownId", `no execution or session '${id}'`, {
        hint: "ouroboros://sessions lists them with their execution_id",
      });
}

const isTerminal = (s: SessionRow) => Boolean(s.terminal_type);

export function sessionSummary(s: SessionRow) {
  return {
    session_id: s.session_id,
    execution_id: s.execution_id,
    seed_id: s.seed_id,
    goal: s.goal,
    runtime: s.runtime,
    status: s.status,
    done: isTerminal(s),
    phase: s.current_phase,
    progress: { acs_total: s.acs_total, acs_passed: s.acs_passed, acs_failed: s.acs_failed },
    started_at: s.started_at,
    updated_at: s.updated_at,
    cost_usd: s.cost_usd,
    tokens: s.tokens,
    event_count: s.event_count,
    last_seq: s.last_seq,
  };
}

/** Status with the session's errors: failed ACs, failures and the terminal reason. */
export function sessionDetail(db: Database, s: SessionRow) {
  return {
    ...sessionSummary(s),
    phases: sessionPhases(db, s.session_id),
    acs: sessionAcs(db, s.session_id),
    errors: sessionFailureEvents(db, s.session_id).map(({ type, data: d }) => ({
      type,
      ac_id: d.ac_id ?? null,
      message: String(
        d.error ??
          d.reason ??
          d.message ??
          d.summary ??
          (d.status ? `${d.ac_id} ${d.status}${d.attempt ? ` (attempt ${d.attempt})` : ""}` : ""),
      ),
    })),
  };
}

/** The session's terminal (or pause) event payload, if any. */
export const terminalEvent = lastLifecycleEvent;
