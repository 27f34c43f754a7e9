/**
 * The interview's log: aggregate "interview", state from state.ts's reducer, mirrored to
 * data/interview_<id>.json after every event. Written through an EventBackend, so with a
 * PostgreSQL URL the interview lands on the shared server.
 */
import { fail, ok, type Result } from "../errors.ts";
import { AggregateLog, type AggregateSpec } from "../events/aggregate-log.ts";
import type { EventBackend } from "../events/backend.ts";
import type { PayloadWithout } from "../events/catalogue.ts";
import { apply, emptyState, type InterviewEvent, type InterviewState, readStateFile, writeStateFile } from "./state.ts";

const SPEC: AggregateSpec<InterviewState, "interview_id"> = {
  aggregateType: "interview",
  idKey: "interview_id",
  apply,
  mirror: writeStateFile,
};

export const readInterviewEvents = (backend: EventBackend, id: string): Promise<InterviewEvent[]> =>
  backend.aggregateEvents("interview", id);

export class InterviewLog extends AggregateLog<InterviewState, "interview_id"> {
  /** A new interview: its `interview.started` event is the first record. */
  static async create(
    backend: EventBackend,
    id: string,
    started: PayloadWithout<"interview.started", "interview_id">,
  ): Promise<Result<InterviewLog>> {
    const log = new InterviewLog(backend, SPEC, id, emptyState(id, new Date().toISOString()));
    const r = await log.record("interview.started", started);
    return r.ok ? ok(log) : r;
  }

  /** Rebuild from the log; a state file without events (copied from elsewhere) is accepted too. */
  static async open(backend: EventBackend, id: string): Promise<Result<InterviewLog>> {
    const replayed = await AggregateLog.replayState(backend, SPEC, id, emptyState(id, new Date().toISOString()));
    if (replayed.events) return ok(new InterviewLog(backend, SPEC, id, replayed.state));
    const file = readStateFile(id);
    if (!file.ok) return file;
    if (file.value) return ok(new InterviewLog(backend, SPEC, id, file.value));
    return fail("unknownId", `no interview '${id}'`, { hint: "`ouroboros init list` shows interviews" });
  }
}
