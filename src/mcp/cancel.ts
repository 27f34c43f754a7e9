/**
 * Cancel a session with the semantics of `ouroboros cancel`: a live run (in this server, another
 * process, or on another machine sharing the database) is asked to stop and records the
 * cancellation itself; a session without a live owner is cancelled directly; an ended session is
 * left alone.
 */
import { ok, type Result } from "../errors.ts";
import { leaseHost } from "../events/lease.ts";
import type { SessionRow } from "../events/read.ts";
import type { McpContext } from "./context.ts";
import { ownerLabel, sessionOwner } from "./job-state.ts";

export async function cancelSession(
  ctx: McpContext,
  s: SessionRow,
  reason: string,
): Promise<Result<Record<string, unknown>>> {
  const b = await ctx.backend();
  if (!b.ok) return b;
  if (s.terminal_type) return ok({ session_id: s.session_id, action: "already_ended", status: s.status });
  const jobs = await ctx.jobs();
  const host = leaseHost();
  // The owner question never names this process, so ask the job table about our own runs.
  const owner = jobs.running(s.session_id) ? { host, pid: process.pid } : await sessionOwner(b.value, s.session_id);
  const requested_by = `${host} pid ${process.pid} (mcp server)`;
  const r = owner
    ? await b.value.append({
        type: "orchestrator.session.cancel_requested",
        aggregate_type: "session",
        aggregate_id: s.session_id,
        data: { session_id: s.session_id, reason, requested_by },
      })
    : await b.value.append({
        type: "orchestrator.session.cancelled",
        aggregate_type: "session",
        aggregate_id: s.session_id,
        data: { session_id: s.session_id, reason, cancelled_by: "user" },
      });
  if (!r.ok) return r;
  return ok(
    owner
      ? {
          session_id: s.session_id,
          action: "requested",
          status: s.status,
          owner,
          note: `${ownerLabel(owner)} stops its agents and records the cancellation`,
        }
      : { session_id: s.session_id, action: "cancelled", status: "cancelled" },
  );
}
