/**
 * The typed writers' compile-time contract, checked by test/suite/typecheck.test.ts: each line after a
 * `@ts-expect-error TSnnnn` marker must fail with that error once the marker is removed, and no
 * other line may fail. The main typecheck sees this file with its markers (so it must pass there).
 */
import type { NewEvent } from "../../src/events/envelope.ts";
import type { EventStore } from "../../src/events/store.ts";
import type { InterviewLog } from "../../src/interview/log.ts";
import type { Emit } from "../../src/pipeline/session.ts";

declare const emit: Emit;
declare const store: EventStore;
declare const interview: InterviewLog;
const session = { aggregate_type: "session", aggregate_id: "orch_1" };

// Payloads that fit their schema compile.
emit("execution.ac.status_changed", { ac_id: "ac_1", status: "passed", attempt: 1 });
emit("pipeline.phase.started", { phase: "evaluation" }, "session");
store.append({ ...session, type: "orchestrator.session.cancelled", data: { session_id: "orch_1", reason: "user" } });
interview.record("interview.question.asked", { round_number: 1, question: "Who uses it?" });
const batch: NewEvent[] = [{ ...session, type: "lineage.converged", data: { session_id: "orch_1", generation: 2 } }];

// A field of the wrong type.
// @ts-expect-error TS2322
emit("execution.ac.status_changed", { ac_id: "ac_1", status: "passed", attempt: "1" });
// A required field missing.
// @ts-expect-error TS2345
emit("execution.ac.status_changed", { ac_id: "ac_1" });
// A type that is not in the catalogue.
// @ts-expect-error TS2345
emit("execution.ac.status_chnged", { ac_id: "ac_1", status: "passed" });
// A field the schema does not declare.
// @ts-expect-error TS2353
emit("execution.ac.heartbeat", { ac_id: "ac_1", elapsed_seconds: 5, mood: "fine" });
// session_id is the SessionLog's to fill.
// @ts-expect-error TS2353
emit("execution.ac.heartbeat", { session_id: "orch_2", ac_id: "ac_1", elapsed_seconds: 5 });
// A phase name outside the picklist.
// @ts-expect-error TS2322
emit("pipeline.phase.started", { phase: "testing" }, "session");
// store.append checks `data` against the schema its `type` names.
// @ts-expect-error TS2741
store.append({ ...session, type: "orchestrator.session.failed", data: { session_id: "orch_1" } });
// A batch element with an unknown type.
// @ts-expect-error TS2820
batch.push({ ...session, type: "lineage.converges", data: { session_id: "orch_1", generation: 2 } });
// An aggregate log's record: wrong field type.
// @ts-expect-error TS2322
interview.record("interview.question.asked", { round_number: "1", question: "Who uses it?" });
