/** JSON views over the event store shared by tools and resources. Read-only. */
import { fail, ok, type Result } from "../errors.ts";
import type { EventRow } from "../events/envelope.ts";
import { eventPage, sessionByExecutionId, sessionEnding, sessionFailures } from "../events/queries.ts";
import { findSession, sessionAcs, sessionPhases, type SessionRow } from "../events/read.ts";
import type { EventReader } from "../events/reader.ts";

export const eventJson = (r: EventRow) => ({
  seq: r.seq,
  id: r.id,
  type: r.event_type,
  timestamp: r.timestamp,
  session_id: r.session_id,
  aggregate: `${r.aggregate_type}/${r.aggregate_id}`,
  data: JSON.parse(r.payload) as unknown,
});

/** Events in log order, filtered; `total` counts all matches so a client can page. */
export function pageEvents(
  db: EventReader,
  f: { session?: string; type?: string; limit: number; offset: number; latest?: boolean },
) {
  const { total, rows } = eventPage(db, f);
  return { total, offset: f.offset, count: rows.length, events: rows.map(eventJson) };
}

export function requireSession(db: EventReader, id: string): Result<SessionRow> {
  const s = findSession(db, id);
  return s
    ? ok(s)
    : fail("unknownId", `no session '${id}'`, {
        hint: "ouroboros_query_events or the ouroboros://sessions resource lists sessions",
      });
}

/** The shared store and one session by id or prefix: the first step of most session tools. */
export async function openSession(
  ctx: { store(): Promise<Result<{ reader: EventReader }>> },
  id: string,
): Promise<Result<{ reader: EventReader; session: SessionRow }>> {
  const store = await ctx.store();
  if (!store.ok) return store;
  const s = requireSession(store.value.reader, id);
  return s.ok ? ok({ reader: store.value.reader, session: s.value }) : s;
}

/** A session by execution id (or, for convenience, by session id or prefix). */
export function sessionByExecution(db: EventReader, id: string): Result<SessionRow> {
  const s = sessionByExecutionId(db, id) ?? findSession(db, id);
  return s
    ? ok(s)
    : fail("unknownId", `no execution or session '${id}'`, {
        hint: "ouroboros://sessions lists them with their execution_id",
      });
}

const isTerminal = (s: SessionRow) => Boolean(s.terminal_type);

export function sessionSummary(s: SessionRow) {
  return {
    session_id: s.session_id,
    execution_id: s.execution_id,
    seed_id: s.seed_id,
    goal: s.goal,
    runtime: s.runtime,
    status: s.status,
    done: isTerminal(s),
    phase: s.current_phase,
    progress: { acs_total: s.acs_total, acs_passed: s.acs_passed, acs_failed: s.acs_failed },
    started_at: s.started_at,
    updated_at: s.updated_at,
    cost_usd: s.cost_usd,
    tokens: s.tokens,
    event_count: s.event_count,
    last_seq: s.last_seq,
  };
}

/** Status with the session's errors: failed ACs, failures and the terminal reason. */
export function sessionDetail(db: EventReader, s: SessionRow) {
  return {
    ...sessionSummary(s),
    phases: sessionPhases(db, s.session_id),
    acs: sessionAcs(db, s.session_id),
    errors: sessionFailures(db, s.session_id).map((e) => {
      const d = e.data;
      return {
        type: e.type,
        ac_id: d.ac_id ?? null,
        message: String(
          d.error ??
            d.reason ??
            d.message ??
            d.summary ??
            (d.status ? `${d.ac_id} ${d.status}${d.attempt ? ` (attempt ${d.attempt})` : ""}` : ""),
        ),
      };
    }),
  };
}

/** The session's terminal (or pause) event payload, if any. */
export const terminalEvent = sessionEnding;
