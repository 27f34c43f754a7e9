/**
 * End to end through the real agent CLIs: after `setup --runtime X`, a one-shot prompt against the
 * loopback mock model carries what setup registered — the `ouroboros` MCP tools (the CLI started
 * `ouroboros mcp serve` from our entry and listed its tools), and the `ooo` skills or capability
 * guide where that runtime reads them (claude/codex skills, gemini GEMINI.md, opencode AGENTS.md,
 * copilot's instructions dir as the copilot adapter passes it to child sessions). The opencode run
 * also shows that opencode imports the bridge plugin from the plugin[] entry setup wrote.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { appendFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { CODEX_SLOW_MCP_START, type CliName, cliEnv } from "../lib/cli-env.ts";
import { ROOT, runCli } from "../lib/cli.ts";
import { type MockModel, startMockModel } from "../lib/mock-model/index.ts";
import { within } from "../lib/timing.ts";

// One real CLI prompt that also starts `ouroboros mcp serve`: seconds when idle, minutes under load.
const PROMPT_MS = within(120_000);
setDefaultTimeout(PROMPT_MS + within(30_000));

let mock: MockModel;
const cleanups: (() => void)[] = [];
beforeAll(async () => {
  mock = await startMockModel({ script: () => ({ text: "MOCK_OK" }) });
});
afterAll(async () => {
  for (const c of cleanups) c();
  await mock.stop();
});

const PROMPT: Record<CliName, string[]> = {
  claude: ["-p", "say hi", "--output-format", "json"],
  codex: ["exec", ...CODEX_SLOW_MCP_START, "--skip-git-repo-check", "say hi"],
  // An explicit model skips gemini's routing classifier (its JSON retries against the mock cost ~90 s).
  gemini: ["-p", "say hi", "--skip-trust"],
  opencode: ["run", "say hi"],
  copilot: ["-p", "say hi", "--allow-all-tools"],
};
/** What else the model must see, besides the MCP tools. */
const SEES: Record<CliName, string> = {
  claude: "ouroboros-interview",
  codex: "ouroboros-interview",
  gemini: "ooo interview",
  opencode: "ooo interview",
  copilot: "ooo interview",
};
/** Copilot reads the instructions file through the variable the copilot adapter sets for its children. */
const EXTRA_ENV = (cli: CliName, home: string): Record<string, string> =>
  cli === "copilot" ? { COPILOT_CUSTOM_INSTRUCTIONS_DIRS: join(home, ".copilot/ouroboros-instructions") } : {};

describe.each(Object.keys(PROMPT) as CliName[])("%s", (cli) => {
  test("the model request carries the ouroboros MCP tools and the ooo skills/guide", async () => {
    const ce = cliEnv(cli, mock.url);
    cleanups.push(() => ce.cleanup());
    const r = await runCli(["setup", "--runtime", cli, "--model", "gpt-5.2"], {
      home: join(ce.home, ".ouroboros"),
      env: ce.env,
      cwd: ce.home,
    });
    expect(r.code).toBe(0);
    // Our plugin module gains one side effect: if OpenCode imports it (and it parses), a marker appears.
    const marker = join(ce.home, "bridge-loaded");
    if (cli === "opencode")
      appendFileSync(
        join(ce.home, ".config/opencode/plugins/ouroboros-bridge/ouroboros-bridge.ts"),
        `\nimport { writeFileSync as __mark } from "node:fs";\n__mark(${JSON.stringify(marker)}, "1");\n`,
      );
    const proj = join(ce.home, "proj");
    mkdirSync(proj);
    const from = mock.requests.length;
    const p = Bun.spawn([join(ROOT, "node_modules/.bin", cli), ...PROMPT[cli]], {
      env: { ...ce.env, ...EXTRA_ENV(cli, ce.home) },
      cwd: proj,
      stdin: "ignore",
      stdout: "pipe",
      stderr: "pipe",
      timeout: PROMPT_MS,
    });
    const [out, , code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
    expect(code).toBe(0);
    expect(out).toContain("MOCK_OK");
    const sent = JSON.stringify(mock.requests.slice(from).map((q) => q.body));
    expect(sent).toContain("ouroboros_interview");
    expect(sent).toContain(SEES[cli]);
    if (cli === "opencode") expect(existsSync(marker) && readFileSync(marker, "utf8")).toBe("1");
  });
});
