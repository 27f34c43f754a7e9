import { jsonLines } from "../lib/json-lines.ts";
import { describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { EventStore } from "../../src/events/store.ts";
import { cliArgv, runCli, tempHome } from "../lib/cli.ts";
import { within } from "../lib/timing.ts";

function seedDb(home: string, sessions = ["orch_one"], extra = 3): string {
  const path = join(home, "ouroboros.db");
  const s = EventStore.open(path);
  if (!s.ok) throw new Error(s.error.message);
  for (const sid of sessions) {
    s.value.append({
      type: "orchestrator.session.started",
      aggregate_type: "session",
      aggregate_id: sid,
      data: { session_id: sid, execution_id: `exec_${sid}`, seed_id: "seed_x", seed_goal: `goal of ${sid}` },
    });
    for (let i = 0; i < extra; i++)
      s.value.append({
        type: "orchestrator.progress.updated",
        aggregate_type: "session",
        aggregate_id: sid,
        data: { session_id: sid, i },
      });
  }
  s.value.close();
  return path;
}

describe("ouroboros events", () => {
  test("--json prints one stable envelope per line", async () => {
    const home = tempHome();
    seedDb(home);
    const r = await runCli(["events", "--json"], { home });
    expect(r.code).toBe(0);
    const lines = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(4);
    expect(Object.keys(lines[0])).toEqual([
      "rowid",
      "id",
      "type",
      "aggregate_type",
      "aggregate_id",
      "session_id",
      "timestamp",
      "event_version",
      "consensus_id",
      "data",
    ]);
    expect(lines[0].timestamp).toMatch(/Z$/);
    expect(r.stderr).toBe("");
  });

  test("session, --type glob and --since filters", async () => {
    const home = tempHome();
    seedDb(home, ["orch_a", "orch_b"]);
    const bySession = await runCli(["events", "orch_b", "--json"], { home });
    expect(
      bySession.stdout
        .trim()
        .split("\n")
        .every((l) => JSON.parse(l).session_id === "orch_b"),
    ).toBe(true);
    const byType = await runCli(["events", "--type", "orchestrator.session.*", "--json"], { home });
    expect(byType.stdout.trim().split("\n")).toHaveLength(2);
    const since = await runCli(["events", "--since", "6", "--json"], { home });
    expect(
      since.stdout
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l).rowid),
    ).toEqual([7, 8]);
    const bad = await runCli(["events", "--since", "yesterday-ish"], { home });
    expect(bad.code).toBe(64);
  });

  test("a read on a fresh home creates nothing and prints nothing", async () => {
    const home = tempHome();
    const r = await runCli(["events", "--json"], { home });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("");
    const { readdirSync } = await import("node:fs");
    expect(readdirSync(home)).toEqual([]);
  });

  test("--follow sees an event appended by another process within a short time", async () => {
    const home = tempHome();
    const path = seedDb(home, ["orch_f"], 0);
    const proc = Bun.spawn([...cliArgv(), "events", "--follow", "--json"], {
      env: { ...process.env, OUROBOROS_HOME: home },
      stdout: "pipe",
      stderr: "pipe",
    });
    const readLine = jsonLines<{ type: string; data: Record<string, unknown> }>(proc).next;
    expect((await readLine()).type).toBe("orchestrator.session.started");
    const writer = Bun.spawn([
      process.execPath,
      "-e",
      `
      const { EventStore } = await import(${JSON.stringify(join(import.meta.dir, "../../src/events/store.ts"))});
      const s = EventStore.open(${JSON.stringify(path)}).value;
      s.append({ type: "orchestrator.session.completed", aggregate_type: "session", aggregate_id: "orch_f", data: { session_id: "orch_f", summary: "from another process" } });
      s.close();`,
    ]);
    await writer.exited;
    const appendedAt = performance.now();
    const next = await readLine();
    const latency = performance.now() - appendedAt;
    expect(next.type).toBe("orchestrator.session.completed");
    expect(next.data.summary).toBe("from another process");
    expect(latency).toBeLessThan(within(1000));
    proc.kill("SIGTERM");
    expect(await proc.exited).toBe(0);
  });

  test("export then import is idempotent; bad lines are named and nothing partial lands", async () => {
    const src = tempHome();
    seedDb(src, ["orch_x"], 5);
    const file = join(src, "orch_x.jsonl");
    const exp = await runCli(["events", "export", "orch_x", "-o", file], { home: src });
    expect(exp.code).toBe(0);
    expect(readFileSync(file, "utf8").trim().split("\n")).toHaveLength(6);
    const dst = tempHome();
    const first = await runCli(["events", "import", file, "--json"], { home: dst });
    expect(JSON.parse(first.stdout)).toMatchObject({ imported: 6, skipped: 0 });
    const second = await runCli(["events", "import", file, "--json"], { home: dst });
    expect(JSON.parse(second.stdout)).toMatchObject({ imported: 0, skipped: 6 });
    const count = await runCli(["events", "--json"], { home: dst });
    expect(count.stdout.trim().split("\n")).toHaveLength(6);
    const status = await runCli(["status", "orch_x", "--json"], { home: dst });
    expect(JSON.parse(status.stdout).session.events).toBe(6);

    const lines = readFileSync(file, "utf8").trim().split("\n");
    lines[2] = "{not json";
    lines[4] = JSON.stringify({ ...JSON.parse(lines[4]!), id: "fresh-id", type: "Bad Type" });
    const bad = join(src, "bad.jsonl");
    writeFileSync(bad, `${lines.join("\n")}\n`);
    const fresh = tempHome();
    const r = await runCli(["events", "import", bad], { home: fresh });
    expect(r.code).toBe(65);
    expect(r.stderr).toContain("bad.jsonl:3: not valid JSON");
    expect(r.stderr).toContain("bad.jsonl:5: event type 'Bad Type'");
    const after = await runCli(["events", "--json"], { home: fresh });
    expect(after.stdout).toBe("");
  });
});

describe("ouroboros status", () => {
  test("table, --json, unknown id", async () => {
    const home = tempHome();
    seedDb(home, ["orch_s1", "orch_s2"]);
    const table = await runCli(["status"], { home });
    expect(table.code).toBe(0);
    expect(table.stdout).toContain("orch_s1");
    const json = JSON.parse((await runCli(["status", "--json"], { home })).stdout);
    expect(json.sessions.map((s: { session_id: string }) => s.session_id).sort()).toEqual(["orch_s1", "orch_s2"]);
    const missing = await runCli(["status", "orch_nope"], { home });
    expect(missing.code).toBe(4);
    expect(missing.stderr).toMatch(/^error: no session 'orch_nope'/);
  });
});
