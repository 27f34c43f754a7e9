/**
 * Every config key acts where it claims to (issue: "wire it or remove it"). Model keys are proven
 * against the real Copilot CLI and the loopback mock model, which records the model of every
 * request: the picked model reaches copilot's argv (`--model`), `attempt.dispatched` and the dry-run;
 * evaluation.semantic_model reaches the judging turns.
 */
import { Database } from "bun:sqlite";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cliEnv } from "../lib/cli-env.ts";
import { cliArgv, ROOT, runCli, tempHome } from "../lib/cli.ts";
import { startMockModel, type MockModel } from "../lib/mock-model/index.ts";
import { defaultConfig } from "../../src/config/schema.ts";
import { queryEvents } from "../../src/events/read.ts";
import { EventStore } from "../../src/events/store.ts";
import { runPipeline } from "../../src/pipeline/run.ts";
import { parseSeedText } from "../../src/seed/load.ts";
import { interviewScript } from "../lib/interview-script.ts";
import { ScriptedAgent } from "../lib/scripted-agent.ts";
import { pipelineScript } from "../lib/pipeline-script.ts";
import { SqliteBackend } from "../../src/events/sqlite-backend.ts";

const BIN = join(ROOT, "node_modules/.bin");
const SEED = join(ROOT, "examples/hello-cli.yaml");
const hasCopilot = existsSync(join(BIN, "copilot"));

function events(home: string) {
  const db = new Database(join(home, "ouroboros.db"), { readonly: true });
  const rows = db.query("SELECT event_type, payload FROM events ORDER BY seq").all() as {
    event_type: string;
    payload: string;
  }[];
  db.close();
  return rows.map((r) => ({ type: r.event_type, data: JSON.parse(r.payload) as Record<string, unknown> }));
}

describe("config keys", () => {
  test("runtime_backend accepts the aliases the flag and env accept (stored canonical)", async () => {
    const home = tempHome();
    writeFileSync(join(home, "config.yaml"), "orchestrator:\n  runtime_backend: codex_cli\n");
    const show = await runCli(["config", "get", "orchestrator.runtime_backend"], { home });
    expect(show.code).toBe(0);
    expect(show.stdout.trim()).toBe("codex");
    const dry = await runCli(["run", "workflow", SEED, "--dry-run", "--json"], {
      home,
      env: { PATH: `${BIN}:/usr/bin:/bin` },
    });
    expect(JSON.parse(dry.stdout).runtime).toMatchObject({ name: "codex", source: "config" });
    writeFileSync(join(home, "config.yaml"), "orchestrator:\n  runtime_backend: emacs\n");
    const bad = await runCli(["config", "show"], { home });
    expect(bad.code).toBe(78);
    expect(bad.stderr).toContain("config.yaml:2:20  orchestrator.runtime_backend");
  });

  test("keys nothing read are gone: a config naming one is refused, naming file, line and key", async () => {
    for (const [section, key] of [
      ["orchestrator", "permission_mode"],
      ["orchestrator", "opencode_permission_mode"],
      ["orchestrator", "default_max_turns"],
      ["execution", "auto_evaluate"],
      ["clarification", "max_interview_rounds"],
      ["logging", "level"],
    ]) {
      const home = tempHome();
      writeFileSync(join(home, "config.yaml"), `${section}:\n  ${key}: x\n`);
      const r = await runCli(["config", "show"], { home });
      expect(r.code).toBe(78);
      expect(r.stderr).toContain(key === "level" ? "logging" : `${section}.${key}`);
    }
  }, 60_000);

  test("dry-run shows the model each AC runs with: copilot_model for copilot, the tier model for claude, execution.default_model pins both", async () => {
    const home = tempHome();
    const env = { PATH: `${BIN}:/usr/bin:/bin` };
    writeFileSync(join(home, "config.yaml"), "orchestrator:\n  copilot_model: gpt-5.2\n");
    const models = async (runtime: string) =>
      JSON.parse(
        (await runCli(["run", "workflow", SEED, "--dry-run", "--json", "--runtime", runtime], { home, env })).stdout,
      ).acs.map((a: { model: string | null }) => a.model);
    if (hasCopilot) expect(await models("copilot")).toEqual(["gpt-5.2", "gpt-5.2"]);
    expect(await models("claude")).toEqual(["claude-haiku-4-5", "claude-haiku-4-5"]);
    writeFileSync(
      join(home, "config.yaml"),
      "orchestrator:\n  copilot_model: gpt-5.2\nexecution:\n  default_model: pinned-1\n",
    );
    if (hasCopilot) expect(await models("copilot")).toEqual(["pinned-1", "pinned-1"]);
  }, 60_000);
});

describe.skipIf(!hasCopilot)("copilot runs with the picked model (real copilot CLI against the mock)", () => {
  let mock: MockModel;
  beforeAll(async () => {
    mock = await startMockModel({ script: pipelineScript });
  });
  afterAll(async () => mock.stop());

  test("orchestrator.copilot_model → --model on every coding turn and in attempt.dispatched; evaluation.semantic_model → the judging turns", async () => {
    const ce = cliEnv("copilot", mock.url);
    const home = mkdtempSync(join(tmpdir(), "keys-home-"));
    const project = mkdtempSync(join(tmpdir(), "keys-proj-"));
    writeFileSync(
      join(home, "config.yaml"),
      "orchestrator:\n  copilot_model: picked-by-setup\nevaluation:\n  semantic_model: judge-model\n",
    );
    const env = { ...ce.env, PATH: `${BIN}:${ce.env.PATH}`, OUROBOROS_HOME: home, OUROBOROS_PASS_ENV: "MOCK_API_KEY" };
    const p = Bun.spawn(
      [
        ...cliArgv(),
        "run",
        "workflow",
        SEED,
        "--runtime",
        "copilot",
        "--project-dir",
        project,
        "--json",
        "--skip-secondary",
      ],
      { env, stdout: "pipe", stderr: "pipe" },
    );
    const [stdout, stderr, code] = await Promise.all([
      new Response(p.stdout).text(),
      new Response(p.stderr).text(),
      p.exited,
    ]);
    if (code !== 0) console.error(stderr);
    expect(JSON.parse(stdout).status).toBe("completed");
    const dispatched = events(home).filter((e) => e.type === "execution.ac.attempt.dispatched");
    expect(dispatched.length).toBeGreaterThan(0);
    for (const d of dispatched) expect(d.data.model).toBe("picked-by-setup");
    const reqs = mock.modelRequests();
    const judging = reqs.filter((r) => r.lastUserText.includes("[ouroboros:judge]"));
    const coding = reqs.filter((r) => /\[ouroboros:(discover|define|develop|deliver)\]/.test(r.lastUserText));
    expect(coding.length).toBeGreaterThan(0);
    for (const r of coding) expect(r.model).toBe("picked-by-setup");
    expect(judging.length).toBeGreaterThan(0);
    for (const r of judging) expect(r.model).toBe("judge-model");
    ce.cleanup();
  }, 180_000);
});

describe("clarification.default_model runs the interview", () => {
  test("every interview and seed-generation request names the configured model; unset → the backend's own", async () => {
    const mock = await startMockModel({ script: interviewScript() });
    const cwd = mkdtempSync(join(tmpdir(), "keys-idea-"));
    const env = {
      OPENAI_API_KEY: "k",
      OPENAI_BASE_URL: `${mock.url}/v1`,
      OUROBOROS_LLM_BACKEND: "openai",
      CI: undefined,
    };
    try {
      const home = tempHome();
      writeFileSync(join(home, "config.yaml"), "clarification:\n  default_model: interviewer-7\n");
      const r = await runCli(["init", "start", "greet people", "--answers", "-", "--json"], {
        env,
        cwd,
        home,
        stdin: '["a1", "a2", "a3", "a4", "a5", "a6"]',
      });
      expect(r.code).toBe(0);
      const models = new Set(mock.modelRequests().map((q) => q.model));
      expect([...models]).toEqual(["interviewer-7"]);
      const before = mock.modelRequests().length;
      const plain = await runCli(["init", "start", "greet people", "--answers", "-", "--json"], {
        env,
        cwd,
        home: tempHome(),
        stdin: '["a1", "a2", "a3", "a4", "a5", "a6"]',
      });
      expect(plain.code).toBe(0);
      expect(
        new Set(
          mock
            .modelRequests()
            .slice(before)
            .map((q) => q.model),
        ).has("interviewer-7"),
      ).toBe(false);
    } finally {
      await mock.stop();
    }
  }, 60_000);
});

describe("economics.default_tier", () => {
  test("the tier deferred TODO work (never scored by the router) starts at", async () => {
    const tiers = async (tier: "frugal" | "frontier") => {
      const home = mkdtempSync(join(tmpdir(), "keys-tier-"));
      process.env.OUROBOROS_HOME = home;
      const store = EventStore.open(join(home, "ouroboros.db"));
      if (!store.ok) throw new Error(store.error.message);
      const seed = parseSeedText(
        "seed.yaml",
        "goal: one file\nacceptance_criteria:\n  - description: a.txt exists\n    verify_command: test -f a.txt\n    expected_artifacts: [a.txt]\nontology_schema: {name: F, description: f}\nevaluation_principles:\n  - {name: c, description: c, weight: 1.0}\nmetadata: {seed_id: seed_tier000000001}\n",
      );
      const config = defaultConfig();
      config.economics.default_tier = tier;
      config.execution.auto_evolve = false;
      const agent = new ScriptedAgent({
        deliver: (ac) =>
          ac.includes("a.txt")
            ? '{"commands":[],"artifacts":[]}\nTODO(ouroboros): add a README'
            : '{"commands":[],"artifacts":[]}',
      });
      const r = await runPipeline({
        backend: SqliteBackend.of(store.value),
        agent,
        runtime: "scripted",
        config,
        seed: seed.seed!,
        projectDir: mkdtempSync(join(tmpdir(), "keys-tier-proj-")),
        parallel: 1,
        maxDepth: 0,
      });
      if (!r.ok) throw new Error(r.error.message);
      const todoIds = queryEvents(store.value.reader, { session: r.value.sessionId })
        .filter((e) => e.event_type === "todo.created")
        .map((e) => JSON.parse(e.payload).todo_id);
      const dispatched = queryEvents(store.value.reader, { session: r.value.sessionId })
        .filter((e) => e.event_type === "execution.ac.attempt.dispatched")
        .map((e) => JSON.parse(e.payload));
      store.value.close();
      expect(todoIds.length).toBe(1);
      return dispatched.filter((d) => d.ac_id === todoIds[0]).map((d) => d.tier);
    };
    expect((await tiers("frugal"))[0]).toBe("frugal");
    expect((await tiers("frontier"))[0]).toBe("frontier");
  }, 60_000);
});
