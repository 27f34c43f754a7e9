/**
 * The interview's log: aggregate "interview", state from state.ts's reducer, mirrored to
 * data/interview_<id>.json after every event.
 */
import { fail, ok, type Result } from "../errors.ts";
import { AggregateLog, aggregateEvents, type AggregateSpec } from "../events/aggregate-log.ts";
import type { PayloadWithout } from "../events/catalogue.ts";
import type { EventReader } from "../events/reader.ts";
import type { EventStore } from "../events/store.ts";
import { apply, emptyState, type InterviewEvent, type InterviewState, readStateFile, writeStateFile } from "./state.ts";

const SPEC: AggregateSpec<InterviewState, "interview_id"> = {
  aggregateType: "interview",
  idKey: "interview_id",
  apply,
  mirror: writeStateFile,
};

export const readInterviewEvents = (db: EventReader, id: string): InterviewEvent[] =>
  aggregateEvents(db, "interview", id);

export class InterviewLog extends AggregateLog<InterviewState, "interview_id"> {
  /** A new interview: its `interview.started` event is the first record. */
  static create(
    store: EventStore,
    id: string,
    started: PayloadWithout<"interview.started", "interview_id">,
  ): Result<InterviewLog> {
    const log = new InterviewLog(store, SPEC, id, emptyState(id, new Date().toISOString()));
    const r = log.record("interview.started", started);
    return r.ok ? ok(log) : r;
  }

  /** Rebuild from the log; a state file without events (copied from elsewhere) is accepted too. */
  static open(store: EventStore, id: string): Result<InterviewLog> {
    const replayed = AggregateLog.replayState(store, SPEC, id, emptyState(id, new Date().toISOString()));
    if (replayed.events) return ok(new InterviewLog(store, SPEC, id, replayed.state));
    const file = readStateFile(id);
    if (!file.ok) return file;
    if (file.value) return ok(new InterviewLog(store, SPEC, id, file.value));
    return fail("unknownId", `no interview '${id}'`, { hint: "`ouroboros init list` shows interviews" });
  }
}
