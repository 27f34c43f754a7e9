/** JSON views over the event log shared by tools and resources. Read-only; either backend. */
import { fail, ok, type Result } from "../errors.ts";
import type { EventBackend } from "../events/backend.ts";
import type { EventRow } from "../events/envelope.ts";
import type { SessionRow } from "../events/read.ts";

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
export async function pageEvents(
  b: EventBackend,
  f: { session?: string; type?: string; limit: number; offset: number; latest?: boolean },
) {
  const { total, rows } = await b.eventPage(f);
  return { total, offset: f.offset, count: rows.length, events: rows.map(eventJson) };
}

const noSession = (id: string) =>
  fail("unknownId", `no session '${id}'`, {
    hint: "ouroboros_query_events or the ouroboros://sessions resource lists sessions",
  });

/** One session by id or unique prefix. */
export async function lookupSession(b: EventBackend, id: string): Promise<Result<SessionRow>> {
  const s = await b.findSession(id);
  return s ? ok(s) : noSession(id);
}

/** The shared backend and one session by id or prefix: the first step of most session tools. */
export async function openSession(
  ctx: { backend(): Promise<Result<EventBackend>> },
  id: string,
): Promise<Result<{ backend: EventBackend; session: SessionRow }>> {
  const b = await ctx.backend();
  if (!b.ok) return b;
  const s = await lookupSession(b.value, id);
  return s.ok ? ok({ backend: b.value, session: s.value }) : s;
}

/** A session by execution id (or, for convenience, by session id or prefix). */
export async function sessionByExecution(b: EventBackend, id: string): Promise<Result<SessionRow>> {
  const s = (await b.sessionByExecutionId(id)) ?? (await b.findSession(id));
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
export async function sessionDetail(b: EventBackend, s: SessionRow) {
  const [phases, acs, failures] = await Promise.all([
    b.sessionPhases(s.session_id),
    b.sessionAcs(s.session_id),
    b.sessionFailures(s.session_id),
  ]);
  return {
    ...sessionSummary(s),
    phases,
    acs,
    errors: failures.map((e) => {
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
export const terminalEvent = (b: EventBackend, sessionId: string) => b.sessionEnding(sessionId);
