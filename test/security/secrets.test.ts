/**
 * No secret leaves its owner. Fake credentials of every vendor sit in the environment (and in a
 * file the agent "wrote" into the project) while every child-process path runs: each runtime
 * adapter (real CLIs against the mock model; kiro and hermes through their test fakes), verify
 * commands, exit-condition commands, the HTTP and the CLI LLM backends. Then the database, the
 * logs, the event stream and every captured model request are grepped for the values.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runTaskToResult } from "../../src/runtime/run.ts";
import { cliEnv, type CliName } from "../lib/cli-env.ts";
import { cliArgv, ROOT } from "../lib/cli.ts";
import { FAKE_CREDENTIALS, leaked } from "../lib/fake-credentials.ts";
import { startMockModel, type MockModel } from "../lib/mock-model/index.ts";
import { pipelineScript } from "../lib/pipeline-script.ts";

let mock: MockModel;
beforeAll(async () => {
  mock = await startMockModel({ script: pipelineScript });
});
afterAll(async () => mock.stop());

const installed = (cli: string) => existsSync(join(ROOT, "node_modules/.bin", cli));
const NAMES = Object.keys(FAKE_CREDENTIALS);
/** Auth headers a vendor's own CLI or backend legitimately sends to its own endpoint. */
const OWNER_BY_DIALECT: Record<string, string[]> = {
  anthropic: ["ANTHROPIC_API_KEY"],
  chat: ["OPENAI_API_KEY"],
  responses: ["OPENAI_API_KEY"],
  gemini: ["GEMINI_API_KEY"],
};

/** What the agent left in the project: every key, as a careless agent (or a hostile one) would. */
const LEAK_FILE = `${Object.entries(FAKE_CREDENTIALS)
  .map(([k, v]) => `${k}=${v}`)
  .join("\n")}\nslack xoxb-123456789012-abcdefghij aws AKIAIOSFODNN7EXAMPLE\n`;

const SEED = `goal: Write a greeter
acceptance_criteria:
  - description: greet.py prints the greeting
    verify_command: python3 greet.py World
    expected_artifacts: [greet.py]
  - description: the notes file is intact
    verify_command: cat leak.txt
  - description: the process environment is sane
    verify_command: python3 -c "print(dict(__import__('os').environ))"
exit_conditions:
  - name: leak_check
    description: stops once greet.py exists, printing the notes
    criteria: "command: cat greet.py leak.txt"
ontology_schema: {name: Greeter, description: greets}
metadata: {seed_id: seed_secrets0001}
`;

/** Model requests made since index `from`: bodies never carry a fake; headers only the dialect owner's. */
function requestLeaks(from: number, names: readonly string[] = NAMES): string[] {
  const out: string[] = [];
  for (const r of mock.requests.slice(from)) {
    const body = typeof r.body === "string" ? r.body : JSON.stringify(r.body ?? "");
    for (const k of leaked(body, names)) out.push(`${r.path} body carries ${k}`);
    const owners = OWNER_BY_DIALECT[r.dialect ?? ""] ?? [];
    for (const k of leaked(JSON.stringify(r.headers), names))
      if (!owners.includes(k)) out.push(`${r.path} headers carry ${k}`);
  }
  return out;
}

const bodies = (from: number) =>
  mock.requests
    .slice(from)
    .map((r) => (typeof r.body === "string" ? r.body : JSON.stringify(r.body ?? "")))
    .join("\n");

async function cli(args: string[], env: Record<string, string>) {
  const p = Bun.spawn([...cliArgv(), ...args], { env, stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([
    new Response(p.stdout).text(),
    new Response(p.stderr).text(),
    p.exited,
  ]);
  return { stdout, stderr, code };
}

/** Every byte of the store (database and WAL) as text. */
function storeText(home: string): string {
  return readdirSync(home)
    .filter((f) => f.startsWith("ouroboros.db"))
    .map((f) => readFileSync(join(home, f)).toString("latin1"))
    .join("\n");
}

describe("whole runs: verify commands, exit-condition commands, runtimes and LLM backends leak nothing", () => {
  const cases: { runtime: CliName; backend: string; extra: CliName | null }[] = [
    { runtime: "codex", backend: "openai", extra: null },
    { runtime: "claude", backend: "codex", extra: "codex" },
  ];
  for (const c of cases) {
    test.skipIf(!installed(c.runtime) || (c.extra !== null && !installed(c.extra)))(
      `${c.runtime} runtime, ${c.backend} judge: database, logs, event stream and model requests are clean`,
      async () => {
        const ce = cliEnv(c.runtime, mock.url);
        if (c.extra) cliEnv(c.extra, mock.url, { home: ce.home });
        const extraEnv: Record<string, string> =
          c.extra === "codex" ? { CODEX_HOME: join(ce.home, ".codex"), MOCK_API_KEY: "mock-key-not-secret" } : {};
        const home = mkdtempSync(join(tmpdir(), "secrets-home-"));
        const project = mkdtempSync(join(tmpdir(), "secrets-proj-"));
        writeFileSync(join(project, "leak.txt"), LEAK_FILE);
        const seed = join(home, "seed.yaml");
        writeFileSync(seed, SEED);
        const env = {
          ...ce.env,
          ...extraEnv,
          ...FAKE_CREDENTIALS,
          // claude authenticates to the mock with the fake key: its own, so allowed in its own headers.
          PATH: `${join(ROOT, "node_modules/.bin")}:${ce.env.PATH}`,
          OUROBOROS_HOME: home,
          OUROBOROS_PASS_ENV: "MOCK_API_KEY",
          OPENAI_BASE_URL: `${mock.url}/v1`,
        };
        const from = mock.requests.length;
        const r = await cli(
          [
            "run",
            "workflow",
            seed,
            "--runtime",
            c.runtime,
            "--llm-backend",
            c.backend,
            "--project-dir",
            project,
            "--json",
          ],
          env,
        );
        expect(r.stderr).not.toContain("Traceback");
        const out = JSON.parse(r.stdout);
        const session = out.sessionId as string;
        expect(session).toBeTruthy();

        // The leak really reached both boundaries: the verify output and the exit evidence were recorded,
        // and the judge saw the evidence — all redacted.
        const events = await cli(["events", session, "--json"], env);
        expect(events.code).toBe(0);
        expect(events.stdout).toContain("«redacted:OPENAI_API_KEY»");
        expect(events.stdout).toContain("«redacted:slack_token»");
        // A name only a descriptor's secretEnv marks: the binary registered the runtimes' key variables.
        expect(events.stdout).toContain("«redacted:AWS_BEARER_TOKEN_BEDROCK»");
        expect(events.stdout).toContain("pipeline.exit_condition.met");
        expect(bodies(from)).toContain("«redacted:");

        expect(leaked(storeText(home))).toEqual([]);
        expect(leaked(events.stdout)).toEqual([]);
        expect(leaked(r.stdout + r.stderr)).toEqual([]);
        expect(requestLeaks(from)).toEqual([]);
        ce.cleanup();
      },
      300_000,
    );
  }
});

describe("every runtime adapter: the prompt boundary redacts, the child gets only its own keys", () => {
  const PROMPT = `[ouroboros:judge] Evidence: ${LEAK_FILE}`;
  // claude and codex already ran above, as runtimes of whole runs with every fake in their
  // environment and every model request checked; the prompt redaction is runTask's, shared by all.
  for (const rt of ["opencode", "gemini", "copilot"] as const) {
    test.skipIf(!installed(rt))(
      `${rt} (real CLI against the mock model)`,
      async () => {
        const ce = cliEnv(rt, mock.url);
        const cwd = mkdtempSync(join(tmpdir(), `secrets-${rt}-`));
        const from = mock.requests.length;
        // Every fake in the environment (a CLI authenticates to the mock with its own fake key), except
        // copilot's GitHub tokens: copilot refuses a classic-looking token before it reaches the mock.
        const env: Record<string, string> = { ...ce.env, ...FAKE_CREDENTIALS };
        if (rt === "copilot") for (const k of ["GH_TOKEN", "GITHUB_TOKEN", "COPILOT_TOKEN"]) delete env[k];
        const names = NAMES.filter((k) => env[k] === FAKE_CREDENTIALS[k]);
        const { result } = await runTaskToResult(
          rt,
          { prompt: PROMPT, cwd, permission_mode: "default", tools: [] },
          { env, binary: join(ROOT, "node_modules/.bin", rt), passEnv: ["MOCK_API_KEY"], killGraceMs: 2000 },
        );
        expect(result.error?.message ?? "ok").toBe("ok");
        expect(mock.requests.length).toBeGreaterThan(from);
        expect(bodies(from)).toContain("«redacted:KIRO_API_KEY»");
        expect(requestLeaks(from, names)).toEqual([]);
        expect(leaked(JSON.stringify(result), names)).toEqual([]);
        ce.cleanup();
      },
      180_000,
    );
  }

  for (const [rt, fake, owns] of [
    ["kiro", "kiro-cli", ["KIRO_API_KEY", "AWS_SECRET_ACCESS_KEY", "AWS_BEARER_TOKEN_BEDROCK"]],
    ["hermes", "hermes", ["ANTHROPIC_API_KEY", "OPENAI_API_KEY", "OPENROUTER_API_KEY"]],
  ] as const) {
    test(`${rt} (test fake, wrapped to record what it received)`, async () => {
      const dir = mkdtempSync(join(tmpdir(), `secrets-${rt}-`));
      const wrapper = join(dir, fake);
      writeFileSync(
        wrapper,
        `#!/bin/sh\nenv > '${dir}/env.txt'\nprintf '%s\\n' "$@" > '${dir}/argv.txt'\nexec '${join(ROOT, "test/fakes", fake)}' "$@"\n`,
      );
      chmodSync(wrapper, 0o755);
      const { result } = await runTaskToResult(
        rt,
        { prompt: PROMPT, cwd: dir, permission_mode: "bypassPermissions", tools: [] },
        { binary: wrapper, env: { ...process.env, ...FAKE_CREDENTIALS } },
      );
      expect(result.ok).toBe(true);
      expect(leaked(readFileSync(join(dir, "env.txt"), "utf8")).sort()).toEqual([...owns].sort());
      const argv = readFileSync(join(dir, "argv.txt"), "utf8");
      expect(argv).toContain("«redacted:GH_TOKEN»");
      expect(leaked(argv)).toEqual([]);
    }, 60_000);
  }
});
