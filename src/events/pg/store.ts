/**
 * The event store on PostgreSQL (Bun.SQL). The same validation (prepareEvent), the same skip
 * reasons and the same projections as the SQLite store, in one transaction per batch.
 *
 * Every append transaction takes one advisory lock first, so appends are serialised exactly as
 * SQLite's BEGIN IMMEDIATE does: `seq` order is commit order (a follower reading "seq > cursor"
 * can never miss a row committed late), and the one-start / one-terminal checks cannot race.
 * The transaction ends with NOTIFY, delivered on commit to every `follow`.
 */
import { SQL } from "bun";
import { describeUnknown, fail, ok, type OuroError, type Result } from "../../errors.ts";
import type { EventBackend, FollowControl, PhaseRow } from "../backend.ts";
import { type EventType, SESSION_STARTED, TERMINAL_TYPES } from "../catalogue.ts";
import type { EventRow, NewEvent, NewEventOf } from "../envelope.ts";
import { redactUrl } from "../db-url.ts";
import { SessionStates, type ProjectionBatch } from "../projections.ts";
import type { SessionSnapshot } from "../queries.ts";
import type { AcRow, EventFilter, SessionRow } from "../read.ts";
import { prepareEvent, storedEvent, type AppendResult, type PreparedRow } from "../store.ts";
import { pgFollow } from "./follow.ts";
import { flushPg, openPgSession } from "./projections.ts";
import { recordTakeover, type GoneHolder, type LeaseGrant, type LeaseHolder, type LeaseOwner } from "../lease.ts";
import type { ImportReport, ParsedImport } from "../transfer.ts";
import { pgAcquireLease, pgLeaseHolder, pgReleaseLease, pgRenewLease } from "./lease.ts";
import { importRowsPg } from "./transfer.ts";
import {
  pgFindSession,
  pgForEachEvent,
  pgListSessions,
  pgQueryEvents,
  pgResolveSince,
  pgSessionAcs,
  pgSessionPhases,
  pgSessionSnapshot,
  pgTailSeq,
} from "./read.ts";
import * as q from "./queries.ts";
import type { AggregateEvent, PageFilter, SessionStart } from "../queries.ts";
import type { TypedPayload } from "../lookups.ts";
import { APPEND_LOCK, CHANNEL, migratePg, type PgGuard } from "./schema.ts";

export type { PgGuard };

const TERMINAL = new Set<string>(TERMINAL_TYPES);

class Refused extends Error {
  constructor(readonly reason: OuroError) {
    super(reason.message);
  }
}

/** A URL is shown without its password (it ends up in error messages). */
export class PgEventStore implements EventBackend {
  readonly kind = "postgres" as const;
  private closed = false;
  /** Reducer states of the sessions appended to, shared by this store's transactions. */
  private readonly states = new SessionStates();

  private constructor(
    readonly sql: SQL,
    readonly url: string,
  ) {}

  static async open(url: string, opts: { max?: number } = {}): Promise<Result<PgEventStore>> {
    const sql = new SQL({ url, max: opts.max ?? 4, idleTimeout: 30 });
    try {
      await migratePg(sql);
      return ok(new PgEventStore(sql, url));
    } catch (e) {
      await sql.close().catch(() => undefined);
      return fail("failure", `cannot open event database ${redactUrl(url)}: ${describeUnknown(e)}`);
    }
  }

  append<T extends EventType>(event: NewEventOf<T>): Promise<Result<AppendResult>> {
    return this.appendValidated([event]);
  }

  /** All events are validated first, so garbage never lands partially. */
  appendBatch(events: readonly NewEvent[]): Promise<Result<AppendResult>> {
    return this.appendValidated(events);
  }

  private appendValidated(events: readonly unknown[]): Promise<Result<AppendResult>> {
    const rows: PreparedRow[] = [];
    for (const [i, e] of events.entries()) {
      const r = prepareEvent(e);
      if (!r.ok)
        return Promise.resolve(
          fail(r.error.kind, events.length > 1 ? `event #${i + 1}: ${r.error.message}` : r.error.message),
        );
      rows.push(r.value);
    }
    return this.appendRows(rows);
  }

  async appendRows(rows: readonly PreparedRow[], guard?: PgGuard): Promise<Result<AppendResult>> {
    if (this.closed) return fail("failure", "event store is closed");
    if (!rows.length) return ok({ stored: [], skipped: [] });
    const batch = this.states.begin();
    try {
      return ok(
        await this.sql.begin(async (tx) => {
          await tx`SELECT pg_advisory_xact_lock(${APPEND_LOCK})`;
          const refused = await guard?.(tx);
          if (refused) throw new Refused(refused);
          return appendInTx(tx, rows, batch);
        }),
      );
    } catch (e) {
      batch.abort();
      if (e instanceof Refused) return { ok: false, error: e.reason };
      return fail("failure", `event append failed: ${describeUnknown(e)}`, {
        hint: "nothing from this batch was recorded",
      });
    }
  }

  queryEvents(filter: EventFilter): Promise<EventRow[]> {
    return pgQueryEvents(this.sql, filter);
  }
  resolveSince(since: string | undefined) {
    return pgResolveSince(this.sql, since);
  }
  tailSeq(): Promise<number> {
    return pgTailSeq(this.sql);
  }
  listSessions(limit?: number): Promise<SessionRow[]> {
    return pgListSessions(this.sql, limit);
  }
  findSession(idOrPrefix: string): Promise<SessionRow | null> {
    return pgFindSession(this.sql, idOrPrefix);
  }
  sessionAcs(sessionId: string): Promise<AcRow[]> {
    return pgSessionAcs(this.sql, sessionId);
  }
  sessionPhases(sessionId: string): Promise<PhaseRow[]> {
    return pgSessionPhases(this.sql, sessionId);
  }
  forEachEvent(filter: EventFilter, fn: (row: EventRow) => void | Promise<void>): Promise<number> {
    return pgForEachEvent(this.sql, filter, fn);
  }
  sessionSnapshot(idOrPrefix: string, recent: number, alwaysTypes: readonly string[]): Promise<SessionSnapshot | null> {
    return pgSessionSnapshot(this.sql, idOrPrefix, recent, alwaysTypes);
  }
  importRows(parsed: ParsedImport): Promise<Result<ImportReport>> {
    return importRowsPg(this, parsed);
  }
  async acquireLease(
    sessionId: string,
    owner: LeaseOwner,
    ttlMs: number,
    gone?: GoneHolder,
  ): Promise<Result<LeaseGrant>> {
    const got = await this.guarded(() => pgAcquireLease(this.sql, sessionId, owner, ttlMs, gone));
    return got.ok ? recordTakeover(this, sessionId, owner, got.value, gone) : got;
  }
  renewLease(sessionId: string, owner: LeaseOwner, ttlMs: number): Promise<Result<LeaseGrant>> {
    return this.guarded(() => pgRenewLease(this.sql, sessionId, owner, ttlMs));
  }
  async releaseLease(sessionId: string, owner: LeaseOwner): Promise<void> {
    if (!this.closed) await pgReleaseLease(this.sql, sessionId, owner);
  }
  leaseHolder(sessionId: string): Promise<LeaseHolder | null> {
    return pgLeaseHolder(this.sql, sessionId);
  }
  /** A lease call that cannot reach the server is a failure value, not a throw (a heartbeat must not crash the run). */
  private async guarded<T>(fn: () => Promise<Result<T>>): Promise<Result<T>> {
    if (this.closed) return fail("failure", "event store is closed");
    try {
      return await fn();
    } catch (e) {
      return fail("failure", `session lease on ${redactUrl(this.url)}: ${describeUnknown(e)}`);
    }
  }
  follow(
    filter: EventFilter,
    onRow: (row: EventRow) => boolean | void | Promise<void>,
    ctl: FollowControl = {},
  ): Promise<void> {
    return pgFollow(this.sql, filter, onRow, ctl);
  }

  // The named lookups (lookups.ts), answered by pg/queries.ts.
  aggregateEvents(aggregateType: string, id: string): Promise<AggregateEvent[]> {
    return q.pgAggregateEvents(this.sql, aggregateType, id);
  }
  aggregateTypeEvents(aggregateType: string): Promise<AggregateEvent[]> {
    return q.pgAggregateTypeEvents(this.sql, aggregateType);
  }
  aggregateRowsAfter(aggregateType: string, id: string, afterSeq: number, limit: number): Promise<EventRow[]> {
    return q.pgAggregateRowsAfter(this.sql, aggregateType, id, afterSeq, limit);
  }
  hasAggregateEvent(aggregateType: string, id: string, eventType: string): Promise<boolean> {
    return q.pgHasAggregateEvent(this.sql, aggregateType, id, eventType);
  }
  hasEventsFor(id: string): Promise<boolean> {
    return q.pgHasEventsFor(this.sql, id);
  }
  sessionStart(sessionId: string): Promise<SessionStart | null> {
    return q.pgSessionStart(this.sql, sessionId);
  }
  latestSessionForSeed(seedId: string): Promise<string | null> {
    return q.pgLatestSessionForSeed(this.sql, seedId);
  }
  lineageEvents(sessionId: string): Promise<AggregateEvent[]> {
    return q.pgLineageEvents(this.sql, sessionId);
  }
  sessionFailures(sessionId: string, limit?: number): Promise<TypedPayload[]> {
    return q.pgSessionFailures(this.sql, sessionId, limit);
  }
  sessionEnding(sessionId: string): Promise<TypedPayload | null> {
    return q.pgSessionEnding(this.sql, sessionId);
  }
  sessionPayloads(sessionId: string, eventType: string): Promise<Record<string, unknown>[]> {
    return q.pgSessionPayloads(this.sql, sessionId, eventType);
  }
  eventPage(f: PageFilter): Promise<{ total: number; rows: EventRow[] }> {
    return q.pgEventPage(this.sql, f);
  }
  sessionByExecutionId(executionId: string): Promise<SessionRow | null> {
    return q.pgSessionByExecutionId(this.sql, executionId);
  }
  latestRunningSession(): Promise<SessionRow | null> {
    return q.pgLatestRunningSession(this.sql);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.sql.close();
  }
}

const jsonList = (xs: Iterable<string>) => JSON.stringify([...new Set(xs)]);

/**
 * The batch is decided in memory from two look-ups (ids present, session start/terminal state),
 * which is exact because the append lock is held; then one INSERT for all rows, then the
 * projection statements, pipelined on the transaction's connection.
 */
async function appendInTx(tx: SQL, rows: readonly PreparedRow[], batch: ProjectionBatch): Promise<AppendResult> {
  const out: AppendResult = { stored: [], skipped: [] };
  const sids = rows.map((r) => r.session_id).filter((s): s is string => Boolean(s));
  const present = new Set(
    (
      (await tx.unsafe(`SELECT id FROM events WHERE id IN (SELECT json_array_elements_text($1::text::json))`, [
        jsonList(rows.map((r) => r.id)),
      ])) as { id: string }[]
    ).map((r) => r.id),
  );
  const state = new Map<string, { started: boolean; terminal: boolean }>();
  if (sids.length) {
    const rs = (await tx.unsafe(
      `SELECT session_id, start_event_id, terminal_event_id, last_seq FROM sessions WHERE session_id IN (SELECT json_array_elements_text($1::text::json))`,
      [jsonList(sids)],
    )) as {
      session_id: string;
      start_event_id: string | null;
      terminal_event_id: string | null;
      last_seq: string | null;
    }[];
    const lastSeq = new Map(rs.map((r) => [r.session_id, Number(r.last_seq ?? 0)]));
    for (const r of rs)
      state.set(r.session_id, { started: Boolean(r.start_event_id), terminal: Boolean(r.terminal_event_id) });
    // Every session's reducer state is restored before the batch's rows are inserted.
    for (const sid of new Set(sids)) await openPgSession(tx, batch, sid, lastSeq.get(sid) ?? 0);
  }
  const stateOf = (sid: string) =>
    state.get(sid) ?? (state.set(sid, { started: false, terminal: false }), state.get(sid)!);

  const accepted: PreparedRow[] = [];
  for (const row of rows) {
    const sid = row.session_id;
    if (sid && row.event_type === SESSION_STARTED && stateOf(sid).started) {
      out.skipped.push({ id: row.id, type: row.event_type, reason: "already_started" });
      continue;
    }
    if (sid && TERMINAL.has(row.event_type) && stateOf(sid).terminal) {
      out.skipped.push({ id: row.id, type: row.event_type, reason: "terminal_exists" });
      continue;
    }
    if (present.has(row.id)) {
      out.skipped.push({ id: row.id, type: row.event_type, reason: "duplicate_id" });
      continue;
    }
    present.add(row.id);
    if (sid && row.event_type === SESSION_STARTED) stateOf(sid).started = true;
    if (sid && TERMINAL.has(row.event_type)) stateOf(sid).terminal = true;
    accepted.push(row);
  }
  if (!accepted.length) return out;

  const payload = JSON.stringify(
    accepted.map((r) => [
      r.id,
      r.aggregate_type,
      r.aggregate_id,
      r.event_type,
      r.payload,
      r.timestamp,
      r.event_version,
      r.consensus_id,
      r.session_id,
    ]),
  );
  const inserted = (await tx.unsafe(
    `INSERT INTO events (id, aggregate_type, aggregate_id, event_type, payload, timestamp, event_version, consensus_id, session_id)
     SELECT e->>0, e->>1, e->>2, e->>3, e->>4, e->>5, (e->>6)::int, e->>7, e->>8
     FROM json_array_elements($1::text::json) WITH ORDINALITY AS j(e, ord) ORDER BY ord
     RETURNING id, seq`,
    [payload],
  )) as { id: string; seq: string }[];
  const seqOf = new Map(inserted.map((r) => [r.id, Number(r.seq)]));

  for (const row of accepted) {
    const stored = storedEvent(row, seqOf.get(row.id)!);
    batch.apply(stored);
    out.stored.push(stored);
  }
  const pending = flushPg(tx, batch);
  pending.push(tx`SELECT pg_notify(${CHANNEL}, ${String(out.stored[out.stored.length - 1]!.rowid)})`);
  await Promise.all(pending);
  return out;
}
