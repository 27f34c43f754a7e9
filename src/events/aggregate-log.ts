/**
 * State rebuilt from one aggregate's events (an interview, an auto run). `record` appends one
 * event, folds it into the state, then mirrors the state (a readable file): the log is the truth,
 * so a crash after the append loses nothing and `replay` rebuilds the same state. The log is an
 * EventBackend, so an interview lands in whichever database the command was given.
 */
import { ok, type Result } from "../errors.ts";
import type { EventBackend } from "./backend.ts";
import { type EventType, type PayloadWithout, withFilled } from "./catalogue.ts";
import type { AggregateEvent } from "./queries.ts";

export type { AggregateEvent };

export interface AggregateSpec<S, IdKey extends string = string> {
  aggregateType: string;
  /** Payload key that carries the id on every event (interview_id, auto_id). */
  idKey: IdKey;
  apply(state: S, event: Omit<AggregateEvent, "seq">): S;
  mirror(state: S): void;
}

export class AggregateLog<S, IdKey extends string = string> {
  protected constructor(
    private readonly backend: EventBackend,
    private readonly spec: AggregateSpec<S, IdKey>,
    readonly id: string,
    private current: S,
  ) {}

  get state(): S {
    return this.current;
  }

  /** The state after every stored event of `id`, folded over `initial`; `events` = how many. */
  protected static async replayState<S>(
    backend: EventBackend,
    spec: AggregateSpec<S>,
    id: string,
    initial: S,
  ): Promise<{ state: S; events: number }> {
    const events = await backend.aggregateEvents(spec.aggregateType, id);
    return { state: events.reduce(spec.apply, initial), events: events.length };
  }

  /** Append `type` with `data` (its catalogue payload minus the id, which this log fills). */
  async record<T extends EventType>(type: T, data: PayloadWithout<T, IdKey>): Promise<Result<S>> {
    const full = withFilled({ [this.spec.idKey]: this.id } as Record<IdKey, string>, data);
    const r = await this.backend.append({
      type,
      aggregate_type: this.spec.aggregateType,
      aggregate_id: this.id,
      data: full,
    });
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
