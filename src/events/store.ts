/**
 * The append-only event store. Appends are transactional (BEGIN IMMEDIATE) and update the
 * projections in the same transaction; one `started` and at most one terminal event per session
 * are enforced inside that transaction, so concurrent writers cannot both win.
 */
import type { Database, Statement } from "bun:sqlite";
import { randomUUID } from "node:crypto";
import * as v from "valibot";
import { describeUnknown, fail, ok, type OuroError, type Result } from "../errors.ts";
import {
  EVENT_VERSION,
  type EventType,
  SESSION_STARTED,
  TERMINAL_TYPES,
  stripForbidden,
  validatePayload,
} from "./catalogue.ts";
import { openReadonly, openWritable } from "./db.ts";
import {
  NewEventSchema,
  sessionOf,
  type EventRow,
  type NewEvent,
  type NewEventOf,
  type StoredEvent,
} from "./envelope.ts";
import { closeJournal, extendJournal } from "./journal-writer.ts";
import { Projector } from "./projections.ts";
import { EventReader } from "./reader.ts";
import { redactDeep } from "../security/redact.ts";
// Registers the built-in runtimes' key variables with redaction before anything is appended.
import "../runtime/registry.ts";

export type SkipReason = "duplicate_id" | "terminal_exists" | "already_started";
export interface AppendResult {
  stored: StoredEvent[];
  skipped: { id: string; type: string; reason: SkipReason }[];
}

const TERMINAL = new Set<string>(TERMINAL_TYPES);

/** A validated row plus its decoded payload, so appends never re-parse what they just wrote. */
export type PreparedRow = EventRow & { data: Record<string, unknown> };

/** A prepared row as it reads back once stored under `seq` (both backends hand these to projections and callers). */
export const storedEvent = (row: PreparedRow, seq: number): StoredEvent => ({
  rowid: seq,
  id: row.id,
  type: row.event_type,
  aggregate_type: row.aggregate_type,
  aggregate_id: row.aggregate_id,
  session_id: row.session_id,
  timestamp: row.timestamp,
  event_version: row.event_version,
  consensus_id: row.consensus_id,
  data: row.data,
});

/**
 * Validate and normalise one event (no database needed, so a file can be checked before one is opened).
 * Types missing from the catalogue are refused unless `unknownTypes` is "accept" (import only).
 */
export function prepareEvent(input: unknown, unknownTypes: "refuse" | "accept" = "refuse"): Result<PreparedRow> {
  // v.is() is the fast path; issues (and their messages) are built only for invalid input.
  if (!v.is(NewEventSchema, input)) {
    const i = v.safeParse(NewEventSchema, input).issues![0];
    return fail("invalidData", `event ${i.path?.map((p) => String(p.key)).join(".") || ""}: ${i.message}`);
  }
  const e = { ...input, event_version: input.event_version ?? EVENT_VERSION, consensus_id: input.consensus_id ?? null };
  // The one redaction pass for everything recorded: no credential reaches the log.
  const data = redactDeep(stripForbidden(e.data)) as Record<string, unknown>;
  const problem = validatePayload(e.type, data, unknownTypes);
  if (problem) return fail("invalidData", problem);
  return ok({
    seq: 0,
    id: e.id ?? randomUUID(),
    aggregate_type: e.aggregate_type,
    aggregate_id: e.aggregate_id,
    event_type: e.type,
    payload: JSON.stringify(data),
    timestamp: e.timestamp ? new Date(e.timestamp).toISOString() : new Date().toISOString(),
    event_version: e.event_version,
    consensus_id: e.consensus_id ?? null,
    session_id: sessionOf({ aggregate_type: e.aggregate_type, aggregate_id: e.aggregate_id, data }),
    data,
  });
}

/** Thrown inside a transaction to roll it back with a reason. */
class Refused extends Error {
  constructor(readonly reason: OuroError) {
    super(reason.message);
  }
}

export class EventStore {
  private readonly insert: Statement;
  private readonly projector: Projector;
  private closed = false;
  /** Reads over this store's connection (see reader.ts): the connection itself stays in src/events. */
  readonly reader: EventReader;

  private constructor(
    private readonly db: Database,
    readonly path: string,
  ) {
    this.reader = EventReader.over(db);
    this.insert = db.prepare(
      `INSERT OR IGNORE INTO events (id, aggregate_type, aggregate_id, event_type, payload, timestamp, event_version, consensus_id, session_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq`,
    );
    this.projector = new Projector(db);
  }

  static open(path: string): Result<EventStore> {
    const db = openWritable(path);
    if (!db.ok) return db;
    return ok(new EventStore(db.value, path));
  }

  /** Validate and normalise one event; returns the row (with its decoded payload) or a reason. */
  prepareEvent(input: unknown): Result<PreparedRow> {
    return prepareEvent(input);
  }

  /** `T` is inferred from `event.type`, so `data` is checked against that type's schema. */
  append<T extends EventType>(event: NewEventOf<T>): Result<AppendResult> {
    return this.appendValidated([event]);
  }

  /** Append many events in one transaction: all are validated first, so garbage never lands partially. */
  appendBatch(events: readonly NewEvent[]): Result<AppendResult> {
    return this.appendValidated(events);
  }

  /** The typed entry points' shared body: every event is still validated here, whatever its static type. */
  private appendValidated(events: readonly unknown[]): Result<AppendResult> {
    const rows: PreparedRow[] = [];
    for (const [i, e] of events.entries()) {
      const r = this.prepareEvent(e);
      if (!r.ok) return fail(r.error.kind, events.length > 1 ? `event #${i + 1}: ${r.error.message}` : r.error.message);
      rows.push(r.value);
    }
    return this.appendRows(rows);
  }

  /**
   * Rows already validated by prepareEvent (import uses this to validate a whole file first).
   * `guard` runs inside the same transaction, before any insert; an error it returns refuses all rows.
   */
  appendRows(rows: readonly PreparedRow[], guard?: (db: Database) => OuroError | null): Result<AppendResult> {
    if (this.closed) return fail("failure", "event store is closed");
    try {
      const result = this.db
        .transaction(() => {
          const refused = guard?.(this.db);
          if (refused) throw new Refused(refused);
          return this.appendInTx(rows);
        })
        .immediate();
      return ok(result);
    } catch (e) {
      this.projector.abort();
      if (e instanceof Refused) return { ok: false, error: e.reason };
      return fail("failure", `event append failed: ${describeUnknown(e)}`, {
        hint: "nothing from this batch was recorded",
      });
    }
  }

  private appendInTx(rows: readonly PreparedRow[]): AppendResult {
    const out: AppendResult = { stored: [], skipped: [] };
    for (const row of rows) {
      const sid = row.session_id;
      // The session's reducer state, current as of the last commit: it says whether the session
      // has started or ended, and the projector folds the batch into it.
      const s = sid ? this.projector.open(sid) : null;
      if (s && row.event_type === SESSION_STARTED && s.started) {
        out.skipped.push({ id: row.id, type: row.event_type, reason: "already_started" });
        continue;
      }
      if (s && TERMINAL.has(row.event_type) && s.terminal) {
        out.skipped.push({ id: row.id, type: row.event_type, reason: "terminal_exists" });
        continue;
      }
      const inserted = this.insert.get(
        row.id,
        row.aggregate_type,
        row.aggregate_id,
        row.event_type,
        row.payload,
        row.timestamp,
        row.event_version,
        row.consensus_id,
        row.session_id,
      ) as { seq: number } | null;
      if (!inserted) {
        out.skipped.push({ id: row.id, type: row.event_type, reason: "duplicate_id" });
        continue;
      }
      const stored = storedEvent(row, inserted.seq);
      if (sid) this.projector.apply(stored);
      out.stored.push(stored);
    }
    this.projector.flush();
    // The journal's bytes and mark go with this transaction: a rollback or crash leaves the mark.
    if (out.stored.length) extendJournal(this.db);
    return out;
  }

  /** Truncate the WAL (long-lived writers call this periodically and at close); the error, if it failed. */
  checkpoint(): string | null {
    try {
      this.db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
      return null;
    } catch (e) {
      // A busy reader only delays truncation; the next checkpoint will do it.
      return describeUnknown(e);
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.checkpoint();
    closeJournal(this.db);
    this.db.close();
  }
}

export { openReadonly };
