/** The event envelope: what is stored and what `events --json` prints (one stable shape). */
import * as v from "valibot";
import { EVENT_VERSION, type EventPayload, type EventType } from "./catalogue.ts";

export const NewEventSchema = v.object({
  id: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(200))),
  type: v.pipe(v.string(), v.minLength(3), v.maxLength(200)),
  aggregate_type: v.pipe(v.string(), v.minLength(1), v.maxLength(100)),
  aggregate_id: v.pipe(v.string(), v.minLength(1), v.maxLength(300)),
  data: v.record(v.string(), v.unknown()),
  timestamp: v.optional(v.pipe(v.string(), v.isoTimestamp())),
  event_version: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0)), EVENT_VERSION),
  consensus_id: v.optional(v.nullable(v.string()), null),
});
type Envelope = Omit<v.InferInput<typeof NewEventSchema>, "type" | "data">;
/** One event of type `T` to append: `data` is checked against `T`'s catalogue schema when compiled. */
export type NewEventOf<T extends EventType> = Envelope & { type: T; data: EventPayload<T> };
/** Any event to append, discriminated by `type` (a batch may mix types). */
export type NewEvent = { [T in EventType]: NewEventOf<T> }[EventType];
/** A typed event as a member of the NewEvent union, for batches built by generic helpers
 * (tsc cannot place a `NewEventOf<T>` of a generic `T` in the union by itself). */
export const newEvent = <T extends EventType>(e: NewEventOf<T>): NewEvent => e as unknown as NewEvent;

export const StoredEventSchema = v.object({
  rowid: v.number(),
  id: v.string(),
  type: v.string(),
  aggregate_type: v.string(),
  aggregate_id: v.string(),
  session_id: v.nullable(v.string()),
  timestamp: v.string(),
  event_version: v.number(),
  consensus_id: v.nullable(v.string()),
  data: v.record(v.string(), v.unknown()),
});
export type StoredEvent = v.InferOutput<typeof StoredEventSchema>;

/** The session an event belongs to: the session aggregate itself, or payload.session_id. */
export function sessionOf(e: {
  aggregate_type: string;
  aggregate_id: string;
  data: Record<string, unknown>;
}): string | null {
  if (e.aggregate_type === "session") return e.aggregate_id;
  const s = e.data.session_id;
  return typeof s === "string" && s ? s : null;
}

export interface EventRow {
  seq: number;
  id: string;
  aggregate_type: string;
  aggregate_id: string;
  event_type: string;
  payload: string;
  timestamp: string;
  event_version: number;
  consensus_id: string | null;
  session_id: string | null;
}

export function rowToEvent(r: EventRow): StoredEvent {
  return {
    rowid: r.seq,
    id: r.id,
    type: r.event_type,
    aggregate_type: r.aggregate_type,
    aggregate_id: r.aggregate_id,
    session_id: r.session_id,
    timestamp: r.timestamp,
    event_version: r.event_version,
    consensus_id: r.consensus_id,
    data: JSON.parse(r.payload) as Record<string, unknown>,
  };
}

/** JSONL line for `events --json`: key order is part of the contract. */
export function eventJsonLine(r: EventRow): string {
  return `{"rowid":${r.seq},"id":${JSON.stringify(r.id)},"type":${JSON.stringify(r.event_type)},"aggregate_type":${JSON.stringify(
    r.aggregate_type,
  )},"aggregate_id":${JSON.stringify(r.aggregate_id)},"session_id":${JSON.stringify(r.session_id)},"timestamp":${JSON.stringify(
    r.timestamp,
  )},"event_version":${r.event_version},"consensus_id":${JSON.stringify(r.consensus_id)},"data":${r.payload}}`;
}
