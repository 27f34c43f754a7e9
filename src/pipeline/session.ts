/**
 * A running session's handle on the log: every step is appended as an event carrying the
 * session id, and the in-memory state is advanced by the very events that were stored.
 *
 * Appends go through one queue, so parallel workers' events are committed, applied to the state
 * and shown to listeners in the order they were emitted, on either backend.
 */
import { type EventType, type PayloadWithout, type PhaseName, withFilled } from "../events/catalogue.ts";
import type { EventBackend } from "../events/backend.ts";
import type { StoredEvent } from "../events/envelope.ts";
import { describeUnknown } from "../errors.ts";
import { applyEvent, type SessionState } from "../events/session-state.ts";

/** A session event's payload as its writer gives it: SessionLog fills `session_id`. */
export type EmitPayload<T extends EventType> = PayloadWithout<T, "session_id">;
export type Emit = <T extends EventType>(
  type: T,
  data: EmitPayload<T>,
  aggregate?: "session" | "execution",
) => Promise<StoredEvent | null>;

export class SessionLog {
  readonly listeners: ((e: StoredEvent) => void)[] = [];
  private tail: Promise<unknown> = Promise.resolve();
  /** Set by the first failed write (or by `fence`): every later append is refused with it. */
  private failure: Error | null = null;
  constructor(
    readonly backend: EventBackend,
    readonly state: SessionState,
  ) {}

  get sessionId(): string {
    return this.state.sessionId;
  }

  /**
   * Append one event after every event emitted before it; resolves once it is committed and
   * applied (null when the store refused it as a duplicate terminal). Rejects on I/O failure.
   */
  emit: Emit = (type, data, aggregate = "execution") => {
    const done = this.tail.then(() => this.commit(type, data, aggregate));
    this.tail = done.catch(() => undefined);
    return done;
  };

  /**
   * For callbacks that cannot wait (a runtime's tool stream, a timer): queued like `emit`; a failed
   * write is kept and rejects the next awaited emit, so it is never lost silently.
   */
  post: <T extends EventType>(type: T, data: EmitPayload<T>) => void = (type, data) => {
    this.emit(type, data).catch(() => undefined);
  };

  /** Wait for every queued append; rejects when one failed. */
  async flush(): Promise<void> {
    await this.tail;
    if (this.failure) throw this.failure;
  }

  /** No further append is made (the session's lease went to another process). */
  fence(reason: string): void {
    this.failure ??= new Error(reason);
  }

  private async commit<T extends EventType>(
    type: T,
    data: EmitPayload<T>,
    aggregate: "session" | "execution",
  ): Promise<StoredEvent | null> {
    if (this.failure) throw this.failure;
    const r = await this.backend
      .append({
        type,
        aggregate_type: aggregate,
        aggregate_id: aggregate === "session" ? this.sessionId : (this.state.executionId ?? this.sessionId),
        data: withFilled({ session_id: this.sessionId }, data),
      })
      // A backend that throws (a dropped connection) counts as a failed write, never a lost one.
      .catch((e: unknown) => ({ ok: false as const, error: { message: describeUnknown(e) } }));
    if (!r.ok) {
      this.failure ??= new Error(`event log write failed (${type}): ${r.error.message}`);
      throw this.failure;
    }
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
  }

  /** Time a phase (session-level when acId is absent) with started/completed events. */
  async phase<T>(
    phase: PhaseName,
    acId: string | undefined,
    body: () => Promise<{ outcome: string; value: T }>,
  ): Promise<T> {
    const t = performance.now();
    await this.emit("pipeline.phase.started", { phase, ...(acId ? { ac_id: acId } : {}) }, "session");
    const r = await body();
    await this.emit(
      "pipeline.phase.completed",
      { phase, ...(acId ? { ac_id: acId } : {}), duration_ms: Math.round(performance.now() - t), outcome: r.outcome },
      "session",
    );
    return r.value;
  }
}
