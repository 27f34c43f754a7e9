/**
 * The named lookups (lookups.ts) on PostgreSQL: the same questions, ordering and shapes as
 * queries.ts answers on SQLite. `payload` is TEXT (byte-identical export), so the JSON field
 * tests cast it; SQLite's GLOBs become anchored regexes (globToRegex) or LIKE prefixes.
 */
import type { SQL } from "bun";
import type { EventRow } from "../envelope.ts";
import type { TypedPayload } from "../lookups.ts";
import type { AggregateEvent, PageFilter, SessionStart } from "../queries.ts";
import type { SessionRow } from "../read.ts";
import { globToRegex, toRow, toSession } from "./read.ts";

const COLS =
  "seq, id, aggregate_type, aggregate_id, event_type, payload, timestamp, event_version, consensus_id, session_id";

type Raw = Record<string, unknown>;
const all = async (sql: SQL, text: string, params: unknown[]) => (await sql.unsafe(text, params)) as Raw[];

const toAggregateEvent = (r: Raw): AggregateEvent => ({
  seq: Number(r.seq),
  type: String(r.event_type),
  timestamp: String(r.timestamp),
  data: JSON.parse(String(r.payload)) as Record<string, unknown>,
});
const toTyped = (r: Raw): TypedPayload => ({
  type: String(r.event_type),
  data: JSON.parse(String(r.payload)) as Record<string, unknown>,
});

/** The events matching `where`, in seq order, as the aggregate readers take them. */
const eventsWhere = async (sql: SQL, where: string, params: unknown[]): Promise<AggregateEvent[]> =>
  (await all(sql, `SELECT seq, event_type, payload, timestamp FROM events WHERE ${where} ORDER BY seq`, params)).map(
    toAggregateEvent,
  );

export function pgAggregateEvents(sql: SQL, aggregateType: string, id: string): Promise<AggregateEvent[]> {
  return eventsWhere(sql, "aggregate_type = $1 AND aggregate_id = $2", [aggregateType, id]);
}

export function pgAggregateTypeEvents(sql: SQL, aggregateType: string): Promise<AggregateEvent[]> {
  return eventsWhere(sql, "aggregate_type = $1", [aggregateType]);
}

export async function pgAggregateRowsAfter(
  sql: SQL,
  aggregateType: string,
  id: string,
  afterSeq: number,
  limit: number,
): Promise<EventRow[]> {
  const rows = await all(
    sql,
    `SELECT ${COLS} FROM events WHERE aggregate_type = $1 AND aggregate_id = $2 AND seq > $3 ORDER BY seq LIMIT $4`,
    [aggregateType, id, afterSeq, Math.max(0, Math.floor(limit))],
  );
  return rows.map(toRow);
}

export async function pgHasAggregateEvent(
  sql: SQL,
  aggregateType: string,
  id: string,
  eventType: string,
): Promise<boolean> {
  const rows = await all(
    sql,
    "SELECT 1 FROM events WHERE aggregate_type = $1 AND aggregate_id = $2 AND event_type = $3 LIMIT 1",
    [aggregateType, id, eventType],
  );
  return rows.length > 0;
}

export async function pgHasEventsFor(sql: SQL, id: string): Promise<boolean> {
  const rows = await all(
    sql,
    "SELECT 1 FROM events WHERE session_id = $1 UNION ALL SELECT 1 FROM events WHERE aggregate_id = $1 LIMIT 1",
    [id],
  );
  return rows.length > 0;
}

export async function pgSessionStart(sql: SQL, sessionId: string): Promise<SessionStart | null> {
  const [row] = await all(
    sql,
    "SELECT payload FROM events WHERE session_id = $1 AND event_type = 'orchestrator.session.started' ORDER BY seq LIMIT 1",
    [sessionId],
  );
  return row ? (JSON.parse(String(row.payload)) as SessionStart) : null;
}

export async function pgLatestSessionForSeed(sql: SQL, seedId: string): Promise<string | null> {
  const [row] = await all(
    sql,
    "SELECT session_id FROM events WHERE event_type = 'orchestrator.session.started' AND payload::json->>'seed_id' = $1 ORDER BY seq DESC LIMIT 1",
    [seedId],
  );
  return row ? String(row.session_id) : null;
}

export function pgLineageEvents(sql: SQL, sessionId: string): Promise<AggregateEvent[]> {
  return eventsWhere(sql, "session_id = $1 AND (event_type LIKE 'lineage.%' OR event_type = 'execution.ac.refined')", [
    sessionId,
  ]);
}

export async function pgSessionFailures(sql: SQL, sessionId: string, limit = 20): Promise<TypedPayload[]> {
  const rows = await all(
    sql,
    `SELECT event_type, payload FROM events WHERE session_id = $1 AND (event_type ~ '\\.(failed|stall_detected)$' OR event_type = 'orchestrator.session.cancelled'
       OR (event_type = 'execution.ac.status_changed' AND payload::json->>'status' = 'failed')) ORDER BY seq DESC LIMIT $2`,
    [sessionId, limit],
  );
  return rows.reverse().map(toTyped);
}

export async function pgSessionEnding(sql: SQL, sessionId: string): Promise<TypedPayload | null> {
  const [row] = await all(
    sql,
    `SELECT event_type, payload FROM events WHERE session_id = $1 AND event_type IN ('orchestrator.session.completed','orchestrator.session.failed','orchestrator.session.cancelled','orchestrator.session.paused') ORDER BY seq DESC LIMIT 1`,
    [sessionId],
  );
  return row ? toTyped(row) : null;
}

export async function pgSessionPayloads(
  sql: SQL,
  sessionId: string,
  eventType: string,
): Promise<Record<string, unknown>[]> {
  const rows = await all(sql, "SELECT payload FROM events WHERE session_id = $1 AND event_type = $2 ORDER BY seq", [
    sessionId,
    eventType,
  ]);
  return rows.map((r) => JSON.parse(String(r.payload)) as Record<string, unknown>);
}

export async function pgEventPage(sql: SQL, f: PageFilter): Promise<{ total: number; rows: EventRow[] }> {
  const where: string[] = [];
  const params: string[] = [];
  if (f.session) params.push(f.session), where.push(`session_id = $${params.length}`);
  if (f.type) {
    const glob = /[*?[]/.test(f.type);
    params.push(glob ? globToRegex(f.type) : f.type);
    where.push(glob ? `event_type ~ $${params.length}` : `event_type = $${params.length}`);
  }
  const w = where.length ? `WHERE ${where.join(" AND ")}` : "";
  const limit = Math.max(0, Math.floor(f.limit));
  const offset = Math.max(0, Math.floor(f.offset));
  // One snapshot for the count and the page, as SQLite's single connection gives.
  return sql.begin("ISOLATION LEVEL REPEATABLE READ READ ONLY", async (tx) => {
    const [n] = (await tx.unsafe(`SELECT count(*) AS n FROM events ${w}`, params)) as Raw[];
    const rows = (
      (await tx.unsafe(
        `SELECT ${COLS} FROM events ${w} ORDER BY seq ${f.latest ? "DESC" : ""} LIMIT ${limit} OFFSET ${offset}`,
        params,
      )) as Raw[]
    ).map(toRow);
    return { total: Number(n?.n ?? 0), rows: f.latest ? rows.reverse() : rows };
  });
}

export async function pgSessionByExecutionId(sql: SQL, executionId: string): Promise<SessionRow | null> {
  const [row] = await all(sql, "SELECT * FROM sessions WHERE execution_id = $1 LIMIT 1", [executionId]);
  return row ? toSession(row) : null;
}

export async function pgLatestRunningSession(sql: SQL): Promise<SessionRow | null> {
  const [row] = await all(
    sql,
    "SELECT * FROM sessions WHERE status = 'running' ORDER BY coalesce(started_at, updated_at) DESC LIMIT 1",
    [],
  );
  return row ? toSession(row) : null;
}
