/**
 * A real agent CLI calling our MCP server: `ouroboros setup --runtime codex` registers the binary
 * in CODEX_HOME/config.toml, codex launches `mcp serve`, the scripted model calls our tools by the
 * name codex offers them under, and the tool results must reach the model in the next request.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { CODEX_SLOW_MCP_START, cliEnv } from "../lib/cli-env.ts";
import { cliArgv, ROOT } from "../lib/cli.ts";
import { startMockModel, type MockModel } from "../lib/mock-model/index.ts";
import type { ModelRequest } from "../lib/mock-model/types.ts";
import { recordSession } from "../lib/session-fixture.ts";

const hasCodex = existsSync(join(ROOT, "node_modules/.bin/codex"));
const STATUS = "mcp__ouroboros__ouroboros_session_status";
const JOB = "mcp__ouroboros__ouroboros_job_status";

let mock: MockModel;
beforeAll(async () => {
  mock = await startMockModel();
});
afterAll(async () => mock?.stop());

describe.skipIf(!hasCodex)("codex calls the ouroboros MCP server", () => {
  test("tools are offered under mcp__ouroboros__*, a call's result and a validation error reach the model", async () => {
    const ce = cliEnv("codex", mock.url);
    // HOME/.ouroboros is where the server looks whatever environment codex passes it.
    const home = join(ce.home, ".ouroboros");
    const env = { ...ce.env, OUROBOROS_HOME: home, PATH: `${join(ROOT, "node_modules/.bin")}:${ce.env.PATH}` };
    const fx = recordSession(join(home, "ouroboros.db"), { finished: true, goal: "Goal seen through MCP" });
    try {
      const setup = Bun.spawnSync([...cliArgv(), "setup", "--runtime", "codex", "--non-interactive"], {
        env,
        stdout: "pipe",
        stderr: "pipe",
      });
      expect(setup.exitCode).toBe(0);
      expect(readFileSync(join(ce.env.CODEX_HOME!, "config.toml"), "utf8")).toMatch(
        /\[mcp_servers\.ouroboros\]\ncommand = .*\nargs = \["mcp", "serve"/,
      );

      // Turn 1: session status; turn 2: a call with a missing argument; then a final answer.
      mock.setScript((req: ModelRequest) => {
        const n = req.toolResults.length;
        if (n === 0) return { tool: STATUS, args: { session_id: fx.sessionId } };
        if (n === 1) return { tool: JOB, args: {} };
        return { text: "all done" };
      });
      // codex asks before running MCP tools; the test pre-approves this server's tools.
      const p = Bun.spawn(
        [
          join(ROOT, "node_modules/.bin/codex"),
          "exec",
          "--skip-git-repo-check",
          "-c",
          'mcp_servers.ouroboros.default_tools_approval_mode="approve"',
          ...CODEX_SLOW_MCP_START,
          "How is my ouroboros session?",
        ],
        {
          env,
          cwd: ce.home,
          stdin: "ignore",
          stdout: "pipe",
          stderr: "pipe",
        },
      );
      const [out, err, code] = await Promise.all([
        new Response(p.stdout).text(),
        new Response(p.stderr).text(),
        p.exited,
      ]);
      expect(code, err).toBe(0);
      expect(out).toContain("all done");

      const reqs = mock.modelRequests();
      const offered = reqs[0]!.tools.map((t) => t.name);
      expect(offered).toContain(STATUS);
      expect(offered.filter((n) => n.startsWith("mcp__ouroboros__")).length).toBeGreaterThanOrEqual(12);
      const results = reqs.at(-1)!.toolResults;
      expect(results).toHaveLength(2);
      expect(results[0]).toContain('"goal": "Goal seen through MCP"');
      expect(results[0]).toContain(`"session_id": "${fx.sessionId}"`);
      expect(results[0]).toContain('"status": "completed"');
      expect(results[1]).toContain("ouroboros_job_status: missing required parameter 'job_id'");
      expect(err).toContain("ouroboros/ouroboros_session_status (completed)");
    } finally {
      ce.cleanup();
    }
  }, 120_000);
});
