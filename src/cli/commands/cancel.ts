/**
 * `ouroboros cancel <session> [--reason R] [--json]`: a live run is asked to stop (it writes the
 * terminal event itself after killing its agents); a session without a live owner is cancelled
 * directly.
 */
import { defineCommand } from "citty";
import { paths } from "../../config/paths.ts";
import { EXIT, fail, unwrap } from "../../errors.ts";
import { openReadonly } from "../../events/db.ts";
import { findSession } from "../../events/read.ts";
import { EventStore } from "../../events/store.ts";
import { lockHolder } from "../../util/lock.ts";
import { exitCode, out, outJson } from "../output.ts";

export default defineCommand({
  meta: { name: "cancel", description: "Cancel a running session (from any terminal)" },
  args: {
    session: { type: "positional", required: true, description: "session id or unique prefix" },
    reason: { type: "string", description: "why (default: Cancelled by user via CLI)" },
    json: { type: "boolean" },
  },
  run({ args }) {
    // An unknown id is reported without creating or migrating the database.
    const probe = unwrap(openReadonly(paths.database()));
    const known = probe ? findSession(probe, String(args.session)) : null;
    probe?.close();
    if (!known)
      return unwrap(fail("unknownId", `no session '${args.session}'`, { hint: "`ouroboros status` lists sessions" }));
    const store = unwrap(EventStore.open(paths.database()));
    try {
      const s = findSession(store.reader, String(args.session));
      if (!s)
        return unwrap(fail("unknownId", `no session '${args.session}'`, { hint: "`ouroboros status` lists sessions" }));
      const reason = args.reason ? String(args.reason) : "Cancelled by user via CLI";
      let action: "already_ended" | "requested" | "cancelled";
      if (s.terminal_type) action = "already_ended";
      else {
        const owner = lockHolder(s.session_id);
        const type = owner ? "orchestrator.session.cancel_requested" : "orchestrator.session.cancelled";
        const data = owner
          ? { session_id: s.session_id, reason, requested_by: `pid ${process.pid}` }
          : { session_id: s.session_id, reason, cancelled_by: "user" };
        unwrap(store.append({ type, aggregate_type: "session", aggregate_id: s.session_id, data }));
        action = owner ? "requested" : "cancelled";
      }
      if (args.json)
        outJson("cancel", {
          session_id: s.session_id,
          action,
          status: action === "already_ended" ? s.status : action === "cancelled" ? "cancelled" : s.status,
        });
      else
        out(
          action === "already_ended"
            ? `${s.session_id} already ended (${s.status})`
            : action === "requested"
              ? `${s.session_id}: cancellation requested; the running process stops its agents and records it`
              : `${s.session_id} cancelled`,
        );
      return exitCode(EXIT.ok);
    } finally {
      store.close();
    }
  },
});
