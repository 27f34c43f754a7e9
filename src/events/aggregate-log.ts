/**
 * State rebuilt from one aggregate's events (an interview, an auto run). `record` appends one
 * event, folds it into the state, then mirrors the state (a readable file): the log is the truth,
 * so a crash after the append loses nothing and `replay` rebuilds the same state.
 */
import { ok, type Result } from "../errors.ts";
import { type EventType, type PayloadWithout, withFilled } from "./catalogue.ts";
import { EventReader } from "./reader.ts";
import type { EventStore } from "./store.ts";

export interface AggregateEvent {
  seq: number;
  type: string;
  timestamp: string;
  data: Record<string, unknown>;
}

/** One aggregate's events in log order. */
export function aggregateEvents(r: EventReader, aggregateType: string, id: string): AggregateEvent[] {
  const rows = EventReader.sqlite(r)
    .query(
      "SELECT seq, event_type, payload, timestamp FROM events WHERE aggregate_type = ? AND aggregate_id = ? ORDER BY seq",
    )
    .all(aggregateType, id) as { seq: number; event_type: string; payload: string; timestamp: string }[];
  return rows.map((row) => ({
    seq: row.seq,
    type: row.event_type,
    timestamp: row.timestamp,
    data: JSON.parse(row.payload) as Record<string, unknown>,
  }));
}

export interface AggregateSpec<S, IdKey extends string = string> {
  aggregateType: string;
  /** Payload key that carries the id on every event (interview_id, auto_id). */
  idKey: IdKey;
  apply(state: S, event: Omit<AggregateEvent, "seq">): S;
  mirror(state: S): void;
}

export class AggregateLog<S, IdKey extends string = string> {
  protected constructor(
    private readonly store: EventStore,
    private readonly spec: AggregateSpec<S, IdKey>,
    readonly id: string,
    private current: S,
  ) {}

  get state(): S {
    return this.current;
  }

  /** The state after every stored event of `id`, folded over `initial`; `events` = how many. */
  protected static replayState<S>(
    store: EventStore,
    spec: AggregateSpec<S>,
    id: string,
    initial: S,
  ): { state: S; events: number } {
    const events = aggregateEvents(store.reader, spec.aggregateType, id);
    return { state: events.reduce(spec.apply, initial), events: events.length };
  }

  /** Append `type` with `data` (its catalogue payload minus the id, which this log fills). */
  record<T extends EventType>(type: T, data: PayloadWithout<T, IdKey>): Result<S> {
    const full = withFilled({ [this.spec.idKey]: this.id } as Record<IdKey, string>, data);
    const r = this.store.append({ type, aggregate_type: this.spec.aggregateType, aggregate_id: this.id, data: full });
    if (!r.ok) return r;
    this.current = this.spec.apply(this.current, {
      type,
      timestamp: r.value.stored[0]?.timestamp ?? new Date().toISOString(),
      data: full,
    });
    this.spec.mirror(this.current);
    return ok(this.current);
  }
}
