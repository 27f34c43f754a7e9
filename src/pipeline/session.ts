/**
 * A running session's handle on the log: every step is appended as an event carrying the
 * session id, and the in-memory state is advanced by the very events that were stored.
 */
import { type EventType, type PayloadWithout, type PhaseName, withFilled } from "../events/catalogue.ts";
import type { EventStore } from "../events/store.ts";
import type { StoredEvent } from "../events/envelope.ts";
import { describeUnknown } from "../errors.ts";
import { applyEvent, type SessionState } from "../events/session-state.ts";

/** A session event's payload as its writer gives it: SessionLog fills `session_id`. */
export type EmitPayload<T extends EventType> = PayloadWithout<T, "session_id">;
export type Emit = <T extends EventType>(
  type: T,
  data: EmitPayload<T>,
  aggregate?: "session" | "execution",
) => StoredEvent | null;

export class SessionLog {
  readonly listeners: ((e: StoredEvent) => void)[] = [];
  constructor(
    readonly store: EventStore,
    readonly state: SessionState,
  ) {}

  get sessionId(): string {
    return this.state.sessionId;
  }

  /** Append one event; returns null when the store refused it as a duplicate terminal. Throws only on I/O failure. */
  emit: Emit = (type, data, aggregate = "execution") => {
    const r = this.store.append({
      type,
      aggregate_type: aggregate,
      aggregate_id: aggregate === "session" ? this.sessionId : (this.state.executionId ?? this.sessionId),
      data: withFilled({ session_id: this.sessionId }, data),
    });
    if (!r.ok) throw new Error(`event log write failed (${type}): ${r.error.message}`);
    const stored = r.value.stored[0];
    if (!stored) return null;
    applyEvent(this.state, stored);
    for (const l of this.listeners) {
      try {
        l(stored);
      } catch (e) {
        process.stderr.write(`progress display failed: ${describeUnknown(e)}\n`);
      }
    }
    return stored;
  };

  /** Time a phase (session-level when acId is absent) with started/completed events. */
  async phase<T>(
    phase: PhaseName,
    acId: string | undefined,
    body: () => Promise<{ outcome: string; value: T }>,
  ): Promise<T> {
    const t = performance.now();
    this.emit("pipeline.phase.started", { phase, ...(acId ? { ac_id: acId } : {}) }, "session");
    const r = await body();
    this.emit(
      "pipeline.phase.completed",
      { phase, ...(acId ? { ac_id: acId } : {}), duration_ms: Math.round(performance.now() - t), outcome: r.outcome },
      "session",
    );
    return r.value;
  }
}
