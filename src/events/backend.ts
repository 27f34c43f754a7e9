/**
 * One asynchronous event-store interface for both backends: SQLite (bun:sqlite, synchronous,
 * wrapped in resolved promises) and PostgreSQL (Bun.SQL, asynchronous). Readers written against
 * this interface work unchanged on either; open-backend.ts chooses one from `--db` or
 * `OUROBOROS_DATABASE_URL`.
 *
 * Every command goes through it: `status`, `cancel`, `events` (listing, follow, export, import),
 * `tui`, `mcp doctor`, the MCP server's tools and resources, the interview's and `auto`'s logs
 * (aggregate-log.ts), the pipeline's writer (SessionLog) and session leases (lease.ts). A lookup a
 * caller needs is added here (or to lookups.ts) and implemented by both backends; SQL stays in
 * src/events.
 */
import type { Result } from "../errors.ts";
import type { EventType } from "./catalogue.ts";
import type { EventRow, NewEvent, NewEventOf } from "./envelope.ts";
import type { SessionSnapshot, SessionStart } from "./queries.ts";
import type { EventLookups } from "./lookups.ts";
import type { AcRow, EventFilter, SessionRow, sessionPhases } from "./read.ts";
import type { AppendResult, PreparedRow } from "./store.ts";
import type { ImportReport, ParsedImport } from "./transfer.ts";

export type PhaseRow = ReturnType<typeof sessionPhases>[number];

/** Session leases (lease.ts): who runs a session, as seen from every machine sharing the database. */
export interface LeaseOwner {
  host: string;
  pid: number;
  projectDir: string | null;
}

export interface LeaseHolder extends LeaseOwner {
  /** Milliseconds since the epoch, on the clock that judges expiry. */
  heartbeatAt: number;
  expiresAt: number;
  /** How long the lease still runs when it was read (negative: expired). */
  msLeft: number;
}

export interface LeaseGrant {
  expiresAt: number;
  /** Someone else's lease this acquire replaced (expired, or its process gone), else null. */
  previous: LeaseHolder | null;
}

/** A holder that may be replaced although its lease runs: its process is known to be gone. */
export interface GoneHolder {
  host: string;
  pid: number;
}

export interface FollowControl {
  signal?: AbortSignal;
}

/** The named lookups (lookups.ts) are part of it: the MCP server and the interview read through them. */
export interface EventBackend extends EventLookups {
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
  /** One session's AC projection rows, roots first, in tree order. */
  sessionAcs(sessionId: string): Promise<AcRow[]>;
  sessionPhases(sessionId: string): Promise<PhaseRow[]>;
  /** The payload of the session's `orchestrator.session.started`, or null when it never started. */
  sessionStart(sessionId: string): Promise<SessionStart | null>;
  /** Stream rows in seq order; `fn`'s promise is awaited before the next row (a slow reader holds the stream back). */
  forEachEvent(filter: EventFilter, fn: (row: EventRow) => void | Promise<void>): Promise<number>;
  /** Append a validated import file all-or-nothing (ids present skipped; ended sessions final). */
  importRows(parsed: ParsedImport): Promise<Result<ImportReport>>;
  /**
   * Take the session's lease: granted when there is none, it expired, it is ours, or its holder is
   * `gone` (a process known dead); a live lease held by anyone else is refused naming its host and pid.
   * A grant replacing someone else's lease is recorded as orchestrator.session.lease_taken_over.
   */
  acquireLease(sessionId: string, owner: LeaseOwner, ttlMs: number, gone?: GoneHolder): Promise<Result<LeaseGrant>>;
  /** Extend our lease; fails when it was taken over meanwhile. */
  renewLease(sessionId: string, owner: LeaseOwner, ttlMs: number): Promise<Result<LeaseGrant>>;
  releaseLease(sessionId: string, owner: LeaseOwner): Promise<void>;
  /** The live holder, or null when nobody holds an unexpired lease. */
  leaseHolder(sessionId: string): Promise<LeaseHolder | null>;
  /** Any event recorded for this session or aggregate id (an unknown id is refused before reading). */
  hasEventsFor(id: string): Promise<boolean>;
  /**
   * One consistent view of a session (exact id or unique prefix): its projection rows and its
   * newest `recent` events up to the row's last_seq, plus every older event of `alwaysTypes`.
   */
  sessionSnapshot(idOrPrefix: string, recent: number, alwaysTypes: readonly string[]): Promise<SessionSnapshot | null>;
  /**
   * Deliver rows past filter.afterSeq as they are committed; stops when onRow returns false or the
   * signal aborts. A promise from onRow is awaited before the next row (a full pipe holds it back).
   */
  follow(
    filter: EventFilter,
    onRow: (row: EventRow) => boolean | void | Promise<void>,
    ctl?: FollowControl,
  ): Promise<void>;
  close(): Promise<void>;
}
