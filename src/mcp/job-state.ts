/**
 * What the job table needs to know of evaluation and evolution jobs (their plans and their state
 * folded from their own events) and who owns a running session. Kept apart from evaluate.ts /
 * evolve.ts (which need the server context) so the job table, which the context creates, imports
 * neither; `ouroboros cancel` asks the same owner question.
 */
import type { Result } from "../errors.ts";
import type { EventBackend } from "../events/backend.ts";
import { goneHere, leaseHost } from "../events/lease.ts";
import { lockHolder } from "../util/lock.ts";

export interface SessionOwner {
  host: string;
  pid: number;
}

/**
 * The process driving a session: the live lease holder (on any machine sharing the database), else
 * this machine's file-lock holder. A lease whose process on this host is gone (kill -9) drives
 * nothing: a resume takes it over at once, so it counts as no owner. `lockHolder` never names this
 * process; the job table knows this server's own runs.
 */
export async function sessionOwner(b: EventBackend, sessionId: string): Promise<SessionOwner | null> {
  const host = leaseHost();
  const lease = await b.leaseHolder(sessionId);
  if (lease && !goneHere(lease, host)) return { host: lease.host, pid: lease.pid };
  const local = lockHolder(sessionId);
  return local ? { host, pid: local } : null;
}

export const ownerLabel = (o: SessionOwner) => `${o.host} pid ${o.pid}`;

export interface EvaluationPlan {
  evaluationId: string;
  sessionId: string;
  run: (signal: AbortSignal) => Promise<Result<Record<string, unknown>>>;
}

export interface EvolutionPlan {
  evolutionId: string;
  sessionId: string;
  /** The seq of the job's start event: a follower's cursor starts just before it. */
  startSeq: number;
  run: (signal: AbortSignal) => Promise<Result<Record<string, unknown>>>;
}

/** State of an evaluation from its events: running (no end event), completed or failed. */
export async function evaluationState(b: EventBackend, evaluationId: string) {
  const rows = await b.aggregateEvents("evaluation", evaluationId);
  if (!rows.length) return null;
  const last = rows[rows.length - 1]!;
  const end = rows.find((r) => r.type === "evaluation.pipeline.completed" || r.type === "evaluation.pipeline.failed");
  return {
    session_id: String(rows[0]!.data.session_id),
    status: !end ? "running" : end.type.endsWith("completed") ? "completed" : "failed",
    stage: last.type.replace(/^evaluation\./, ""),
    last_seq: last.seq,
    result: end ? end.data : null,
  };
}

/** An evolution job's state from its events: running (no end event), completed or failed. */
export async function evolutionState(b: EventBackend, evolutionId: string) {
  const rows = await b.aggregateEvents("evolution", evolutionId);
  if (!rows.length) return null;
  const end = rows.find((r) => r.type === "evolution.job.completed" || r.type === "evolution.job.failed");
  return {
    session_id: String(rows[0]!.data.session_id),
    kind: String(rows[0]!.data.kind),
    status: !end ? "running" : end.type.endsWith("completed") ? "completed" : "failed",
    result: end ? end.data : null,
  };
}
