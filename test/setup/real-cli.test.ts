/**
 * The files setup writes are read by the real consumers: after `setup --runtime X` each pinned
 * CLI (node_modules/.bin) lists our server with this binary's absolute path, and claude, which
 * health-checks, connects to `ouroboros mcp serve` through that entry. The CLIs run offline
 * with an isolated HOME (test/lib/cli-env.ts; the model URL points at a closed loopback port —
 * listing servers needs no model). Their own pre-existing config (cliEnv writes some) must survive.
 * OpenCode is not listed here: an opencode launch costs about 11 s of CPU, and consumers.test.ts's
 * `opencode run` after the same setup proves more (it starts our server from that entry, our tools
 * reach the model, and it imports the bridge plugin setup wrote).
 */
import { afterAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { join } from "node:path";
import { type CliName, cliEnv } from "../lib/cli-env.ts";
import { cliArgv, ROOT, runCli } from "../lib/cli.ts";
import { within } from "../lib/timing.ts";

// Each test starts a real agent CLI: seconds when idle, a minute or more under load.
const CLI_MS = within(60_000);
setDefaultTimeout(3 * CLI_MS);

const BIN = cliArgv()[0]!;
const NO_MODEL = "http://127.0.0.1:9";
const cleanups: (() => void)[] = [];
afterAll(() => {
  for (const c of cleanups) c();
});

async function run(argv: string[], env: Record<string, string>, cwd: string): Promise<string> {
  const p = Bun.spawn(argv, { env, cwd, stdin: "ignore", stdout: "pipe", stderr: "pipe", timeout: CLI_MS });
  const [o, e] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  return Bun.stripANSI(`${o}\n${e}`);
}

/** How each CLI shows one server's command line (opencode: see above). */
const LIST: Partial<Record<CliName, string[]>> = {
  codex: ["mcp", "list"],
  gemini: ["mcp", "list"],
  claude: ["mcp", "list"],
  copilot: ["mcp", "get", "ouroboros"],
};

describe.each(Object.keys(LIST) as CliName[])("%s reads the registration", (cli) => {
  const list = LIST[cli]!;
  test(`\`${cli} ${list.join(" ")}\` shows our server`, async () => {
    const ce = cliEnv(cli, NO_MODEL);
    cleanups.push(() => ce.cleanup());
    const ouroHome = join(ce.home, ".ouroboros");
    const r = await runCli(["setup", "--runtime", cli, "--model", "gpt-5.2"], {
      home: ouroHome,
      env: ce.env,
      cwd: ce.home,
    });
    expect(r.stderr).not.toContain("error");
    expect(r.code).toBe(0);
    const shown = await run([join(ROOT, "node_modules/.bin", cli), ...list], ce.env, ce.home);
    expect(shown).toContain("ouroboros");
    // Table layouts differ (codex puts command and args in columns): compare with spaces squeezed.
    expect(shown.replace(/\s+/g, " ")).toContain(
      [BIN, ...cliArgv().slice(1), "mcp", "serve", "--runtime", cli].join(" "),
    );
    // claude also starts the server and completes the MCP handshake with it.
    if (cli === "claude") expect(shown).toContain("✔ Connected");
  });
});

test("codex still accepts its own config after setup (model provider kept, TOML valid)", async () => {
  const ce = cliEnv("codex", NO_MODEL);
  cleanups.push(() => ce.cleanup());
  const r = await runCli(["setup", "--runtime", "codex"], {
    home: join(ce.home, ".ouroboros"),
    env: ce.env,
    cwd: ce.home,
  });
  expect(r.code).toBe(0);
  const shown = await run(
    [join(ROOT, "node_modules/.bin/codex"), "mcp", "get", "ouroboros", "--json"],
    ce.env,
    ce.home,
  );
  const json = JSON.parse(shown.slice(shown.indexOf("{"), shown.lastIndexOf("}") + 1));
  expect(json.name).toBe("ouroboros");
  expect(JSON.stringify(json)).toContain(BIN);
});
