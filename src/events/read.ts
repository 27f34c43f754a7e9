/** Read side: filtered, ordered queries over the log and the projections. Works on read-only handles. */
import { fail, ok, type Result } from "../errors.ts";
import type { EventRow } from "./envelope.ts";
import { EventReader } from "./reader.ts";

const conn = EventReader.sqlite;

export interface EventFilter {
  session?: string;
  /** Only rows after this sequence number. */
  afterSeq?: number;
  /** Only rows at or after this ISO time. */
  sinceTime?: string;
  /** SQLite GLOB over the event type, e.g. `orchestrator.session.*`. */
  typeGlob?: string;
  limit?: number;
}

const COLS =
  "seq, id, aggregate_type, aggregate_id, event_type, payload, timestamp, event_version, consensus_id, session_id";

/** Resolve `--since ID|TIME` into a filter: a rowid, an event id, or a time. */
export function resolveSince(
  r: EventReader | null,
  since: string | undefined,
): Result<Pick<EventFilter, "afterSeq" | "sinceTime">> {
  if (!since) return ok({});
  if (/^\d+$/.test(since)) return ok({ afterSeq: Number(since) });
  if (r) {
    const hit = conn(r).query("SELECT seq FROM events WHERE id = ?").get(since) as { seq: number } | null;
    if (hit) return ok({ afterSeq: hit.seq });
  }
  const t = Date.parse(since);
  if (!Number.isNaN(t) && /\d{4}-\d{2}-\d{2}/.test(since)) return ok({ sinceTime: new Date(t).toISOString() });
  return fail("badArgs", `--since '${since}' is neither a row number, a known event id, nor an ISO time`);
}

/** The WHERE clause of a filter (without its limit); jsonl.ts pages with it. */
export function where(f: EventFilter): { sql: string; params: (string | number)[] } {
  const parts: string[] = [];
  const params: (string | number)[] = [];
  if (f.session) {
    parts.push("session_id = ?");
    params.push(f.session);
  }
  if (f.afterSeq !== undefined) {
    parts.push("seq > ?");
    params.push(f.afterSeq);
  }
  if (f.sinceTime) {
    parts.push("timestamp >= ?");
    params.push(f.sinceTime);
  }
  if (f.typeGlob) {
    parts.push("event_type GLOB ?");
    params.push(f.typeGlob);
  }
  return { sql: parts.length ? `WHERE ${parts.join(" AND ")}` : "", params };
}

export function queryEvents(r: EventReader, f: EventFilter): EventRow[] {
  const w = where(f);
  const limit = f.limit ? ` LIMIT ${Math.max(0, Math.floor(f.limit))}` : "";
  return conn(r)
    .query(`SELECT ${COLS} FROM events ${w.sql} ORDER BY seq${limit}`)
    .all(...w.params) as EventRow[];
}

/** Stream rows in seq order without materialising the whole result. Stop by returning false. */
export function forEachEvent(r: EventReader, f: EventFilter, fn: (row: EventRow) => boolean | void): number {
  const w = where(f);
  const limit = f.limit ? ` LIMIT ${Math.max(0, Math.floor(f.limit))}` : "";
  let n = 0;
  for (const row of conn(r)
    .query(`SELECT ${COLS} FROM events ${w.sql} ORDER BY seq${limit}`)
    .iterate(...w.params) as IterableIterator<EventRow>) {
    n++;
    if (fn(row) === false) break;
  }
  return n;
}

/**
 * The same stream for writers that may have to wait (a full stdout pipe): the callback's
 * promise is awaited before the next row, so nothing runs ahead of the reader.
 */
export async function forEachEventAsync(
  r: EventReader,
  f: EventFilter,
  fn: (row: EventRow) => void | Promise<void>,
): Promise<number> {
  const w = where(f);
  const limit = f.limit ? ` LIMIT ${Math.max(0, Math.floor(f.limit))}` : "";
  let n = 0;
  for (const row of conn(r)
    .query(`SELECT ${COLS} FROM events ${w.sql} ORDER BY seq${limit}`)
    .iterate(...w.params) as IterableIterator<EventRow>) {
    n++;
    const wait = fn(row);
    if (wait) await wait;
  }
  return n;
}

export const tailSeq = (r: EventReader): number =>
  (conn(r).query("SELECT coalesce(max(seq), 0) AS s FROM events").get() as { s: number }).s;
export const dataVersion = (r: EventReader): number =>
  (conn(r).query("PRAGMA data_version").get() as { data_version: number }).data_version;

export interface SessionRow {
  session_id: string;
  execution_id: string | null;
  seed_id: string | null;
  goal: string | null;
  runtime: string | null;
  status: string;
  current_phase: string | null;
  started_at: string | null;
  updated_at: string | null;
  terminal_type: string | null;
  event_count: number;
  last_seq: number | null;
  cost_usd: number;
  tokens: number;
  acs_total: number;
  acs_passed: number;
  acs_failed: number;
}

export function listSessions(r: EventReader, limit = 50): SessionRow[] {
  return conn(r)
    .query(`SELECT * FROM sessions ORDER BY coalesce(started_at, updated_at) DESC LIMIT ?`)
    .all(limit) as SessionRow[];
}

/** Any event recorded for this session or aggregate id (read-only; for unknown-id checks). */
export function hasEventsFor(r: EventReader, id: string): boolean {
  return Boolean(conn(r).query("SELECT 1 FROM events WHERE session_id = ?1 OR aggregate_id = ?1 LIMIT 1").get(id));
}

/** Exact id, or a unique prefix of one. */
export function findSession(r: EventReader, idOrPrefix: string): SessionRow | null {
  const exact = conn(r).query(`SELECT * FROM sessions WHERE session_id = ?`).get(idOrPrefix) as SessionRow | null;
  if (exact) return exact;
  const many = conn(r)
    .query(`SELECT * FROM sessions WHERE session_id GLOB ? LIMIT 2`)
    .all(`${idOrPrefix.replace(/[*?[]/g, "")}*`) as SessionRow[];
  return many.length === 1 ? many[0]! : null;
}

export interface AcRow {
  ac_id: string;
  position: number;
  parent_id: string | null;
  depth: number;
  description: string;
  status: string;
  phase: string | null;
  tier: string | null;
  attempts: number;
  cost_usd: number;
  tokens: number;
}

export const sessionAcs = (r: EventReader, sessionId: string): AcRow[] =>
  conn(r)
    .query(`SELECT ac_id, position, parent_id, depth, description, status, phase, tier, attempts, cost_usd, tokens FROM session_acs
            WHERE session_id = ? ORDER BY depth, position`)
    .all(sessionId) as AcRow[];

export const sessionPhases = (r: EventReader, sessionId: string) =>
  conn(r)
    .query(`SELECT phase, status, started_at, ended_at FROM session_phases WHERE session_id = ? ORDER BY started_at`)
    .all(sessionId) as {
    phase: string;
    status: string;
    started_at: string | null;
    ended_at: string | null;
  }[];
