/**
 * The CLI on PostgreSQL (`--db postgres://…` or OUROBOROS_DATABASE_URL): status, cancel and
 * events export/import against a real server, sessions moved SQLite → PostgreSQL and back, and
 * nothing written to the local SQLite file meanwhile.
 */
import type { EventType } from "../../src/events/catalogue.ts";
import type { NewEvent } from "../../src/events/envelope.ts";
import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { EventStore } from "../../src/events/store.ts";
import { runCli, tempHome } from "../lib/cli.ts";
import { pgStoreForFile } from "../lib/postgres.ts";
import { started, terminal } from "../lib/session-events.ts";

/** A loose fixture: the store validates each payload at append, which is what these tests rely on. */
const ev = (sid: string, type: EventType, data: Record<string, unknown>, aggregate = "session") =>
  ({
    type,
    aggregate_type: aggregate,
    aggregate_id: aggregate === "session" ? sid : "exec_1",
    data: { session_id: sid, ...data },
  }) as NewEvent;
/** A finished run with a phase, two ACs (one passed) and cost, so status has every table to show. */
const finishedRun = (sid: string) => [
  started(sid),
  ev(sid, "pipeline.phase.started", { phase: "big_bang" }),
  ev(
    sid,
    "ac.tree.built",
    {
      nodes: [
        { ac_id: "ac_1", parent: null, depth: 0, position: 0, description: "first criterion" },
        { ac_id: "ac_2", parent: null, depth: 0, position: 1, description: "second criterion" },
      ],
    },
    "execution",
  ),
  ev(sid, "execution.ac.status_changed", { ac_id: "ac_1", status: "passed", attempt: 1 }, "execution"),
  ev(sid, "execution.ac.token_attribution.reported", { ac_id: "ac_1", tokens: 100, cost_usd: 0.25 }, "execution"),
  ev(sid, "pipeline.phase.completed", { phase: "big_bang", outcome: "completed" }),
  terminal(sid),
];

const shared = pgStoreForFile();

const must = async <T>(p: Promise<{ ok: true; value: T } | { ok: false; error: { message: string } }>) => {
  const r = await p;
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
};
const noRowid = (text: string) => text.replace(/^\{"rowid":\d+,/gm, "{");

describe("the CLI on PostgreSQL", () => {
  test("status and cancel through OUROBOROS_DATABASE_URL or --db; the local SQLite file is never created", async () => {
    await must(shared.store.appendBatch(finishedRun("orch_cli_done")));
    await must(shared.store.append(started("orch_cli_live")));
    await must(shared.store.append(started("orch_cli_idle")));
    const home = tempHome();
    const env = { OUROBOROS_DATABASE_URL: shared.url };

    const list = await runCli(["status", "--json"], { home, env });
    expect(list.code).toBe(0);
    const ids = JSON.parse(list.stdout).sessions.map((s: { session_id: string }) => s.session_id);
    expect(ids).toEqual(expect.arrayContaining(["orch_cli_done", "orch_cli_live", "orch_cli_idle"]));

    const one = await runCli(["status", "orch_cli_done", "--json", "--db", shared.url], { home });
    expect(one.code).toBe(0);
    const detail = JSON.parse(one.stdout);
    expect(detail.session).toMatchObject({
      status: "completed",
      acs: { total: 2, passed: 1, failed: 0 },
      cost_usd: 0.25,
    });
    expect(detail.acs.map((a: { ac_id: string; status: string }) => [a.ac_id, a.status])).toEqual([
      ["ac_1", "passed"],
      ["ac_2", "pending"],
    ]);
    expect(detail.phases.map((p: { phase: string; status: string }) => [p.phase, p.status])).toEqual([
      ["big_bang", "completed"],
    ]);
    const table = await runCli(["status", "orch_cli_done"], { home, env });
    expect(table.stdout).toContain("first criterion");

    // A run on another machine holds a lease: cancel asks it to stop and names it.
    await must(
      shared.store.acquireLease("orch_cli_live", { host: "build-box-7", pid: 3131, projectDir: "/srv/p" }, 60_000),
    );
    const ask = await runCli(["cancel", "orch_cli_live", "--json"], { home, env });
    expect(ask.code).toBe(0);
    expect(JSON.parse(ask.stdout)).toMatchObject({ action: "requested", owner: { host: "build-box-7", pid: 3131 } });
    const [req] = await shared.store.queryEvents({
      session: "orch_cli_live",
      typeGlob: "orchestrator.session.cancel_requested",
    });
    expect(JSON.parse(req!.payload).requested_by).toMatch(/ pid \d+$/);
    // Nobody owns this one: it is cancelled directly.
    const direct = await runCli(["cancel", "orch_cli_idle", "--db", shared.url], { home });
    expect([direct.code, direct.stdout.trim()]).toEqual([0, "orch_cli_idle cancelled"]);
    expect((await shared.store.findSession("orch_cli_idle"))?.status).toBe("cancelled");
    const unknown = await runCli(["cancel", "orch_nope"], { home, env });
    expect(unknown.code).toBe(4);

    expect(existsSync(join(home, "ouroboros.db"))).toBe(false);
  }, 60_000);

  test("a URL that is not PostgreSQL is refused in one line naming --db or the variable", async () => {
    const home = tempHome();
    const flag = await runCli(["status", "--db", "mysql://db.example/x"], { home });
    expect([flag.code, flag.stderr.trim()]).toEqual([
      64,
      "error: --db: scheme 'mysql' is not supported (use postgres:// or postgresql://)",
    ]);
    const envBad = await runCli(["events", "export", "orch_x"], {
      home,
      env: { OUROBOROS_DATABASE_URL: "http://u:secret@db.example/x" },
    });
    expect([envBad.code, envBad.stderr.trim().split("\n").length]).toEqual([64, 1]);
    expect(envBad.stderr).toContain("OUROBOROS_DATABASE_URL: scheme 'http' is not supported");
    const noHost = await runCli(["cancel", "orch_x"], { home, env: { OUROBOROS_DATABASE_URL: "postgresql://" } });
    expect([noHost.code, noHost.stderr.trim()]).toEqual([
      64,
      "error: OUROBOROS_DATABASE_URL: 'postgresql://' names no host",
    ]);
    expect(existsSync(join(home, "ouroboros.db"))).toBe(false);
  }, 60_000);

  test("events export/import move a session SQLite → PostgreSQL → SQLite with the same JSONL", async () => {
    const home = tempHome();
    const lite = EventStore.open(join(home, "ouroboros.db"));
    if (!lite.ok) throw new Error(lite.error.message);
    // Another session interleaved, so the rowids differ between the stores.
    for (const [i, e] of finishedRun("orch_move").entries()) {
      lite.value.append(e);
      lite.value.append(ev("orch_other", "orchestrator.progress.updated", { i }));
    }
    lite.value.close();
    const dir = tempHome();
    const a = join(dir, "from-sqlite.jsonl");
    const b = join(dir, "from-pg.jsonl");
    const c = join(dir, "back-in-sqlite.jsonl");

    expect((await runCli(["events", "export", "orch_move", "-o", a], { home })).code).toBe(0);
    const imported = await runCli(["events", "import", a, "--json", "--db", shared.url], { home });
    expect(JSON.parse(imported.stdout)).toMatchObject({ lines: 7, imported: 7, skipped: 0 });
    expect(
      (await runCli(["events", "export", "orch_move", "-o", b], { home, env: { OUROBOROS_DATABASE_URL: shared.url } }))
        .code,
    ).toBe(0);
    expect(noRowid(readFileSync(b, "utf8"))).toBe(noRowid(readFileSync(a, "utf8")));
    expect(readFileSync(b, "utf8")).not.toBe(readFileSync(a, "utf8")); // only the rowids differ

    // And back: into a fresh SQLite home, then out again.
    const home2 = tempHome();
    const back = await runCli(["events", "import", b, "--json"], { home: home2 });
    expect(JSON.parse(back.stdout)).toMatchObject({ lines: 7, imported: 7 });
    expect((await runCli(["events", "export", "orch_move", "-o", c], { home: home2 })).code).toBe(0);
    expect(noRowid(readFileSync(c, "utf8"))).toBe(noRowid(readFileSync(a, "utf8")));
    const st = await runCli(["status", "orch_move", "--json"], { home: home2 });
    expect(JSON.parse(st.stdout).session).toMatchObject({ status: "completed", acs: { total: 2, passed: 1 } });

    // Importing into PostgreSQL again adds nothing; stdout export from PostgreSQL matches too.
    const twice = await runCli(["events", "import", a, "--json"], {
      home,
      env: { OUROBOROS_DATABASE_URL: shared.url },
    });
    expect(JSON.parse(twice.stdout)).toMatchObject({ imported: 0, skipped: 7 });
    const piped = await runCli(["events", "export", "orch_move", "--db", shared.url], { home });
    expect(noRowid(piped.stdout)).toBe(noRowid(readFileSync(a, "utf8")));
  }, 60_000);

  test("a session started on PostgreSQL exports and imports into SQLite unchanged", async () => {
    await must(shared.store.appendBatch(finishedRun("orch_pg_first")));
    const home = tempHome();
    const dir = tempHome();
    const a = join(dir, "pg.jsonl");
    const b = join(dir, "sqlite.jsonl");
    expect((await runCli(["events", "export", "orch_pg_first", "-o", a, "--db", shared.url], { home })).code).toBe(0);
    expect(existsSync(join(home, "ouroboros.db"))).toBe(false);
    expect((await runCli(["events", "import", a], { home })).code).toBe(0);
    expect((await runCli(["events", "export", "orch_pg_first", "-o", b], { home })).code).toBe(0);
    expect(noRowid(readFileSync(b, "utf8"))).toBe(noRowid(readFileSync(a, "utf8")));
  }, 60_000);
});
