/**
 * The real dashboard in a real terminal (tmux): session list, navigation, live appends from
 * another process, resize, narrow windows, and `q` leaving the alternate screen.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { BUN, ROOT, cliArgv, runCli, tempHome } from "../lib/cli.ts";
import { recordSession } from "../lib/session-fixture.ts";
import { Tmux } from "../lib/tmux.ts";
import { within } from "../lib/timing.ts";

const tmuxes: Tmux[] = [];
afterAll(() => {
  for (const t of tmuxes) t.kill();
});
const q = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;
const tui = (db: string, ...extra: string[]) => [...cliArgv(), "tui", "--db", db, ...extra].map(q).join(" ");
const appendEvents = (db: string, events: unknown[]) =>
  Bun.spawn([BUN, join(ROOT, "test/dashboard/append-events.ts"), db, JSON.stringify(events)], {
    stdout: "ignore",
    stderr: "inherit",
  }).exited;

function lines(screen: string): string[] {
  return screen.replace(/\n+$/, "").split("\n");
}

describe("ouroboros tui", () => {
  test("list → session → live append → resize → back → q restores the terminal", async () => {
    const dir = tempHome("ouro-tui-");
    const db = join(dir, "ouroboros.db");
    const done = recordSession(db, {
      sessionId: "orch_aaaaaaaaaaaa",
      finished: true,
      acs: 4,
      start: new Date(Date.now() - 3_600_000),
    });
    const live = recordSession(db, {
      sessionId: "orch_bbbbbbbbbbbb",
      finished: false,
      acs: 5,
      goal: "Live session goal",
      start: new Date(Date.now() - 400_000),
    });
    const t = new Tmux("tui");
    tmuxes.push(t);
    t.start(`cd ${q(ROOT)}; echo BEFORE-TUI; ${tui(db)}; echo "EXITED $?"`, 80, 24, { NO_COLOR: "1" });

    let s = (await t.waitFor("ouroboros sessions (2)", 15_000)).screen;
    expect(t.alternate()).toBe(true);
    expect(s).toContain("orch_bbbbbbbbbbbb");
    expect(s).toContain("orch_aaaaaaaaaaaa");
    expect(s).toContain("↑/↓ j/k move");
    // Newest first; move to the finished one and back, then open the live one.
    expect(s.indexOf("orch_bbbbbbbbbbbb")).toBeLessThan(s.indexOf("orch_aaaaaaaaaaaa"));
    t.keys("j");
    await t.waitFor(/› orch_aaaaaaaaaaaa/);
    t.keys("k");
    await t.waitFor(/› orch_bbbbbbbbbbbb/);
    t.keys("Enter");
    s = (await t.waitFor("acceptance criteria")).screen;
    expect(s).toContain("orch_bbbbbbbbbbbb  running");
    expect(s).toContain("goal: Live session goal");
    expect(s).toContain("2.1 Write todos atomically");
    expect(s).toContain("acceptance criteria (1/7)");
    expect(s).toMatch(/Diamond ◐/);
    for (const l of lines(s)) expect(l.length).toBeLessThanOrEqual(80);

    // Select AC 2.1 (a retried one): attempts, tier and both verdicts with evidence.
    t.keys("j", "j");
    s = (await t.waitFor("2.1 ac_")).screen;
    expect(s).toContain("attempts 2");
    expect(s).toContain("tier standard");
    expect(s).toContain("stage 1 passed: 1/1 checks passed");

    // The live AC: tool in progress in the detail pane.
    t.keys("G");
    s = (await t.waitFor("▶ tool in progress: Bash bun test")).screen;
    expect(s).toMatch(/◐ 5 Delete a todo by id\s+▶ Bash/);

    // Another process appends; the new event shows up without any key press.
    const liveAc = live.acIds[4]!;
    const ev = (type: string, data: Record<string, unknown>) => ({
      type,
      aggregate_type: "execution",
      aggregate_id: live.executionId,
      data: { session_id: live.sessionId, ac_id: liveAc, ...data },
    });
    await appendEvents(db, [
      ev("execution.tool.completed", { tool_name: "Bash", is_error: false }),
      ev("execution.tool.started", { tool_name: "Read", tool_detail: "marker-7f3a.ts" }),
    ]);
    const seen = await t.waitFor("marker-7f3a.ts", 3000);
    expect(seen.ms).toBeLessThan(within(1000));
    expect(seen.screen).toContain("▶ tool in progress: Read marker-7f3a.ts");
    await appendEvents(db, [
      ev("execution.tool.completed", { tool_name: "Read", is_error: false }),
      ev("evaluation.stage.completed", {
        stage: 1,
        outcome: "failed",
        evidence: { checks: [{ check: "test", command: "bun test", outcome: "failed", exit_code: 1 }] },
      }),
      ev("execution.ac.status_changed", { status: "failed", attempt: 1 }),
    ]);
    s = (await t.waitFor(/✖ 5 Delete a todo by id/)).screen;
    expect(s).toContain("test failed: bun test (exit 1)");

    // Narrower and shorter: still one screen, header on top and key help at the bottom.
    t.resize(60, 20);
    const settled = (max: number) => (x: string) =>
      lines(x).length <= max && lines(x)[0]!.includes("orch_bbbbbbbbbbbb") && lines(x).at(-1)!.startsWith("↑/↓");
    s = (await t.waitFor((x) => settled(20)(x) && x.includes("selected AC"))).screen;
    const rows = lines(s);
    expect(rows[0]).toContain("orch_bbbbbbbbbbbb");
    expect(rows.at(-1)).toContain("↑/↓ j/k select AC");
    for (const l of rows) expect(l.length).toBeLessThanOrEqual(60);
    // Very short: status line, AC list and key help only, still exactly one screen.
    t.resize(50, 10);
    s = (await t.waitFor((x) => settled(10)(x) && !x.includes("selected AC"))).screen;
    expect(lines(s).length).toBeLessThanOrEqual(10);
    expect(s).toContain("acceptance criteria");
    t.resize(80, 24);
    await t.waitFor("selected AC");

    t.keys("Escape");
    await t.waitFor("ouroboros sessions (2)");
    t.keys("q");
    // The primary screen comes back (tmux may move it to history when the window shrank).
    s = (await t.waitFor("EXITED 0", 5000, true)).screen;
    expect(s).toContain("BEFORE-TUI");
    expect(s).not.toContain("acceptance criteria");
    expect(t.alternate()).toBe(false);
    expect(done.count).toBeGreaterThan(100);
  }, 45_000);

  test("starts on an empty home, then shows a session another process starts", async () => {
    const dir = tempHome("ouro-tui-empty-");
    const db = join(dir, "ouroboros.db");
    const t = new Tmux("tui-empty");
    tmuxes.push(t);
    t.start(`cd ${q(ROOT)}; ${tui(db)}; echo "EXITED $?"`, 80, 24, { NO_COLOR: "1" });
    await t.waitFor("no sessions recorded yet", 15_000);
    recordSession(db, { sessionId: "orch_cccccccccccc", finished: false, acs: 3, start: new Date() });
    await t.waitFor("orch_cccccccccccc", 3000);
    t.keys("q");
    await t.waitFor("EXITED 0", 5000, true);
  }, 30_000);

  test("opens a session directly by id prefix; refuses a pipe", async () => {
    const dir = tempHome("ouro-tui-direct-");
    const db = join(dir, "ouroboros.db");
    recordSession(db, { sessionId: "orch_dddddddddddd", finished: true, acs: 4 });
    const t = new Tmux("tui-direct");
    tmuxes.push(t);
    t.start(`cd ${q(ROOT)}; ${tui(db, "orch_ddd")}; echo "EXITED $?"`, 80, 24, { NO_COLOR: "1" });
    const s = (await t.waitFor("acceptance criteria", 15_000)).screen;
    expect(s).toContain("orch_dddddddddddd  completed");
    expect(s).toContain("verdict: approved");
    t.keys("q");
    await t.waitFor("EXITED 0", 5000, true);

    const piped = await runCli(["tui", "--db", db]);
    expect(piped.code).toBe(64);
    expect(piped.stderr).toContain("tui needs an interactive terminal");
    expect(piped.stdout).toBe("");
  }, 30_000);
});
