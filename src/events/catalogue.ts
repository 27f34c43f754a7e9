/**
 * The typed event catalogue. Every event we write has a valibot payload schema in one of the
 * groups merged here (catalogue/run.ts, evidence.ts, authoring.ts); payloads are loose objects
 * because a version may gain fields but never rename or drop one.
 * Writers are typed from these schemas (EventPayload, NewEvent, SessionLog.emit), so a type missing
 * here or a payload that does not fit is a compile error; the store checks again at append.
 * Unknown but well-formed dotted types are accepted only on import (logs from newer versions).
 */
import * as v from "valibot";
import { AUTHORING_EVENTS } from "./catalogue/authoring.ts";
import { EVIDENCE_EVENTS } from "./catalogue/evidence.ts";
import { phase } from "./catalogue/fields.ts";
import { RUN_EVENTS } from "./catalogue/run.ts";

export const PHASES = phase.options;
export type PhaseName = (typeof PHASES)[number];

export const TERMINAL_TYPES = [
  "orchestrator.session.completed",
  "orchestrator.session.failed",
  "orchestrator.session.cancelled",
] as const;
export const SESSION_STARTED = "orchestrator.session.started";

export const CATALOGUE = { ...RUN_EVENTS, ...EVIDENCE_EVENTS, ...AUTHORING_EVENTS };
/** A type in two groups would silently take the later schema: that is a compile error instead. */
type Twice =
  | (keyof typeof RUN_EVENTS & keyof typeof EVIDENCE_EVENTS)
  | (keyof typeof RUN_EVENTS & keyof typeof AUTHORING_EVENTS)
  | (keyof typeof EVIDENCE_EVENTS & keyof typeof AUTHORING_EVENTS);
const definedOnce: [Twice] extends [never] ? true : { defined_twice: Twice } = true;
void definedOnce;

/** Every event type this version writes: the catalogue's keys, nowhere else. */
export type EventType = keyof typeof CATALOGUE;
/** The envelope's `event_version` for every type (the store's default); a payload change that is
 * not additive would need a new version here and a reader for both. */
export const EVENT_VERSION = 1;
export const EVENT_TYPE_PATTERN = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$/;

/** The fields a schema declares (without the loose object's open index signature), minus `Drop`. */
type Declared<T, Drop extends PropertyKey = never> = {
  [K in keyof T as string extends K ? never : K extends Drop ? never : K]: T[K];
};
/** Types whose writers may add fields of their own: their payload type keeps the open index signature. */
type OpenPayload = "orchestrator.progress.updated";
/**
 * What a writer hands in for `T`: exactly the declared fields (missing required ones, wrong types
 * and undeclared names are compile errors); the stored schema stays loose for readers.
 */
export type EventPayload<T extends EventType> = T extends OpenPayload
  ? v.InferInput<(typeof CATALOGUE)[T]>
  : T extends EventType
    ? Declared<v.InferInput<(typeof CATALOGUE)[T]>>
    : never;
/** The payload minus the keys its writer fills (`session_id` from a SessionLog, an aggregate's id). */
export type PayloadWithout<T extends EventType, Filled extends string> = T extends OpenPayload
  ? Omit<v.InferInput<(typeof CATALOGUE)[T]>, Filled>
  : T extends EventType
    ? Declared<v.InferInput<(typeof CATALOGUE)[T]>, Filled>
    : never;

/** `data` with the keys its writer fills put back (the one cast the generic payload types need). */
export function withFilled<T extends EventType, Filled extends string>(
  filled: { [K in Filled]?: unknown },
  data: PayloadWithout<T, Filled>,
): EventPayload<T> {
  return { ...filled, ...data } as unknown as EventPayload<T>;
}

export function isEventType(type: string): type is EventType {
  return Object.hasOwn(CATALOGUE, type);
}

/**
 * Why `data` may not be stored as `type`, or null. Live appends refuse types missing from the
 * catalogue; an import (`unknownTypes: "accept"`) keeps well-formed types a newer version wrote.
 */
export function validatePayload(
  type: string,
  data: unknown,
  unknownTypes: "refuse" | "accept" = "refuse",
): string | null {
  if (!EVENT_TYPE_PATTERN.test(type)) return `event type '${type}' is not a dotted lower-case name`;
  if (!data || typeof data !== "object" || Array.isArray(data)) return "payload must be a JSON object";
  if (!isEventType(type)) return unknownTypes === "accept" ? null : `event type '${type}' is not in the catalogue`;
  const schema: v.GenericSchema = CATALOGUE[type];
  if (v.is(schema, data)) return null;
  const r = v.safeParse(schema, data);
  if (r.success) return null;
  const i = r.issues[0];
  return `${type}: ${i.path?.map((p) => String(p.key)).join(".") || "payload"}: ${i.message}`;
}

/** Keys that must never be stored (raw runtime dumps), at any depth. */
const STRIP = /^(raw_.*|event_payloads?|subscribed_.*(event|payload).*)$/;
export function stripForbidden(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripForbidden);
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, val] of Object.entries(value)) if (!STRIP.test(k)) out[k] = stripForbidden(val);
    return out;
  }
  return value;
}
