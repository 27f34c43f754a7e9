/**
 * The named lookups the rest of the program asks of the log, beyond read.ts's filters: each is
 * one question (a session's start, its failures, a lineage…) so callers never write SQL, and each
 * is shaped to become an EventBackend method (backend.ts) when the readers move to it.
 */
import type { Seed } from "../seed/schema.ts";
import type { EventRow } from "./envelope.ts";
import { findSession, sessionAcs, sessionPhases, type AcRow, type SessionRow } from "./read.ts";
import { EventReader } from "./reader.ts";

const conn = EventReader.sqlite;
const COLS =
  "seq, id, aggregate_type, aggregate_id, event_type, payload, timestamp, event_version, consensus_id, session_id";

/** One event of an aggregate (an interview, an auto run, a job), its payload parsed. */
export interface AggregateEvent {
  seq: number;
  type: string;
  timestamp: string;
  data: Record<string, unknown>;
}

/** What `orchestrator.session.started` records about a run (the fields a resume or a judge needs). */
export interface SessionStart {
  seed?: Seed;
  seed_id?: string;
  seed_path?: string | null;
  project_dir?: string;
  runtime?: string;
  parallel?: number;
  max_decomposition_depth?: number;
}

/** The session's start payload, or null when it never started. */
export function sessionStart(r: EventReader, sessionId: string): SessionStart | null {
  const row = conn(r)
    .query("SELECT payload FROM events WHERE session_id = ? AND event_type = 'orchestrator.session.started'")
    .get(sessionId) as { payload: string } | null;
  return row ? (JSON.parse(row.payload) as SessionStart) : null;
}

/** The newest session started from this seed id (`auto` resumes it instead of starting over). */
export function latestSessionForSeed(r: EventReader, seedId: string): string | null {
  const row = conn(r)
    .query(
      "SELECT session_id FROM events WHERE event_type = 'orchestrator.session.started' AND json_extract(payload, '$.seed_id') = ? ORDER BY seq DESC LIMIT 1",
    )
    .get(seedId) as { session_id: string } | null;
  return row?.session_id ?? null;
}

/** Whether this aggregate already has an event of this type (idempotent re-recording). */
export function hasAggregateEvent(r: EventReader, aggregateType: string, id: string, eventType: string): boolean {
  return Boolean(
    conn(r)
      .query("SELECT 1 FROM events WHERE aggregate_type = ? AND aggregate_id = ? AND event_type = ? LIMIT 1")
      .get(aggregateType, id, eventType),
  );
}

const toAggregateEvent = (row: { seq: number; event_type: string; payload: string; timestamp: string }) => ({
  seq: row.seq,
  type: row.event_type,
  timestamp: row.timestamp,
  data: JSON.parse(row.payload) as Record<string, unknown>,
});

/** One aggregate's events in log order. */
export function aggregateEvents(r: EventReader, aggregateType: string, id: string): AggregateEvent[] {
  return (
    conn(r)
      .query(
        "SELECT seq, event_type, payload, timestamp FROM events WHERE aggregate_type = ? AND aggregate_id = ? ORDER BY seq",
      )
      .all(aggregateType, id) as { seq: number; event_type: string; payload: string; timestamp: string }[]
  ).map(toAggregateEvent);
}

/** Every event of one aggregate type (all its ids) in log order, e.g. the brownfield registry. */
export function aggregateTypeEvents(r: EventReader, aggregateType: string): AggregateEvent[] {
  return (
    conn(r)
      .query("SELECT seq, event_type, payload, timestamp FROM events WHERE aggregate_type = ? ORDER BY seq")
      .all(aggregateType) as { seq: number; event_type: string; payload: string; timestamp: string }[]
  ).map(toAggregateEvent);
}

/** One aggregate's rows past a cursor, oldest first (a job follower's next page). */
export function aggregateRowsAfter(
  r: EventReader,
  aggregateType: string,
  id: string,
  afterSeq: number,
  limit: number,
): EventRow[] {
  return conn(r)
    .query(`SELECT ${COLS} FROM events WHERE aggregate_type = ? AND aggregate_id = ? AND seq > ? ORDER BY seq LIMIT ?`)
    .all(aggregateType, id, afterSeq, limit) as EventRow[];
}

/** A session's evolution: its lineage events and the AC rewordings, in log order. */
export function lineageEvents(r: EventReader, sessionId: string): AggregateEvent[] {
  return (
    conn(r)
      .query(
        `SELECT seq, event_type, payload, timestamp FROM events WHERE session_id = ? AND (event_type GLOB 'lineage.*' OR event_type = 'execution.ac.refined') ORDER BY seq`,
      )
      .all(sessionId) as { seq: number; event_type: string; payload: string; timestamp: string }[]
  ).map(toAggregateEvent);
}

/** The session's latest failures (failed events, stalls, cancellation, failed ACs), oldest first. */
export function sessionFailures(
  r: EventReader,
  sessionId: string,
  limit = 20,
): { type: string; data: Record<string, unknown> }[] {
  const rows = conn(r)
    .query(`SELECT event_type, payload FROM events WHERE session_id = ? AND (event_type GLOB '*.failed' OR event_type GLOB '*.stall_detected' OR event_type = 'orchestrator.session.cancelled'
             OR (event_type = 'execution.ac.status_changed' AND json_extract(payload, '$.status') = 'failed')) ORDER BY seq DESC LIMIT ?`)
    .all(sessionId, limit) as { event_type: string; payload: string }[];
  return rows.reverse().map((e) => ({ type: e.event_type, data: JSON.parse(e.payload) as Record<string, unknown> }));
}

/** The session's terminal (or pause) event, if any. */
export function sessionEnding(
  r: EventReader,
  sessionId: string,
): { type: string; data: Record<string, unknown> } | null {
  const row = conn(r)
    .query(
      `SELECT event_type, payload FROM events WHERE session_id = ? AND event_type IN ('orchestrator.session.completed','orchestrator.session.failed','orchestrator.session.cancelled','orchestrator.session.paused') ORDER BY seq DESC LIMIT 1`,
    )
    .get(sessionId) as { event_type: string; payload: string } | null;
  return row ? { type: row.event_type, data: JSON.parse(row.payload) as Record<string, unknown> } : null;
}

/** Payloads of one event type within a session, in log order (e.g. every judged attempt). */
export function sessionPayloads(r: EventReader, sessionId: string, eventType: string): Record<string, unknown>[] {
  return (
    conn(r)
      .query("SELECT payload FROM events WHERE session_id = ? AND event_type = ? ORDER BY seq")
      .all(sessionId, eventType) as { payload: string }[]
  ).map((row) => JSON.parse(row.payload) as Record<string, unknown>);
}

export interface PageFilter {
  session?: string;
  /** An exact type, or a glob when it has `*`, `?` or `[` (`execution.ac.*`). */
  type?: string;
  limit: number;
  offset: number;
  /** The newest page (still returned oldest first). */
  latest?: boolean;
}

/** One page of events in log order, with the count of all matches so a client can page. */
export function eventPage(r: EventReader, f: PageFilter): { total: number; rows: EventRow[] } {
  const where: string[] = [];
  const params: string[] = [];
  if (f.session) where.push("session_id = ?"), params.push(f.session);
  if (f.type) where.push(/[*?[]/.test(f.type) ? "event_type GLOB ?" : "event_type = ?"), params.push(f.type);
  const w = where.length ? `WHERE ${where.join(" AND ")}` : "";
  const limit = Math.max(0, Math.floor(f.limit));
  const offset = Math.max(0, Math.floor(f.offset));
  const db = conn(r);
  const total = (db.query(`SELECT count(*) AS n FROM events ${w}`).get(...params) as { n: number }).n;
  const order = f.latest ? "DESC" : "";
  const rows = db
    .query(`SELECT ${COLS} FROM events ${w} ORDER BY seq ${order} LIMIT ${limit} OFFSET ${offset}`)
    .all(...params) as EventRow[];
  return { total, rows: f.latest ? rows.reverse() : rows };
}

/** A session by its execution id. */
export function sessionByExecutionId(r: EventReader, executionId: string): SessionRow | null {
  return conn(r).query("SELECT * FROM sessions WHERE execution_id = ?").get(executionId) as SessionRow | null;
}

/** The most recently started session still running, if any. */
export function latestRunningSession(r: EventReader): SessionRow | null {
  return conn(r)
    .query(`SELECT * FROM sessions WHERE status = 'running' ORDER BY coalesce(started_at, updated_at) DESC LIMIT 1`)
    .get() as SessionRow | null;
}

/** Size and journal mode of the store (`mcp doctor`). */
export function storeStats(r: EventReader): { events: number; journalMode: string } {
  const db = conn(r);
  const n = (db.query("SELECT count(*) AS n FROM events").get() as { n: number }).n;
  const mode = (db.query("PRAGMA journal_mode").get() as { journal_mode: string }).journal_mode;
  return { events: n, journalMode: mode };
}

export interface SessionSnapshot {
  row: SessionRow;
  acs: AcRow[];
  phases: ReturnType<typeof sessionPhases>;
  /** The session's events up to row.last_seq: the newest `recent` of them, plus every older one of `alwaysTypes`. */
  events: EventRow[];
}

/**
 * One consistent view of a session (a single read transaction): its projection rows and the
 * tail of its events, for a reader that folds projections plus recent events (the dashboard).
 */
export function sessionSnapshot(
  r: EventReader,
  idOrPrefix: string,
  recent: number,
  alwaysTypes: readonly string[],
): SessionSnapshot | null {
  const db = conn(r);
  return db.transaction(() => {
    const row = findSession(r, idOrPrefix);
    if (!row) return null;
    const upto = row.last_seq ?? 0;
    const tail = db
      .query(`SELECT ${COLS} FROM events WHERE session_id = ? AND seq <= ? ORDER BY seq DESC LIMIT ?`)
      .all(row.session_id, upto, recent) as EventRow[];
    const oldest = tail.length ? tail[tail.length - 1]!.seq : upto + 1;
    const older = db
      .query(
        `SELECT ${COLS} FROM events WHERE session_id = ? AND seq < ? AND event_type IN (${alwaysTypes.map(() => "?").join(",")}) ORDER BY seq`,
      )
      .all(row.session_id, oldest, ...alwaysTypes) as EventRow[];
    return {
      row,
      acs: sessionAcs(r, row.session_id),
      phases: sessionPhases(r, row.session_id),
      events: [...older, ...tail.reverse()],
    };
  })();
}
