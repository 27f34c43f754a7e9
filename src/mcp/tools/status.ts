/** Status tools: session status, event queries and the AC views (markdown). */
import * as v from "valibot";
import { ok } from "../../errors.ts";
import { defineTool, int, optStr, str } from "../tool.ts";

const sessionId = str("session id (orch_…) or a unique prefix");

export const statusTools = [
  defineTool({
    name: "ouroboros_session_status",
    description: "A session's status: phase, AC progress, per-phase state, ACs, cost and errors.",
    schema: v.strictObject({ session_id: sessionId }),
    async handler(a, ctx) {
      const { openSession, sessionDetail } = await import("../views.ts");
      const s = await openSession(ctx, a.session_id);
      return s.ok ? ok(await sessionDetail(s.value.backend, s.value.session)) : s;
    },
  }),
  defineTool({
    name: "ouroboros_query_events",
    description:
      "Events from the log in order, optionally for one session and one type (exact, or a glob such as execution.ac.*). Pages with limit/offset; total counts all matches.",
    schema: v.strictObject({
      session_id: optStr("only this session (id or unique prefix)"),
      event_type: optStr("exact event type or glob pattern"),
      limit: v.optional(int("events per page, 1..500", 1, 500), 50),
      offset: v.optional(int("matches to skip", 0, Number.MAX_SAFE_INTEGER), 0),
    }),
    async handler(a, ctx) {
      const b = await ctx.backend();
      if (!b.ok) return b;
      const { pageEvents, lookupSession } = await import("../views.ts");
      let session: string | undefined;
      if (a.session_id) {
        const s = await lookupSession(b.value, a.session_id);
        if (!s.ok) return s;
        session = s.value.session_id;
      }
      return ok({
        session_id: session ?? null,
        ...(await pageEvents(b.value, { session, type: a.event_type, limit: a.limit, offset: a.offset })),
      });
    },
  }),
  defineTool({
    name: "ouroboros_ac_tree_hud",
    description: "Live AC tree of a session as markdown: each criterion with status, phase, tier and attempts.",
    schema: v.strictObject({ session_id: sessionId }),
    async handler(a, ctx) {
      const s = await (await import("../views.ts")).openSession(ctx, a.session_id);
      if (!s.ok) return s;
      return ok(await (await import("../markdown.ts")).acTree(s.value.backend, s.value.session));
    },
  }),
  defineTool({
    name: "ouroboros_ac_dashboard",
    description: "Per-AC dashboard of a session as markdown: status, judged outcome of every attempt, tier, cost.",
    schema: v.strictObject({ session_id: sessionId }),
    async handler(a, ctx) {
      const s = await (await import("../views.ts")).openSession(ctx, a.session_id);
      if (!s.ok) return s;
      return ok(await (await import("../markdown.ts")).acDashboard(s.value.backend, s.value.session));
    },
  }),
];
