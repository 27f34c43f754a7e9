/**
 * The SQLite store behind the asynchronous EventBackend interface (the calls stay synchronous
 * underneath), so a reader written once against EventBackend runs on SQLite or PostgreSQL.
 * Opened writable (an EventStore: migrates, appends, leases) or read-only (reads only; a fresh
 * home is never created by a reader).
 */
import { fail, type Result } from "../errors.ts";
import type { EventBackend, FollowControl, PhaseRow } from "./backend.ts";
import type { EventType } from "./catalogue.ts";
import type { EventRow, NewEvent, NewEventOf } from "./envelope.ts";
import { follow } from "./follow.ts";
import { EventReader, OwnedReader } from "./reader.ts";
import { recordTakeover, type GoneHolder, type LeaseGrant, type LeaseHolder, type LeaseOwner } from "./lease.ts";
import { sqliteAcquireLease, sqliteLeaseHolder, sqliteReleaseLease, sqliteRenewLease } from "./lease-sqlite.ts";
import {
  findSession,
  forEachEventAsync,
  hasEventsFor,
  listSessions,
  queryEvents,
  resolveSince,
  sessionAcs,
  sessionPhases,
  tailSeq,
  type AcRow,
  type EventFilter,
  type SessionRow,
} from "./read.ts";
import * as q from "./queries.ts";
import type { AggregateEvent, PageFilter, SessionSnapshot, SessionStart } from "./queries.ts";
import type { TypedPayload } from "./lookups.ts";
import { EventStore, openReadonly, type AppendResult, type PreparedRow } from "./store.ts";
import { importIntoStore, type ImportReport, type ParsedImport } from "./transfer.ts";

export class SqliteBackend implements EventBackend {
  readonly kind = "sqlite" as const;
  private constructor(
    readonly path: string,
    private readonly db: EventReader,
    /** null when opened read-only. */
    readonly store: EventStore | null,
  ) {}

  /** Writable: creates and migrates the file as needed. */
  static open(path: string): Result<SqliteBackend> {
    const s = EventStore.open(path);
    return s.ok ? { ok: true, value: SqliteBackend.of(s.value) } : s;
  }

  /** An EventStore already open in this process (the pipeline's). */
  static of(store: EventStore): SqliteBackend {
    return new SqliteBackend(store.path, store.reader, store);
  }

  /** Read-only; `null` when the database does not exist yet (nothing recorded, nothing created). */
  static openReadonly(path: string): Result<SqliteBackend | null> {
    const db = openReadonly(path);
    if (!db.ok) return db;
    return { ok: true, value: db.value ? new SqliteBackend(path, db.value, null) : null };
  }

  /** The read handle, for SQLite-only fast paths (the `events --json` renderer in jsonl.ts). */
  get reader(): EventReader {
    return this.db;
  }

  private writable<T>(fn: (store: EventStore) => Result<T>): Promise<Result<T>> {
    return Promise.resolve(
      this.store ? fn(this.store) : fail("failure", `event database ${this.path} is open read-only`),
    );
  }

  append<T extends EventType>(event: NewEventOf<T>): Promise<Result<AppendResult>> {
    return this.writable((s) => s.append(event));
  }
  appendBatch(events: readonly NewEvent[]): Promise<Result<AppendResult>> {
    return this.writable((s) => s.appendBatch(events));
  }
  appendRows(rows: readonly PreparedRow[]): Promise<Result<AppendResult>> {
    return this.writable((s) => s.appendRows(rows));
  }
  importRows(parsed: ParsedImport): Promise<Result<ImportReport>> {
    return this.writable((s) => importIntoStore(s, parsed));
  }
  queryEvents(filter: EventFilter): Promise<EventRow[]> {
    return Promise.resolve(queryEvents(this.db, filter));
  }
  forEachEvent(filter: EventFilter, fn: (row: EventRow) => void | Promise<void>): Promise<number> {
    return forEachEventAsync(this.db, filter, fn);
  }
  resolveSince(since: string | undefined) {
    return Promise.resolve(resolveSince(this.db, since));
  }
  tailSeq(): Promise<number> {
    return Promise.resolve(tailSeq(this.db));
  }
  listSessions(limit?: number): Promise<SessionRow[]> {
    return Promise.resolve(listSessions(this.db, limit));
  }
  findSession(idOrPrefix: string): Promise<SessionRow | null> {
    return Promise.resolve(findSession(this.db, idOrPrefix));
  }
  sessionAcs(sessionId: string): Promise<AcRow[]> {
    return Promise.resolve(sessionAcs(this.db, sessionId));
  }
  sessionPhases(sessionId: string): Promise<PhaseRow[]> {
    return Promise.resolve(sessionPhases(this.db, sessionId));
  }
  sessionStart(sessionId: string): Promise<SessionStart | null> {
    return Promise.resolve(q.sessionStart(this.db, sessionId));
  }
  hasEventsFor(id: string): Promise<boolean> {
    return Promise.resolve(hasEventsFor(this.db, id));
  }
  sessionSnapshot(idOrPrefix: string, recent: number, alwaysTypes: readonly string[]): Promise<SessionSnapshot | null> {
    return Promise.resolve(q.sessionSnapshot(this.db, idOrPrefix, recent, alwaysTypes));
  }

  async acquireLease(
    sessionId: string,
    owner: LeaseOwner,
    ttlMs: number,
    gone?: GoneHolder,
  ): Promise<Result<LeaseGrant>> {
    const got = await this.writable((s) =>
      sqliteAcquireLease(EventReader.sqlite(s.reader), sessionId, owner, ttlMs, gone),
    );
    return got.ok ? recordTakeover(this, sessionId, owner, got.value, gone) : got;
  }
  renewLease(sessionId: string, owner: LeaseOwner, ttlMs: number): Promise<Result<LeaseGrant>> {
    return this.writable((s) => sqliteRenewLease(EventReader.sqlite(s.reader), sessionId, owner, ttlMs));
  }
  releaseLease(sessionId: string, owner: LeaseOwner): Promise<void> {
    if (this.store) sqliteReleaseLease(EventReader.sqlite(this.store.reader), sessionId, owner);
    return Promise.resolve();
  }
  leaseHolder(sessionId: string): Promise<LeaseHolder | null> {
    if (this.store) return Promise.resolve(sqliteLeaseHolder(EventReader.sqlite(this.db), sessionId));
    // Read-only on a file from before leases existed (schema 1): nobody can hold one there.
    try {
      return Promise.resolve(sqliteLeaseHolder(EventReader.sqlite(this.db), sessionId));
    } catch {
      return Promise.resolve(null);
    }
  }

  /** On its own read-only connection: PRAGMA data_version only moves for other connections' commits. */
  async follow(
    filter: EventFilter,
    onRow: (row: EventRow) => boolean | void | Promise<void>,
    ctl: FollowControl = {},
  ): Promise<void> {
    const db = openReadonly(this.path);
    if (!db.ok || !db.value) throw new Error(db.ok ? "event database missing" : db.error.message);
    try {
      await follow(db.value, filter, onRow, { signal: ctl.signal });
    } finally {
      db.value.close();
    }
  }

  // The named lookups (lookups.ts), answered by queries.ts.
  aggregateEvents(aggregateType: string, id: string): Promise<AggregateEvent[]> {
    return Promise.resolve(q.aggregateEvents(this.db, aggregateType, id));
  }
  aggregateTypeEvents(aggregateType: string): Promise<AggregateEvent[]> {
    return Promise.resolve(q.aggregateTypeEvents(this.db, aggregateType));
  }
  aggregateRowsAfter(aggregateType: string, id: string, afterSeq: number, limit: number): Promise<EventRow[]> {
    return Promise.resolve(q.aggregateRowsAfter(this.db, aggregateType, id, afterSeq, limit));
  }
  hasAggregateEvent(aggregateType: string, id: string, eventType: string): Promise<boolean> {
    return Promise.resolve(q.hasAggregateEvent(this.db, aggregateType, id, eventType));
  }
  latestSessionForSeed(seedId: string): Promise<string | null> {
    return Promise.resolve(q.latestSessionForSeed(this.db, seedId));
  }
  lineageEvents(sessionId: string): Promise<AggregateEvent[]> {
    return Promise.resolve(q.lineageEvents(this.db, sessionId));
  }
  sessionFailures(sessionId: string, limit?: number): Promise<TypedPayload[]> {
    return Promise.resolve(q.sessionFailures(this.db, sessionId, limit));
  }
  sessionEnding(sessionId: string): Promise<TypedPayload | null> {
    return Promise.resolve(q.sessionEnding(this.db, sessionId));
  }
  sessionPayloads(sessionId: string, eventType: string): Promise<Record<string, unknown>[]> {
    return Promise.resolve(q.sessionPayloads(this.db, sessionId, eventType));
  }
  eventPage(f: PageFilter): Promise<{ total: number; rows: EventRow[] }> {
    return Promise.resolve(q.eventPage(this.db, f));
  }
  sessionByExecutionId(executionId: string): Promise<SessionRow | null> {
    return Promise.resolve(q.sessionByExecutionId(this.db, executionId));
  }
  latestRunningSession(): Promise<SessionRow | null> {
    return Promise.resolve(q.latestRunningSession(this.db));
  }

  close(): Promise<void> {
    if (this.store) this.store.close();
    else if (this.db instanceof OwnedReader) this.db.close();
    return Promise.resolve();
  }
}
