/**
 * The named lookups beyond read.ts's filters that the MCP server and the interview ask of the
 * log (a session's start, its failures, a lineage, an aggregate's events…). Part of EventBackend,
 * so both backends answer them: SQLite through queries.ts, PostgreSQL through pg/queries.ts.
 */
import type { EventRow } from "./envelope.ts";
import type { AggregateEvent, PageFilter, SessionStart } from "./queries.ts";
import type { SessionRow } from "./read.ts";

export interface TypedPayload {
  type: string;
  data: Record<string, unknown>;
}

export interface EventLookups {
  /** One aggregate's events (an interview, an evaluation…) in log order. */
  aggregateEvents(aggregateType: string, id: string): Promise<AggregateEvent[]>;
  /** Every event of one aggregate type (all its ids) in log order, e.g. the brownfield registry. */
  aggregateTypeEvents(aggregateType: string): Promise<AggregateEvent[]>;
  /** One aggregate's rows past a cursor, oldest first (a job follower's next page). */
  aggregateRowsAfter(aggregateType: string, id: string, afterSeq: number, limit: number): Promise<EventRow[]>;
  /** Whether this aggregate already has an event of this type (idempotent re-recording). */
  hasAggregateEvent(aggregateType: string, id: string, eventType: string): Promise<boolean>;
  /** Any event recorded for this session or aggregate id (unknown-id checks). */
  hasEventsFor(id: string): Promise<boolean>;
  /** The session's start payload, or null when it never started. */
  sessionStart(sessionId: string): Promise<SessionStart | null>;
  /** The newest session started from this seed id. */
  latestSessionForSeed(seedId: string): Promise<string | null>;
  /** A session's lineage events and AC rewordings, in log order. */
  lineageEvents(sessionId: string): Promise<AggregateEvent[]>;
  /** The session's latest failures (failed events, stalls, cancellation, failed ACs), oldest first. */
  sessionFailures(sessionId: string, limit?: number): Promise<TypedPayload[]>;
  /** The session's terminal (or pause) event, if any. */
  sessionEnding(sessionId: string): Promise<TypedPayload | null>;
  /** Payloads of one event type within a session, in log order. */
  sessionPayloads(sessionId: string, eventType: string): Promise<Record<string, unknown>[]>;
  /** One page of events in log order, with the count of all matches. */
  eventPage(f: PageFilter): Promise<{ total: number; rows: EventRow[] }>;
  sessionByExecutionId(executionId: string): Promise<SessionRow | null>;
  /** The most recently started session still running, if any. */
  latestRunningSession(): Promise<SessionRow | null>;
}
