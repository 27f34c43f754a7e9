/** Read side on PostgreSQL: the same filters, ordering and row shapes as read.ts. */
import type { SQL } from "bun";
import { fail, ok, type Result } from "../../errors.ts";
import type { EventRow } from "../envelope.ts";
import type { PhaseRow } from "../backend.ts";
import type { SessionSnapshot } from "../queries.ts";
import type { AcRow, EventFilter, SessionRow } from "../read.ts";

const COLS =
  "seq, id, aggregate_type, aggregate_id, event_type, payload, timestamp, event_version, consensus_id, session_id";

/** SQLite GLOB semantics (case-sensitive `*`, `?`, `[...]`) as an anchored POSIX regex. */
export function globToRegex(glob: string): string {
  let out = "^";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === "*") out += ".*";
    else if (c === "?") out += ".";
    else if (c === "[") {
      const end = glob.indexOf("]", i + 2);
      if (end < 0) out += "\\[";
      else {
        const body = glob.slice(i + 1, end);
        out += `[${body.startsWith("^") ? `^${body.slice(1)}` : body}]`;
        i = end;
      }
    } else out += /[\\^$.|+(){}]/.test(c) ? `\\${c}` : c;
  }
  return `${out}$`;
}

/** Bun.SQL returns BIGINT as a string; the envelope's numbers are JavaScript numbers. */
export const toRow = (r: Record<string, unknown>): EventRow => ({
  ...(r as unknown as EventRow),
  seq: Number(r.seq),
  event_version: Number(r.event_version),
});

function where(f: EventFilter): { sql: string; params: (string | number)[] } {
  const parts: string[] = [];
  const params: (string | number)[] = [];
  const add = (clause: string, value: string | number) => {
    params.push(value);
    parts.push(clause.replace("?", `$${params.length}`));
  };
  if (f.session) add("session_id = ?", f.session);
  if (f.afterSeq !== undefined) add("seq > ?", f.afterSeq);
  if (f.sinceTime) add("timestamp >= ?", f.sinceTime);
  if (f.typeGlob) add("event_type ~ ?", globToRegex(f.typeGlob));
  return { sql: parts.length ? `WHERE ${parts.join(" AND ")}` : "", params };
}

export async function pgQueryEvents(sql: SQL, f: EventFilter): Promise<EventRow[]> {
  const w = where(f);
  const limit = f.limit ? ` LIMIT ${Math.max(0, Math.floor(f.limit))}` : "";
  const rows = (await sql.unsafe(`SELECT ${COLS} FROM events ${w.sql} ORDER BY seq${limit}`, w.params)) as Record<
    string,
    unknown
  >[];
  return rows.map(toRow);
}

export async function pgResolveSince(
  sql: SQL,
  since: string | undefined,
): Promise<Result<Pick<EventFilter, "afterSeq" | "sinceTime">>> {
  if (!since) return ok({});
  if (/^\d+$/.test(since)) return ok({ afterSeq: Number(since) });
  const [r] = (await sql`SELECT seq FROM events WHERE id = ${since}`) as { seq: string }[];
  if (r) return ok({ afterSeq: Number(r.seq) });
  const t = Date.parse(since);
  if (!Number.isNaN(t) && /\d{4}-\d{2}-\d{2}/.test(since)) return ok({ sinceTime: new Date(t).toISOString() });
  return fail("badArgs", `--since '${since}' is neither a row number, a known event id, nor an ISO time`);
}

export async function pgTailSeq(sql: SQL): Promise<number> {
  const [r] = (await sql`SELECT coalesce(max(seq), 0) AS s FROM events`) as { s: string }[];
  return Number(r?.s ?? 0);
}

export const toSession = (r: Record<string, unknown>): SessionRow => ({
  ...(r as unknown as SessionRow),
  event_count: Number(r.event_count),
  last_seq: r.last_seq === null ? null : Number(r.last_seq),
  tokens: Number(r.tokens),
});

/** Every column, as the SQLite `SELECT *` returns them (start/terminal event ids included). */
const SESSION_COLS = "*";

export async function pgListSessions(sql: SQL, limit = 50): Promise<SessionRow[]> {
  const rows = await sql.unsafe(
    `SELECT ${SESSION_COLS} FROM sessions ORDER BY coalesce(started_at, updated_at) DESC LIMIT $1`,
    [limit],
  );
  return (rows as Record<string, unknown>[]).map(toSession);
}

/** Exact id, or a unique prefix of one. */
export async function pgFindSession(sql: SQL, idOrPrefix: string): Promise<SessionRow | null> {
  const [exact] = await sql.unsafe(`SELECT ${SESSION_COLS} FROM sessions WHERE session_id = $1`, [idOrPrefix]);
  if (exact) return toSession(exact);
  const prefix = `${idOrPrefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const many = (await sql.unsafe(`SELECT ${SESSION_COLS} FROM sessions WHERE session_id LIKE $1 LIMIT 2`, [
    prefix,
  ])) as Record<string, unknown>[];
  return many.length === 1 ? toSession(many[0]!) : null;
}

/** Rows in seq order, read in pages on a cursor, so a large session never sits in memory whole. */
export async function pgForEachEvent(
  sql: SQL,
  f: EventFilter,
  fn: (row: EventRow) => void | Promise<void>,
  page = 5000,
): Promise<number> {
  let n = 0;
  let cursor = f.afterSeq;
  for (;;) {
    const want = f.limit ? Math.min(page, f.limit - n) : page;
    if (want <= 0) return n;
    const rows = await pgQueryEvents(sql, { ...f, afterSeq: cursor, limit: want });
    for (const r of rows) {
      n++;
      cursor = r.seq;
      const wait = fn(r);
      if (wait) await wait;
    }
    if (rows.length < want) return n;
  }
}

export async function pgSessionAcs(sql: SQL, sessionId: string): Promise<AcRow[]> {
  const rows = (await sql.unsafe(
    `SELECT ac_id, position, parent_id, depth, description, status, phase, tier, attempts, cost_usd, tokens
     FROM session_acs WHERE session_id = $1 ORDER BY depth, position`,
    [sessionId],
  )) as Record<string, unknown>[];
  return rows.map((r) => ({ ...(r as unknown as AcRow), tokens: Number(r.tokens) }));
}

export async function pgSessionPhases(sql: SQL, sessionId: string): Promise<PhaseRow[]> {
  // NULLS FIRST: SQLite orders NULL before any text, and both backends must list phases alike.
  return (await sql.unsafe(
    `SELECT phase, status, started_at, ended_at FROM session_phases WHERE session_id = $1 ORDER BY started_at NULLS FIRST`,
    [sessionId],
  )) as PhaseRow[];
}

/** As sessionSnapshot in queries.ts: one REPEATABLE READ transaction, so rows and events agree. */
export function pgSessionSnapshot(
  sql: SQL,
  idOrPrefix: string,
  recent: number,
  alwaysTypes: readonly string[],
): Promise<SessionSnapshot | null> {
  return sql.begin("ISOLATION LEVEL REPEATABLE READ READ ONLY", async (tx) => {
    const row = await pgFindSession(tx, idOrPrefix);
    if (!row) return null;
    const upto = row.last_seq ?? 0;
    const tail = (
      (await tx.unsafe(`SELECT ${COLS} FROM events WHERE session_id = $1 AND seq <= $2 ORDER BY seq DESC LIMIT $3`, [
        row.session_id,
        upto,
        recent,
      ])) as Record<string, unknown>[]
    ).map(toRow);
    const oldest = tail.length ? tail[tail.length - 1]!.seq : upto + 1;
    const older = (
      (await tx.unsafe(
        `SELECT ${COLS} FROM events WHERE session_id = $1 AND seq < $2
         AND event_type IN (SELECT json_array_elements_text($3::text::json)) ORDER BY seq`,
        [row.session_id, oldest, JSON.stringify(alwaysTypes)],
      )) as Record<string, unknown>[]
    ).map(toRow);
    return {
      row,
      acs: await pgSessionAcs(tx, row.session_id),
      phases: await pgSessionPhases(tx, row.session_id),
      events: [...older, ...tail.reverse()],
    };
  }) as Promise<SessionSnapshot | null>;
}
