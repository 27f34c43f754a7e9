/**
 * `ouroboros cancel <session> [--reason R] [--json] [--db PATH|URL]`: a live run is asked to stop
 * (it writes the terminal event itself after killing its agents); a session without a live owner
 * is cancelled directly. The owner is the session's lease holder on any machine sharing the
 * database (or, for runs that still take the local file lock, that lock's process); this machine
 * names itself as the lease does (`OUROBOROS_HOSTNAME`, else the hostname).
 */
import { defineCommand } from "citty";
import { EXIT, fail, unwrap } from "../../errors.ts";
import type { EventBackend } from "../../events/backend.ts";
import { DB_ARG_DESCRIPTION, openBackend, openReadBackend } from "../../events/open-backend.ts";
import { leaseHost } from "../../events/lease.ts";
import { sessionOwner } from "../../mcp/job-state.ts";
import { exitCode, out, outJson } from "../output.ts";

const unknown = (id: string) => fail("unknownId", `no session '${id}'`, { hint: "`ouroboros status` lists sessions" });

export default defineCommand({
  meta: { name: "cancel", description: "Cancel a running session (from any terminal or machine sharing the database)" },
  args: {
    session: { type: "positional", required: true, description: "session id or unique prefix" },
    reason: { type: "string", description: "why (default: Cancelled by user via CLI)" },
    json: { type: "boolean" },
    db: { type: "string", description: DB_ARG_DESCRIPTION },
  },
  async run({ args }) {
    const id = String(args.session);
    // An unknown id is reported without creating or migrating a SQLite database.
    const probe = unwrap(await openReadBackend(args.db));
    const known = probe ? await probe.findSession(id) : null;
    if (!probe || !known) {
      await probe?.close();
      return unwrap(unknown(id));
    }
    let store: EventBackend = probe;
    if (probe.kind === "sqlite") {
      await probe.close();
      store = unwrap(await openBackend(args.db));
    }
    try {
      return await cancel(
        store,
        id,
        args.reason ? String(args.reason) : "Cancelled by user via CLI",
        Boolean(args.json),
      );
    } finally {
      await store.close();
    }
  },
});

async function cancel(store: EventBackend, id: string, reason: string, json: boolean) {
  const s = await store.findSession(id);
  if (!s) return unwrap(unknown(id));
  let action: "already_ended" | "requested" | "cancelled";
  let owner: { host: string; pid: number } | null = null;
  if (s.terminal_type) action = "already_ended";
  else {
    owner = await sessionOwner(store, s.session_id);
    const type = owner ? "orchestrator.session.cancel_requested" : "orchestrator.session.cancelled";
    const data = owner
      ? { session_id: s.session_id, reason, requested_by: `${leaseHost()} pid ${process.pid}` }
      : { session_id: s.session_id, reason, cancelled_by: "user" };
    unwrap(await store.append({ type, aggregate_type: "session", aggregate_id: s.session_id, data }));
    action = owner ? "requested" : "cancelled";
  }
  if (json)
    outJson("cancel", {
      session_id: s.session_id,
      action,
      status: action === "cancelled" ? "cancelled" : s.status,
      ...(owner ? { owner: { host: owner.host, pid: owner.pid } } : {}),
    });
  else
    out(
      action === "already_ended"
        ? `${s.session_id} already ended (${s.status})`
        : action === "requested"
          ? `${s.session_id}: cancellation requested; the running process (${owner!.host} pid ${owner!.pid}) stops its agents and records it`
          : `${s.session_id} cancelled`,
    );
  return exitCode(EXIT.ok);
}
