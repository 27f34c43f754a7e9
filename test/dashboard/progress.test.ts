/** The stderr progress reporter: plain lines off a TTY, live redrawn lines on one, quiet, verbose. */
import { afterAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { createProgress, resolveMode, watchProgress } from "../../src/dashboard/progress.ts";
import type { StoredEvent } from "../../src/events/envelope.ts";
import { BUN, ROOT, tempHome } from "../lib/cli.ts";
import { recordSession, sessionEvents } from "../lib/session-fixture.ts";
import { Tmux } from "../lib/tmux.ts";

const DRIVER = join(ROOT, "test/dashboard/progress-driver.ts");
const tmuxes: Tmux[] = [];
afterAll(() => {
  for (const t of tmuxes) t.kill();
});

function stored(finished = true): StoredEvent[] {
  const f = sessionEvents({ sessionId: "orch_0123456789ab", finished, acs: 4 });
  return f.events.map((e, i) => ({
    rowid: i + 1,
    id: `e${i}`,
    type: e.type,
    aggregate_type: e.aggregate_type,
    aggregate_id: e.aggregate_id,
    session_id: f.sessionId,
    timestamp: e.timestamp!,
    event_version: 1,
    consensus_id: null,
    data: e.data,
  }));
}
function capture(mode: "plain" | "tty" | "quiet", verbose = false, finished = true) {
  let text = "";
  const p = createProgress({
    mode,
    verbose,
    stream: { write: (s: string) => (text += s), isTTY: mode === "tty" },
    columns: 100,
    now: () => Date.UTC(2026, 10, 24, 10, 5),
  });
  for (const e of stored(finished)) p.onEvent(e);
  p.stop();
  return text;
}

describe("progress reporter", () => {
  test("auto picks tty only for a terminal", () => {
    expect(resolveMode("auto", { isTTY: false })).toBe("plain");
    expect(resolveMode("auto", { isTTY: true })).toBe(process.env.TERM === "dumb" ? "plain" : "tty");
    expect(resolveMode("quiet", { isTTY: true })).toBe("quiet");
  });

  test("plain: timestamped lines for phases, attempts, verdicts and AC results, no escapes", () => {
    const out = capture("plain");
    const lines = out.trim().split("\n");
    for (const l of lines) expect(l).toMatch(/^\[\d\d:\d\d:\d\d \+\d+s\] /);
    expect(out).not.toContain("\x1b");
    expect(out).toContain("phase big_bang started");
    expect(out).toContain("AC 2.1 attempt 2 on claude — Write todos atomically to todos.json");
    expect(out).toContain("AC 3 failed (4/5 done) — List todos with their status");
    expect(out).toContain("session completed: 4/5 ACs passed");
    expect(out).not.toContain("tool Bash");
  });

  test("verbose adds tools, AC phases and evidence; quiet prints nothing", () => {
    const out = capture("plain", true);
    expect(out).toContain("AC 1 tool Bash bun test");
    expect(out).toContain("AC 1 develop");
    expect(out).toContain("AC 3 stage 1 failed: 0/1 checks passed; test failed: bun test (exit 1)");
    expect(capture("quiet")).toBe("");
  });

  test("tty: permanent result lines above a redrawn live block; NO_COLOR drops colour only", () => {
    const saved = process.env.NO_COLOR;
    process.env.NO_COLOR = "1";
    try {
      const out = capture("tty", false, false);
      expect(out).toContain("✔ AC 1 passed");
      expect(out).toContain("✖ AC 3 failed");
      expect(out).toContain("\x1b[J"); // redraws in place
      // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for ANSI colour codes is the point.
      expect(out).not.toMatch(/\x1b\[\d+m/);
      // The live AC sits in the block while running; stop() erases the block.
      expect(out).toMatch(/⠋ 4 develop · Bash · \d+m\d+s — Mark a todo as done/);
      expect(out.endsWith("\x1b[2A\r\x1b[J")).toBe(true);
    } finally {
      if (saved === undefined) delete process.env.NO_COLOR;
      else process.env.NO_COLOR = saved;
    }
  });

  test("real terminal (tmux) vs a pipe", async () => {
    const t = new Tmux("progress");
    tmuxes.push(t);
    t.start(`${BUN} ${DRIVER} auto '' 20; echo "EXITED $?"`, 100, 30, { NO_COLOR: "1" });
    const { screen } = await t.waitFor("EXITED 0", 20_000);
    const shown = screen.split("\n").filter((l) => l.trim());
    expect(shown).toContain("✔ AC 2.1 passed after 2 attempts in 35s — Write todos atomically to todos.json");
    expect(shown.some((l) => l.startsWith("session completed: 4/5 ACs passed"))).toBe(true);
    // The live block was erased: no spinner lines remain on screen.
    expect(shown.some((l) => /^\s*[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/.test(l))).toBe(false);

    const piped = Bun.spawnSync([BUN, DRIVER, "auto", "", "0"], { stdout: "pipe", stderr: "pipe" });
    const err = piped.stderr.toString();
    expect(piped.stdout.toString()).toBe("driver done\n");
    expect(err).not.toContain("\x1b");
    expect(err).toMatch(/^\[\d\d:\d\d:\d\d \+\d+s\] session started on claude/);
    expect(err).toContain("AC 2.1 passed (2/5 done)");
  }, 30_000);

  test("watchProgress follows a session another writer records", async () => {
    const db = join(tempHome("ouro-progress-"), "ouroboros.db");
    let text = "";
    const w = watchProgress(db, "orch_0000000000aa", { mode: "plain", stream: { write: (s: string) => (text += s) } });
    await Bun.sleep(100);
    recordSession(db, { sessionId: "orch_0000000000aa", finished: true, acs: 4 });
    recordSession(db, { sessionId: "orch_0000000000bb", finished: true, acs: 4, goal: "another session" });
    const deadline = Date.now() + 5000;
    while (!text.includes("session completed") && Date.now() < deadline) await Bun.sleep(20);
    await w.stop();
    expect(text).toContain("AC 2.1 passed (2/5 done)");
    expect(text).toContain("session completed: 4/5 ACs passed");
    expect(text).not.toContain("another session");
  });
});
