/**
 * `ouroboros status [session] [--json]`: read-only view of the session projections, on SQLite or
 * PostgreSQL (`--db postgres://…` / OUROBOROS_DATABASE_URL).
 */
import { defineCommand } from "citty";
import { EXIT, fail, unwrap } from "../../errors.ts";
import type { EventBackend } from "../../events/backend.ts";
import { DB_ARG_DESCRIPTION, openReadBackend } from "../../events/open-backend.ts";
import type { SessionRow } from "../../events/read.ts";
import { exitCode, out, outJson, table } from "../output.ts";
import { plural } from "../../util/plural.ts";

const short = (s: string | null, n: number) => (!s ? "" : s.length > n ? `${s.slice(0, n - 1)}…` : s);
const cost = (c: number) => `$${c.toFixed(4)}`;
const when = (t: string | null) => (t ? t.replace("T", " ").replace(/\.\d+Z$/, "Z") : "");

function sessionSummary(s: SessionRow) {
  return {
    session_id: s.session_id,
    status: s.status,
    goal: s.goal,
    seed_id: s.seed_id,
    runtime: s.runtime,
    current_phase: s.current_phase,
    started_at: s.started_at,
    updated_at: s.updated_at,
    events: s.event_count,
    acs: { total: s.acs_total, passed: s.acs_passed, failed: s.acs_failed },
    cost_usd: s.cost_usd,
    tokens: s.tokens,
  };
}

export default defineCommand({
  meta: { name: "status", description: "Sessions and their status, or one session's ACs, phases and cost" },
  args: {
    session: { type: "positional", required: false, description: "session id (or a unique prefix)" },
    limit: { type: "string", valueHint: "N", description: "sessions to list (default 20)" },
    json: { type: "boolean", description: "print JSON" },
    db: { type: "string", description: DB_ARG_DESCRIPTION },
  },
  async run({ args }) {
    const limit = args.limit === undefined ? 20 : Number(args.limit);
    if (!Number.isInteger(limit) || limit < 1)
      unwrap(fail("badArgs", `--limit must be a positive whole number, got '${args.limit}'`));
    const db = unwrap(await openReadBackend(args.db));
    try {
      return await show(db, args.session ? String(args.session) : undefined, limit, Boolean(args.json));
    } finally {
      await db?.close();
    }
  },
});

async function show(db: EventBackend | null, session: string | undefined, limit: number, json: boolean) {
  if (!session) {
    const rows = db ? await db.listSessions(limit) : [];
    if (json) outJson("sessions", { sessions: rows.map(sessionSummary) });
    else if (!rows.length) out("no sessions yet");
    else
      out(
        table(
          ["session", "status", "phase", "ACs ✓/✗/all", "cost", "started", "goal"],
          rows.map((s) => [
            s.session_id,
            s.status,
            s.current_phase ?? "",
            `${s.acs_passed}/${s.acs_failed}/${s.acs_total}`,
            cost(s.cost_usd),
            when(s.started_at),
            short(s.goal, 40),
          ]),
          { drop: ["started", "phase", "cost"], whole: ["session"] },
        ),
      );
    return exitCode(EXIT.ok);
  }
  const s = db ? await db.findSession(session) : null;
  if (!s || !db)
    return unwrap(fail("unknownId", `no session '${session}'`, { hint: "`ouroboros status` lists sessions" }));
  const [acs, phases] = [await db.sessionAcs(s.session_id), await db.sessionPhases(s.session_id)];
  if (json) {
    outJson("session", { session: sessionSummary(s), acs, phases });
    return exitCode(EXIT.ok);
  }
  out(
    `${s.session_id}  ${s.status}  ${s.runtime ?? ""}  ${cost(s.cost_usd)}  ${plural(s.tokens, "token")}  ${plural(s.event_count, "event")}`,
  );
  out(`goal: ${s.goal ?? ""}`);
  if (phases.length)
    out(
      table(
        ["phase", "status", "started", "ended"],
        phases.map((p) => [p.phase, p.status, when(p.started_at), when(p.ended_at)]),
      ),
    );
  if (acs.length)
    out(
      table(
        ["#", "AC", "status", "phase", "tier", "tries", "cost", "description"],
        acs.map((a) => [
          "  ".repeat(a.depth) + String(a.position + 1),
          a.ac_id,
          a.status,
          a.phase ?? "",
          a.tier ?? "",
          a.attempts,
          cost(a.cost_usd),
          short(a.description, 50),
        ]),
        { drop: ["tier", "tries", "cost", "phase"], whole: ["#", "AC"] },
      ),
    );
  return exitCode(EXIT.ok);
}
