/**
 * One asynchronous event-store interface for both backends: SQLite (bun:sqlite, synchronous,
 * wrapped in resolved promises) and PostgreSQL (Bun.SQL, asynchronous). Readers written against
 * this interface work unchanged on either; `OUROBOROS_DATABASE_URL` will choose which one.
 *
 * Not wired yet. The readers (status, events, tui, MCP views) still call the synchronous SQLite
 * helpers in read.ts and queries.ts on an EventReader. To move them: open one EventBackend per
 * process (PgEventStore.open(url) when a URL is set, else SqliteBackend), pass it down instead of
 * `store.reader`, make each reader await these methods, and add the named lookups of queries.ts
 * (session start, ACs and phases, lineage, failures, pages) as methods here, implemented by both backends.
 */
import type { Result } from "../errors.ts";
import type { EventType } from "./catalogue.ts";
import type { EventRow, NewEvent, NewEventOf } from "./envelope.ts";
import type { EventFilter, SessionRow } from "./read.ts";
import type { AppendResult, PreparedRow } from "./store.ts";

export interface FollowControl {
  signal?: AbortSignal;
}

export interface EventBackend {
  readonly kind: "sqlite" | "postgres";
  /** `T` comes from `event.type`, so `data` is checked against that type's catalogue schema. */
  append<T extends EventType>(event: NewEventOf<T>): Promise<Result<AppendResult>>;
  appendBatch(events: readonly NewEvent[]): Promise<Result<AppendResult>>;
  /** Rows already validated by prepareEvent; import uses this after validating a whole file. */
  appendRows(rows: readonly PreparedRow[]): Promise<Result<AppendResult>>;
  queryEvents(filter: EventFilter): Promise<EventRow[]>;
  /** Resolve `--since ID|TIME|SEQ` into a filter, as resolveSince does for SQLite. */
  resolveSince(since: string | undefined): Promise<Result<Pick<EventFilter, "afterSeq" | "sinceTime">>>;
  tailSeq(): Promise<number>;
  listSessions(limit?: number): Promise<SessionRow[]>;
  findSession(idOrPrefix: string): Promise<SessionRow | null>;
  /** Deliver rows past filter.afterSeq as they are committed; stops when onRow returns false or the signal aborts. */
  follow(filter: EventFilter, onRow: (row: EventRow) => boolean | void, ctl?: FollowControl): Promise<void>;
  close(): Promise<void>;
}
