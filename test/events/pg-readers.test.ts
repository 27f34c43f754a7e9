/**
 * Every reader on PostgreSQL: the `events` listing (all filters, byte-equal to SQLite for the same
 * imported log), `events --follow` through LISTEN/NOTIFY, pipes that close early, `mcp doctor --db
 * URL` — and with the URL set, no local SQLite file is ever created.
 */
import { jsonLines } from "../lib/json-lines.ts";
import { describe, expect, test } from "bun:test";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PgEventStore } from "../../src/events/pg/store.ts";
import { EventStore } from "../../src/events/store.ts";
import { cliArgv, runCli, tempHome } from "../lib/cli.ts";
import { freshDatabase } from "../lib/postgres.ts";
import { sessionEvents } from "../lib/session-fixture.ts";
import { within } from "../lib/timing.ts";

const q = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;

async function openPg(url: string): Promise<PgEventStore> {
  const r = await PgEventStore.open(url);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

/** Two sessions interleaved in one SQLite log, exported to one JSONL file (the "same log"). */
async function sharedLog(): Promise<{ file: string; ids: string[]; eventIds: string[]; times: string[] }> {
  const home = tempHome();
  const a = sessionEvents({ sessionId: "orch_aaaa00000001", acs: 5, goal: 'Ünïcode "quotes" \\ and\ttabs ✓' });
  const b = sessionEvents({ sessionId: "orch_bbbb00000002", acs: 4, finished: false });
  const s = EventStore.open(join(home, "ouroboros.db"));
  if (!s.ok) throw new Error(s.error.message);
  for (let i = 0; i < Math.max(a.events.length, b.events.length); i++)
    for (const e of [a.events[i], b.events[i]]) if (e) s.value.append(e);
  s.value.close();
  const all = await runCli(["events", "--json"], { home });
  expect(all.code).toBe(0);
  const file = join(home, "log.jsonl");
  writeFileSync(file, all.stdout);
  const rows = all.stdout
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as { id: string; timestamp: string });
  return {
    file,
    ids: [a.sessionId, b.sessionId],
    eventIds: rows.map((r) => r.id),
    times: rows.map((r) => r.timestamp),
  };
}

describe("events on PostgreSQL", () => {
  test("listing and every filter print the same bytes as SQLite for the same imported log", async () => {
    const log = await sharedLog();
    const url = await freshDatabase();
    const liteHome = tempHome();
    const pgHome = tempHome();
    const env = { OUROBOROS_DATABASE_URL: url };
    expect((await runCli(["events", "import", log.file], { home: liteHome })).code).toBe(0);
    expect((await runCli(["events", "import", log.file, "--db", url], { home: pgHome })).code).toBe(0);

    const [a, b] = log.ids as [string, string];
    const cases: string[][] = [
      ["--json"],
      [],
      [a, "--json"],
      [b],
      ["--type", "execution.*", "--json"],
      ["--type", "execution.ac.status_[cs]*", "--json"],
      ["--type", "*.completed", "--limit", "7"],
      [a, "--type", "evaluation.stage.?ompleted", "--json"],
      ["--since", "17", "--json"],
      ["--since", log.eventIds[30]!, "--json"],
      ["--since", log.times[40]!, "--json"],
      [b, "--since", "20", "--limit", "5", "--json"],
      ["--limit", "0", "--json"],
      ["--limit", "1"],
    ];
    for (const args of cases) {
      const lite = await runCli(["events", ...args], { home: liteHome });
      const pg = await runCli(["events", ...args], { home: pgHome, env });
      expect([args, pg.code, pg.stderr]).toEqual([args, 0, ""]);
      expect([args, lite.code]).toEqual([args, 0]);
      expect(pg.stdout).toBe(lite.stdout);
    }
    // The cases are not vacuous: filters select different, non-empty parts of the log.
    const lines = async (...args: string[]) =>
      (await runCli(["events", ...args], { home: pgHome, env })).stdout.trim().split("\n").length;
    expect(await lines("--json")).toBe(log.eventIds.length);
    expect(await lines(a, "--json")).toBeLessThan(log.eventIds.length);
    expect(await lines("--type", "execution.ac.status_[cs]*", "--json")).toBeGreaterThan(1);
    // --db URL is the same as the variable.
    const viaFlag = await runCli(["events", b, "--json", "--db", url], { home: pgHome });
    expect(viaFlag.stdout).toBe((await runCli(["events", b, "--json"], { home: liteHome })).stdout);

    // Errors are the same too: unknown session exit 4, bad --since and --limit exit 64.
    for (const args of [["orch_nope"], ["--since", "yesterday"], ["--limit", "-1"]]) {
      const lite = await runCli(["events", ...args], { home: liteHome });
      const pg = await runCli(["events", ...args], { home: pgHome, env });
      expect([args, pg.code, pg.stderr]).toEqual([args, lite.code, lite.stderr]);
    }
    expect((await runCli(["events", "orch_nope"], { home: pgHome, env })).code).toBe(4);
    expect(existsSync(join(pgHome, "ouroboros.db"))).toBe(false);
  }, 120_000);

  test("--follow --json delivers another process's append within 200 ms (median); SIGTERM exits 0", async () => {
    const url = await freshDatabase();
    const store = await openPg(url);
    const home = tempHome();
    const f = sessionEvents({ sessionId: "orch_ffff00000001", acs: 4, finished: false });
    const r = await store.appendBatch(f.events);
    if (!r.ok) throw new Error(r.error.message);
    const proc = Bun.spawn([...cliArgv(), "events", f.sessionId, "--follow", "--json"], {
      env: { ...process.env, OUROBOROS_HOME: home, OUROBOROS_DATABASE_URL: url },
      stdout: "pipe",
      stderr: "pipe",
    });
    const lines = jsonLines<{ rowid: number; type: string; data: Record<string, unknown> }>(proc);
    const readLine = lines.next;
    for (let i = 0; i < f.events.length; i++) await readLine(); // the backlog
    expect(lines.pending()).toBe("");

    const latencies: number[] = [];
    for (let i = 0; i < 7; i++) {
      // Another session's event in between: the follower's filter keeps it out.
      await store.append({
        type: "orchestrator.progress.updated",
        aggregate_type: "session",
        aggregate_id: "orch_other",
        data: { session_id: "orch_other", i },
      } as never);
      const t0 = performance.now();
      const a = await store.append({
        type: "execution.tool.started",
        aggregate_type: "execution",
        aggregate_id: f.executionId,
        data: { session_id: f.sessionId, ac_id: f.acIds.at(-1)!, tool_name: `Tool${i}` },
      });
      if (!a.ok) throw new Error(a.error.message);
      const line = await readLine();
      latencies.push(performance.now() - t0);
      expect([line.type, line.data.tool_name, line.rowid]).toEqual([
        "execution.tool.started",
        `Tool${i}`,
        a.value.stored[0]!.rowid,
      ]);
      await Bun.sleep(30);
    }
    const median = [...latencies].sort((x, y) => x - y)[3]!;
    console.error(
      `events --follow on PostgreSQL: median ${median.toFixed(1)} ms (${latencies.map((l) => l.toFixed(1)).join(", ")})`,
    );
    expect(median).toBeLessThan(within(200));
    proc.kill("SIGTERM");
    expect(await proc.exited).toBe(0);
    await store.close();
    expect(existsSync(join(home, "ouroboros.db"))).toBe(false);
  }, 120_000);

  test("| head -1 exits 0 quietly (listing, human, follow); the listing waits for a slow reader", async () => {
    const url = await freshDatabase();
    const store = await openPg(url);
    const f = sessionEvents({ sessionId: "orch_hhhh00000001", acs: 8 });
    // Enough rows that the listing outgrows the pipe before `head` goes away.
    for (let i = 0; i < 40; i++) {
      const batch = sessionEvents({ sessionId: `orch_hhhh${String(i).padStart(8, "0")}`, acs: 6 });
      const r = await store.appendBatch(i ? batch.events : f.events);
      if (!r.ok) throw new Error(r.error.message);
    }
    const total = await store.tailSeq();
    await store.close();
    const home = tempHome();
    const sh = async (cmd: string) => {
      const p = Bun.spawn(["bash", "-c", cmd], {
        env: { ...process.env, OUROBOROS_HOME: home, OUROBOROS_DATABASE_URL: url, NO_COLOR: "1" },
        stdout: "pipe",
        stderr: "pipe",
      });
      const [out, err] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
      return { out, err };
    };
    const cli = cliArgv().map(q).join(" ");
    for (const cmd of ["events --json", "events", "events --follow --json"]) {
      const r = await sh(`${cli} ${cmd} | head -1; echo "status=\${PIPESTATUS[0]}"`);
      const [first, status] = r.out.trim().split("\n");
      expect([cmd, first?.includes("orch_hhhh"), status, r.err]).toEqual([cmd, true, "status=0", ""]);
    }
    // A reader that pauses: every row still arrives, in order (the follower waits for the pipe).
    const slow = `let n = 0; const c = []; for await (const x of Bun.stdin.stream()) { c.push(x); if ((n += x.length) > 65536) { n = 0; await Bun.sleep(20); } } await Bun.write(Bun.stdout, new Blob(c));`;
    const r = await sh(`${cli} events --json | ${q(process.execPath)} -e ${q(slow)}`);
    const seqs = r.out
      .trim()
      .split("\n")
      .map((l) => (JSON.parse(l) as { rowid: number }).rowid);
    expect(seqs.length).toBe(total);
    expect(seqs.every((s, i) => s === i + 1)).toBe(true);
    expect(existsSync(join(home, "ouroboros.db"))).toBe(false);
  }, 120_000);

  test("mcp doctor --db URL (or the variable) checks the server and creates no SQLite file", async () => {
    const url = await freshDatabase();
    const home = tempHome();
    for (const run of [
      () => runCli(["mcp", "doctor", "--json", "--db", url], { home }),
      () => runCli(["mcp", "doctor", "--json"], { home, env: { OUROBOROS_DATABASE_URL: url } }),
    ]) {
      const r = await run();
      const check = (JSON.parse(r.stdout).checks as { name: string; ok: boolean; detail: string }[]).find(
        (c) => c.name === "event store",
      )!;
      expect(check.ok).toBe(true);
      expect(check.detail).toContain("PostgreSQL");
      expect(check.detail).not.toContain("ouro-test"); // the password is not shown
    }
    const down = await runCli(["mcp", "doctor", "--json", "--db", "postgres://u:pw@127.0.0.1:1/x"], { home });
    const failed = (JSON.parse(down.stdout).checks as { name: string; ok: boolean; detail: string }[]).find(
      (c) => c.name === "event store",
    )!;
    expect([down.code, failed.ok]).toEqual([1, false]);
    expect(failed.detail).not.toContain(":pw@");
    expect(existsSync(join(home, "ouroboros.db"))).toBe(false);
  }, 120_000);
});
