/**
 * The SQLite store behind the asynchronous EventBackend interface (the calls stay synchronous
 * underneath), so a reader written once against EventBackend runs on SQLite or PostgreSQL.
 */
import type { Result } from "../errors.ts";
import type { EventBackend, FollowControl } from "./backend.ts";
import type { EventType } from "./catalogue.ts";
import type { EventRow, NewEvent, NewEventOf } from "./envelope.ts";
import { follow } from "./follow.ts";
import {
  findSession,
  listSessions,
  queryEvents,
  resolveSince,
  tailSeq,
  type EventFilter,
  type SessionRow,
} from "./read.ts";
import { EventStore, openReadonly, type AppendResult, type PreparedRow } from "./store.ts";

export class SqliteBackend implements EventBackend {
  readonly kind = "sqlite" as const;
  constructor(readonly store: EventStore) {}

  static open(path: string): Result<SqliteBackend> {
    const s = EventStore.open(path);
    return s.ok ? { ok: true, value: new SqliteBackend(s.value) } : s;
  }

  append<T extends EventType>(event: NewEventOf<T>): Promise<Result<AppendResult>> {
    return Promise.resolve(this.store.append(event));
  }
  appendBatch(events: readonly NewEvent[]): Promise<Result<AppendResult>> {
    return Promise.resolve(this.store.appendBatch(events));
  }
  appendRows(rows: readonly PreparedRow[]): Promise<Result<AppendResult>> {
    return Promise.resolve(this.store.appendRows(rows));
  }
  queryEvents(filter: EventFilter): Promise<EventRow[]> {
    return Promise.resolve(queryEvents(this.store.reader, filter));
  }
  resolveSince(since: string | undefined) {
    return Promise.resolve(resolveSince(this.store.reader, since));
  }
  tailSeq(): Promise<number> {
    return Promise.resolve(tailSeq(this.store.reader));
  }
  listSessions(limit?: number): Promise<SessionRow[]> {
    return Promise.resolve(listSessions(this.store.reader, limit));
  }
  findSession(idOrPrefix: string): Promise<SessionRow | null> {
    return Promise.resolve(findSession(this.store.reader, idOrPrefix));
  }
  /** On its own read-only connection: PRAGMA data_version only moves for other connections' commits. */
  async follow(filter: EventFilter, onRow: (row: EventRow) => boolean | void, ctl: FollowControl = {}): Promise<void> {
    const db = openReadonly(this.store.path);
    if (!db.ok || !db.value) throw new Error(db.ok ? "event database missing" : db.error.message);
    try {
      await follow(db.value, filter, onRow, { signal: ctl.signal });
    } finally {
      db.value.close();
    }
  }
  close(): Promise<void> {
    this.store.close();
    return Promise.resolve();
  }
}
