/** MCP resources (all application/json): seeds, sessions and events. */
import { existsSync, readdirSync } from "node:fs";
import { basename, join } from "node:path";
import { paths } from "../config/paths.ts";
import { fail, ok, type Result } from "../errors.ts";
import type { McpContext } from "./context.ts";
import { lookupSession, pageEvents, sessionDetail, sessionSummary } from "./views.ts";

export const RESOURCES = [
  {
    uri: "ouroboros://seeds",
    name: "seeds",
    description: "Seeds in $OUROBOROS_HOME/seeds with id, goal and validity",
    mimeType: "application/json",
  },
  {
    uri: "ouroboros://sessions",
    name: "sessions",
    description: "Recent sessions (50) with status and progress",
    mimeType: "application/json",
  },
  {
    uri: "ouroboros://sessions/current",
    name: "current session",
    description: "The running session (else the latest) in detail",
    mimeType: "application/json",
  },
  { uri: "ouroboros://events", name: "events", description: "The latest 100 events", mimeType: "application/json" },
];

export const RESOURCE_TEMPLATES = [
  {
    uriTemplate: "ouroboros://seeds/{seed_id}",
    name: "seed",
    description: "One seed by metadata.seed_id or file name",
    mimeType: "application/json",
  },
  {
    uriTemplate: "ouroboros://sessions/{session_id}",
    name: "session",
    description: "One session: status, phases, ACs, errors",
    mimeType: "application/json",
  },
  {
    uriTemplate: "ouroboros://events/{session_id}",
    name: "session events",
    description: "The latest 500 events of one session",
    mimeType: "application/json",
  },
];

async function seeds() {
  const dir = paths.seeds();
  const files = existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => /\.ya?ml$/.test(f))
        .sort()
    : [];
  const { loadSeedFile } = await import("../seed/load.ts");
  return files.map((f) => {
    const r = loadSeedFile(join(dir, f));
    return { file: join(dir, f), id: r.seed?.metadata.seed_id ?? basename(f).replace(/\.ya?ml$/, ""), r };
  });
}

export async function readResource(ctx: McpContext, uri: string): Promise<Result<unknown>> {
  const m = /^ouroboros:\/\/(seeds|sessions|events)(?:\/(.+))?$/.exec(uri);
  if (!m)
    return fail("unknownId", `unknown resource '${uri}'`, {
      hint: "resources/list and resources/templates/list show what exists",
    });
  const [, kind, rawArg] = m;
  const arg = rawArg ? decodeURIComponent(rawArg) : undefined;
  if (kind === "seeds") {
    const all = await seeds();
    const { formatProblem } = await import("../util/problems.ts");
    if (!arg)
      return ok({
        count: all.length,
        directory: paths.seeds(),
        seeds: all.map((s) => ({
          seed_id: s.id,
          file: s.file,
          goal: s.r.seed?.goal ?? null,
          valid: s.r.errors.length === 0,
          acceptance_criteria: s.r.seed?.acceptance_criteria.length ?? null,
        })),
      });
    const hit = all.find((s) => s.id === arg) ?? all.find((s) => basename(s.file).replace(/\.ya?ml$/, "") === arg);
    if (!hit)
      return fail("unknownId", `no seed '${arg}' in ${paths.seeds()}`, { hint: "ouroboros://seeds lists them" });
    return ok({
      seed_id: hit.id,
      file: hit.file,
      valid: hit.r.errors.length === 0,
      seed: hit.r.seed ?? hit.r.source?.data ?? null,
      errors: hit.r.errors.map(formatProblem),
      warnings: hit.r.warnings.map(formatProblem),
    });
  }
  const b = await ctx.backend();
  if (!b.ok) return b;
  const db = b.value;
  if (kind === "sessions") {
    if (!arg) {
      const rows = await db.listSessions(50);
      return ok({ count: rows.length, sessions: rows.map(sessionSummary) });
    }
    if (arg === "current") {
      const s = (await db.latestRunningSession()) ?? (await db.listSessions(1))[0];
      return ok(s ? await sessionDetail(db, s) : { session: null, note: "no sessions yet" });
    }
    const s = await lookupSession(db, arg);
    return s.ok ? ok(await sessionDetail(db, s.value)) : s;
  }
  if (!arg) return ok(await pageEvents(db, { limit: 100, offset: 0, latest: true }));
  const s = await lookupSession(db, arg);
  if (!s.ok) return s;
  return ok({
    session_id: s.value.session_id,
    ...(await pageEvents(db, { session: s.value.session_id, limit: 500, offset: 0, latest: true })),
  });
}
