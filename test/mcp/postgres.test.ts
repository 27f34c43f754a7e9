/**
 * `mcp serve` on PostgreSQL (OUROBOROS_DATABASE_URL): sessions recorded in SQLite, moved to a
 * PostgreSQL database with `events export` / `events import`, read through the MCP tools and
 * resources of two servers (one per backend) with the same answers; writes land in PostgreSQL and
 * the PostgreSQL server's home never gets a SQLite file.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PgEventStore } from "../../src/events/pg/store.ts";
import { SqliteBackend } from "../../src/events/sqlite-backend.ts";
import { runCli, tempHome } from "../lib/cli.ts";
import { evolvedSession } from "../lib/evolved-session.ts";
import { freshDatabase } from "../lib/postgres.ts";
import { sessionEvents } from "../lib/session-fixture.ts";
import { connect, type Connected } from "./client.ts";

const DONE = "orch_mcp_pg_done";
const LIVE = "orch_mcp_pg_live";
const evolved = evolvedSession(DONE);
const live = sessionEvents({ sessionId: LIVE, finished: false, start: new Date("2026-11-25T10:00:00Z") });

let url: string;
let pg: PgEventStore;
const sqliteHome = tempHome("ouro-mcp-sqlite-");
const pgHome = tempHome("ouro-mcp-pg-");
let onSqlite: Connected;
let onPg: Connected;

beforeAll(async () => {
  url = await freshDatabase();
  const s = SqliteBackend.open(join(sqliteHome, "ouroboros.db"));
  if (!s.ok) throw new Error(s.error.message);
  const r = await s.value.appendBatch([...evolved.events, ...live.events]);
  await s.value.close();
  if (!r.ok) throw new Error(r.error.message);
  // The sessions move to PostgreSQL the way a team would move them: export, then import.
  for (const sid of [DONE, LIVE]) {
    const file = join(sqliteHome, `${sid}.jsonl`);
    const out = await runCli(["events", "export", sid, "-o", file], { home: sqliteHome });
    expect(out.code).toBe(0);
    const imp = await runCli(["events", "import", file, "--json"], {
      home: pgHome,
      env: { OUROBOROS_DATABASE_URL: url },
    });
    expect(imp.code, imp.stderr).toBe(0);
    expect(JSON.parse(imp.stdout).imported).toBeGreaterThan(0);
  }
  const p = await PgEventStore.open(url);
  if (!p.ok) throw new Error(p.error.message);
  pg = p.value;
  [onSqlite, onPg] = await Promise.all([
    connect(sqliteHome),
    connect(pgHome, { env: { OUROBOROS_DATABASE_URL: url } }),
  ]);
}, 180_000);
afterAll(async () => {
  await Promise.all([onSqlite?.close(), onPg?.close()]);
  await pg?.close();
});

/** The same call on both servers: the answers must be the same text, and not an error. */
async function same(name: string, args: Record<string, unknown> = {}) {
  const [a, b] = [await onSqlite.call(name, args), await onPg.call(name, args)];
  expect(a.isError, a.text).toBe(false);
  expect(b.isError, `${b.text}\n${onPg.stderr()}`).toBe(false);
  expect(b.text).toBe(a.text);
  return a;
}
async function sameResource(uri: string) {
  const read = async (c: Connected) => ((await c.client.readResource({ uri })).contents[0] as { text: string }).text;
  const [a, b] = [await read(onSqlite), await read(onPg)];
  expect(b).toBe(a);
  return JSON.parse(a);
}

describe("mcp serve with OUROBOROS_DATABASE_URL", () => {
  test("status, lineage, events and the AC views answer from PostgreSQL as from SQLite", async () => {
    const done = await same("ouroboros_session_status", { session_id: DONE });
    expect(done.json).toMatchObject({ session_id: DONE, status: "completed", done: true });
    expect(done.json.errors.map((e: { type: string }) => e.type)).toContain("execution.ac.stall_detected");
    const running = await same("ouroboros_session_status", { session_id: LIVE.slice(0, -2) });
    expect(running.json).toMatchObject({ session_id: LIVE, status: "running" });

    const lineage = await same("ouroboros_lineage_status", { lineage_id: DONE });
    expect(lineage.json).toMatchObject({ status: "converged", generations_run: 1 });
    expect(lineage.json.generations[0].refined).toEqual([{ ac_id: evolved.acIds[1], description: "clearer wording" }]);

    const page = await same("ouroboros_query_events", {
      session_id: DONE,
      event_type: "execution.ac.*",
      limit: 7,
      offset: 3,
    });
    expect(page.json.count).toBe(7);
    expect(page.json.total).toBeGreaterThan(10);
    expect(page.json.events.every((e: { type: string }) => e.type.startsWith("execution.ac."))).toBe(true);
    const exact = await same("ouroboros_query_events", { event_type: "lineage.converged" });
    expect(exact.json.total).toBe(1);

    expect((await same("ouroboros_ac_tree_hud", { session_id: DONE })).text).toContain(evolved.acIds[0]!);
    expect((await same("ouroboros_ac_dashboard", { session_id: DONE })).text).toContain("rejected → pass");
    const job = await same("ouroboros_job_status", { job_id: `job_${DONE}` });
    expect(job.json).toMatchObject({ kind: "execution", status: "completed", done: true });
    const unknown = await onPg.call("ouroboros_session_status", { session_id: "orch_nobody" });
    expect([unknown.isError, unknown.text]).toEqual([true, expect.stringContaining("no session 'orch_nobody'")]);
  });

  test("the resources answer from PostgreSQL as from SQLite", async () => {
    const list = await sameResource("ouroboros://sessions");
    expect(list.sessions.map((s: { session_id: string }) => s.session_id).sort()).toEqual([DONE, LIVE]);
    expect((await sameResource("ouroboros://sessions/current")).session_id).toBe(LIVE);
    expect((await sameResource(`ouroboros://sessions/${DONE}`)).acs.length).toBe(evolved.acIds.length);
    const events = await sameResource("ouroboros://events");
    expect(events.count).toBe(100);
    const mine = await sameResource(`ouroboros://events/${DONE}`);
    expect(mine.total).toBe(evolved.events.length);
  });

  test("writes go to PostgreSQL; the server's home gets no SQLite file", async () => {
    const cancel = await onPg.call("ouroboros_cancel_execution", { execution_id: live.executionId, reason: "stop" });
    expect(cancel.isError, cancel.text).toBe(false);
    expect(cancel.json).toMatchObject({ session_id: LIVE, action: "cancelled" });
    expect(await pg.sessionEnding(LIVE)).toMatchObject({ type: "orchestrator.session.cancelled" });

    const repo = mkdtempSync(join(tmpdir(), "ouro-brown-pg-"));
    writeFileSync(join(repo, "package.json"), "{}");
    const scan = await onPg.call("ouroboros_brownfield", { action: "register", scan_root: repo });
    expect(scan.isError, scan.text).toBe(false);
    expect((await pg.aggregateTypeEvents("brownfield")).map((e) => [e.type, e.data.path])).toEqual([
      ["brownfield.scanned", repo],
      ["brownfield.default.set", repo],
    ]);
    expect((await onPg.call("ouroboros_brownfield", { action: "query" })).json.default).toBe(repo);

    // Runs look their session up in PostgreSQL too: the one just cancelled there is ended.
    const run = await onPg.call("ouroboros_start_execute_seed", { session_id: LIVE });
    expect(run.isError).toBe(true);
    expect(run.text).toContain(`session ${LIVE} already ended (cancelled)`);
    expect(existsSync(join(pgHome, "ouroboros.db"))).toBe(false);
  });
});
