/**
 * The interview's event log binding: every change is one appended event (aggregate
 * "interview"), applied to the in-memory state, then mirrored to the state file. A crash after
 * the append loses nothing: `open` replays the events.
 */
import type { Database } from "bun:sqlite";
import { fail, ok, type Result } from "../errors.ts";
import type { EventStore } from "../events/store.ts";
import { apply, type InterviewEvent, type InterviewState, readStateFile, reduce, writeStateFile } from "./state.ts";

export function readInterviewEvents(db: Database, id: string): InterviewEvent[] {
  const rows = db
    .query("SELECT event_type, payload, timestamp FROM events WHERE aggregate_type = 'interview' AND aggregate_id = ? ORDER BY seq")
    .all(id) as { event_type: string; payload: string; timestamp: string }[];
  return rows.map((r) => ({ type: r.event_type, timestamp: r.timestamp, data: JSON.parse(r.payload) as Record<string, unknown> }));
}

export class InterviewLog {
  private constructor(
    private readonly store: EventStore,
    private current: InterviewState,
  ) {}

  get state(): InterviewState {
    return this.current;
  }

  /** A new interview: its `interview.started` event is the first record. */
  static create(store: EventStore, id: string, started: Record<string, unknown>): Result<InterviewLog> {
    const log = new InterviewLog(store, reduce(id, []));
    const r = log.record("interview.started", started);
    return r.ok ? ok(log) : r;
  }

  /** Rebuild from the log; a state file without events (copied from elsewhere) is accepted too. */
  static open(store: EventStore, id: string): Result<InterviewLog> {
    const events = readInterviewEvents(store.db, id);
    if (events.length) return ok(new InterviewLog(store, reduce(id, events)));
    const file = readStateFile(id);
    if (!file.ok) return file;
    if (file.value) return ok(new InterviewLog(store, file.value));
    return fail("unknownId", `no interview '${id}'`, { hint: "`ouroboros init list` shows interviews" });
  }

  record(type: string, data: Record<string, unknown>): Result<InterviewState> {
    const id = this.current.interview_id;
    const r = this.store.append({ type, aggregate_type: "interview", aggregate_id: id, data: { interview_id: id, ...data } });
    if (!r.ok) return r;
    const timestamp = r.value.stored[0]?.timestamp ?? new Date().toISOString();
    this.current = apply(this.current, { type, timestamp, data: { interview_id: id, ...data } });
    writeStateFile(this.current);
    return ok(this.current);
  }
}
