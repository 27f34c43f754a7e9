/**
 * The dashboard on PostgreSQL (OUROBOROS_DATABASE_URL or `--db postgres://…`) in a real terminal:
 * the session list, a session's view, an append from another process shown live (LISTEN/NOTIFY),
 * and no local SQLite file created meanwhile.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { PgEventStore } from "../../src/events/pg/store.ts";
import { BUN, ROOT, cliArgv, runCli, tempHome } from "../lib/cli.ts";
import { freshDatabase } from "../lib/postgres.ts";
import { sessionEvents } from "../lib/session-fixture.ts";
import { within } from "../lib/timing.ts";
import { Tmux } from "../lib/tmux.ts";

const tmuxes: Tmux[] = [];
afterAll(() => {
  for (const t of tmuxes) t.kill();
});
const q = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;
const tui = (...extra: string[]) => [...cliArgv(), "tui", ...extra].map(q).join(" ");

describe("ouroboros tui on PostgreSQL", () => {
  test("lists and opens a session, shows another process's append live; no SQLite file", async () => {
    const url = await freshDatabase();
    const opened = await PgEventStore.open(url);
    if (!opened.ok) throw new Error(opened.error.message);
    const store = opened.value;
    const done = sessionEvents({ sessionId: "orch_pgaaaaaaaaaa", acs: 4, start: new Date(Date.now() - 3_600_000) });
    const live = sessionEvents({
      sessionId: "orch_pgbbbbbbbbbb",
      acs: 5,
      finished: false,
      goal: "Live session on the shared server",
      start: new Date(Date.now() - 400_000),
    });
    for (const f of [done, live]) {
      const r = await store.appendBatch(f.events);
      if (!r.ok) throw new Error(r.error.message);
    }
    await store.close();
    const home = tempHome("ouro-tui-pg-");
    const t = new Tmux("tui-pg");
    tmuxes.push(t);
    t.start(`cd ${q(ROOT)}; ${tui()}; echo "EXITED $?"`, 100, 30, {
      NO_COLOR: "1",
      OUROBOROS_HOME: home,
      OUROBOROS_DATABASE_URL: url,
    });
    let s = (await t.waitFor("ouroboros sessions (2)", 15_000)).screen;
    expect(s).toContain("orch_pgbbbbbbbbbb");
    expect(s).toContain("orch_pgaaaaaaaaaa");
    expect(s).toContain("ouro:***@127.0.0.1"); // the URL, without its password
    expect(s).not.toContain("ouro-test");
    t.keys("Enter");
    s = (await t.waitFor("acceptance criteria", 10_000)).screen;
    expect(s).toContain("orch_pgbbbbbbbbbb  running");
    expect(s).toContain("goal: Live session on the shared server");
    t.keys("G");
    await t.waitFor("▶ tool in progress: Bash bun test");

    // Another process appends (through its own connection): NOTIFY wakes the dashboard.
    const ev = (type: string, data: Record<string, unknown>) => ({
      type,
      aggregate_type: "execution",
      aggregate_id: live.executionId,
      data: { session_id: live.sessionId, ac_id: live.acIds[4]!, ...data },
    });
    const writer = Bun.spawn(
      [
        BUN,
        join(ROOT, "test/dashboard/append-events.ts"),
        url,
        JSON.stringify([
          ev("execution.tool.completed", { tool_name: "Bash", is_error: false }),
          ev("execution.tool.started", { tool_name: "Read", tool_detail: "marker-pg-51c.ts" }),
        ]),
      ],
      { stdout: "ignore", stderr: "inherit" },
    );
    expect(await writer.exited).toBe(0);
    const seen = await t.waitFor("marker-pg-51c.ts", 5000);
    expect(seen.ms).toBeLessThan(within(1000));
    expect(seen.screen).toContain("▶ tool in progress: Read marker-pg-51c.ts");

    t.keys("Escape");
    await t.waitFor("ouroboros sessions (2)");
    t.keys("q");
    await t.waitFor("EXITED 0", 5000, true);
    expect(existsSync(join(home, "ouroboros.db"))).toBe(false);

    // Straight to a session by prefix with --db URL; an unknown one is exit 4 before any terminal check.
    const t2 = new Tmux("tui-pg-direct");
    tmuxes.push(t2);
    t2.start(`cd ${q(ROOT)}; ${tui("orch_pgaaa", "--db", url)}; echo "EXITED $?"`, 100, 30, {
      NO_COLOR: "1",
      OUROBOROS_HOME: home,
    });
    s = (await t2.waitFor("acceptance criteria", 15_000)).screen;
    expect(s).toContain("orch_pgaaaaaaaaaa  completed");
    t2.keys("q");
    await t2.waitFor("EXITED 0", 5000, true);
    const unknown = await runCli(["tui", "orch_nope"], { home, env: { OUROBOROS_DATABASE_URL: url } });
    expect([unknown.code, unknown.stderr]).toEqual([4, expect.stringContaining("no session 'orch_nope'")]);
    expect(existsSync(join(home, "ouroboros.db"))).toBe(false);
  }, 90_000);
});
