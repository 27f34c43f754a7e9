/**
 * Tables fit the terminal (tmux panes of 80 and 120 columns): no output line is wider than the
 * pane, long cells end in "…", low-priority columns go first. Into a pipe every value is whole.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cliArgv, ROOT, runCli, tempHome } from "../lib/cli.ts";
import { recordSession } from "../lib/session-fixture.ts";
import { Tmux } from "../lib/tmux.ts";

const LONG_GOAL =
  "Build a command-line todo app with persistent storage, due dates, priorities, tags and a colourful terminal report of everything overdue";
let home = "";
let path = "";
let sessionId = "";

beforeAll(() => {
  home = tempHome();
  sessionId = recordSession(join(home, "ouroboros.db"), { acs: 5, goal: LONG_GOAL }).sessionId;
  // A runtime binary with a long path, so `runtimes` and the dry-run plan have wide cells.
  const bin = join(home, "a-rather-long-directory-name-for-agent-binaries", "bin");
  mkdirSync(bin, { recursive: true });
  writeFileSync(join(bin, "claude"), "#!/bin/sh\necho '9.9.9 (Claude Code)'\n");
  chmodSync(join(bin, "claude"), 0o755);
  path = `${bin}:/usr/bin:/bin`;
});

const commands = () => [
  ["status"],
  ["status", sessionId],
  ["runtimes"],
  ["config", "show"],
  ["run", "workflow", join(ROOT, "examples/hello-cli.yaml"), "--dry-run"],
];

/** Run the commands one after the other in a pane `width` wide; the joined screen lines. */
async function inPane(width: number): Promise<string[]> {
  const tmux = new Tmux(`width${width}`);
  const cli = cliArgv()
    .map((a) => `'${a}'`)
    .join(" ");
  const script = commands()
    .map((c) => `${cli} ${c.map((a) => `'${a}'`).join(" ")} 2>/dev/null`)
    .join("; ");
  try {
    tmux.start(`${script}; echo __DONE__`, width, 60, { OUROBOROS_HOME: home, NO_COLOR: "1", PATH: path });
    await tmux.waitFor("__DONE__", 60_000, true);
    return tmux.screen(true, true).split("\n");
  } finally {
    tmux.kill();
  }
}

describe("tables fit the terminal", () => {
  for (const width of [80, 120]) {
    test(`${width} columns: no line wider than the pane, long cells cut with …`, async () => {
      const lines = await inPane(width);
      const wide = lines.filter((l) => /^[┌│└├]/.test(l) && Bun.stringWidth(l) > width);
      expect(lines.filter((l) => /^[┌│└]/.test(l)).length).toBeGreaterThan(20);
      expect(wide).toEqual([]);
      const rows = lines.filter((l) => l.startsWith("│")).join("\n");
      expect(rows).toContain("…");
      // Ids stay whole (they are copied); the goal is cut, not wrapped into noise.
      expect(rows).toContain(`│ ${sessionId} │`);
      expect(rows).toMatch(/│ Build a comm[^│]*… *│/);
      // At 80 columns low-priority columns go first (runtimes: capabilities; status: started).
      const header = (first: string) => rows.split("\n").find((l) => l.startsWith(`│ ${first} `))!;
      if (width === 80) {
        expect(header("runtime")).not.toContain("capabilities");
        expect(header("session")).not.toContain("started");
      }
      if (width === 120) expect(rows).toMatch(/│ capabilities/);
    }, 120_000);
  }

  test("into a pipe: full values, every column", async () => {
    const env = { PATH: path };
    const runtimes = await runCli(["runtimes"], { home, env });
    expect(runtimes.stdout).toContain("capabilities");
    expect(runtimes.stdout).toContain(join(home, "a-rather-long-directory-name-for-agent-binaries", "bin", "claude"));
    expect(runtimes.stdout).not.toContain("…");
    const status = await runCli(["status", sessionId], { home, env });
    expect(status.stdout).toContain(LONG_GOAL);
  }, 60_000);
});
