/**
 * `init` and `auto` through the real binary without a terminal: answers files, --json, exit
 * codes, resume, and `auto` end to end (model-answered interview → seed → real codex run).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT, runCli, tempHome } from "../lib/cli.ts";
import { cliEnv } from "../lib/cli-env.ts";
import { interviewScript } from "../lib/interview-script.ts";
import { startMockModel, type MockModel } from "../lib/mock-model/index.ts";

let mock: MockModel;
let cwd: string;
beforeAll(async () => {
  mock = await startMockModel({ script: interviewScript() });
  cwd = mkdtempSync(join(tmpdir(), "ouro-idea-")); // not a project: greenfield
});
afterAll(() => mock.stop());

const llmEnv = () => ({
  OPENAI_API_KEY: "k",
  OPENAI_BASE_URL: `${mock.url}/v1`,
  OUROBOROS_LLM_BACKEND: "openai",
  CI: undefined,
});
const json = (s: string) => JSON.parse(s) as Record<string, unknown>;

describe("init without a terminal", () => {
  test("no --answers → exit 64 naming the flag, before any model call", async () => {
    const before = mock.modelRequests().length;
    const r = await runCli(["init", "start", "an idea"], { env: llmEnv(), cwd });
    expect(r.code).toBe(64);
    expect(r.stderr).toContain("pass --answers <file|->");
    expect(r.stdout).toBe("");
    expect(mock.modelRequests().length).toBe(before);
    const short = await runCli(["init", "an idea"], { env: llmEnv(), cwd }); // `init "idea"` = `init start "idea"`
    expect(short.code).toBe(64);
    expect(short.stderr).toContain("init start needs a terminal");
  });

  test("answers from stdin → ready at round 4 → a valid seed; stdout is the JSON only", async () => {
    const home = tempHome();
    const r = await runCli(["init", "start", "greet people", "--answers", "-", "--json"], {
      env: llmEnv(),
      cwd,
      home,
      stdin: '["a1", "a2", "a3", "a4", "a5", "a6"]',
    });
    expect(r.code).toBe(0);
    const out = json(r.stdout);
    expect(out).toMatchObject({ status: "completed", rounds: 4, ambiguity_score: 0.16, ready: true, repairs: 0 });
    expect(existsSync(String(out.seed_path))).toBe(true);
    const v = await runCli(["seed", "validate", String(out.seed_path)], { home });
    expect(v.code).toBe(0);
    const state = json(readFileSync(join(home, "data", `interview_${out.interview_id}.json`), "utf8"));
    expect(state).toMatchObject({ status: "completed", seed_id: out.seed_id });
    expect((state.rounds as unknown[]).length).toBe(4);
    const events = await runCli(["events", "--json"], { home });
    const types = events.stdout
      .trim()
      .split("\n")
      .map((l) => json(l).type);
    expect(types).toContain("interview.started");
    expect(types.filter((t) => t === "interview.response.recorded")).toHaveLength(4);
    expect(types).toContain("interview.completed");
    expect(types).toContain("seed.created");
  });

  test("answers run out before ready → exit 1 with the score; resume with more answers finishes it", async () => {
    const home = tempHome();
    const file = join(home, "answers.yaml");
    writeFileSync(file, "idea: greet people\nanswers:\n  - a1\n  - a2\n  - a3\n");
    const r = await runCli(["init", "start", "--answers", file], { env: llmEnv(), cwd, home });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      "the answers ran out before the interview was clear enough: ambiguity 0.18 meets the threshold 0.20, but Goal Clarity 0.70 < 0.75",
    );
    const id = /init resume (interview_\w+)/.exec(r.stderr)![1]!;
    const list = await runCli(["init", "list", "--json"], { home });
    expect(json(list.stdout).interviews).toMatchObject([{ interview_id: id, status: "in_progress", rounds: 3 }]);
    const asked = mock.modelRequests().length;
    const res = await runCli(["init", "resume", id, "--answers", "-", "--json"], {
      env: llmEnv(),
      cwd,
      home,
      stdin: "- a4\n",
    });
    expect(res.code).toBe(0);
    expect(json(res.stdout)).toMatchObject({ interview_id: id, rounds: 4, ready: true });
    // The pending round-4 question was asked before the first run stopped: resume reuses it.
    const newQuestions = mock
      .modelRequests()
      .slice(asked)
      .filter((q) => q.allText.join("").includes("[ouroboros:interview:question]"));
    expect(newQuestions).toHaveLength(0);
  });

  test("--force generates a seed that is not ready; /skip and /back work as answers", async () => {
    const home = tempHome();
    const r = await runCli(["init", "start", "greet", "--answers", "-", "--force", "--json"], {
      env: llmEnv(),
      cwd,
      home,
      stdin: '["a1", "/skip", "a2", "/back", "a2b", "/done"]',
    });
    expect(r.code).toBe(0);
    const out = json(r.stdout);
    expect(out).toMatchObject({ rounds: 3, ready: false });
    expect(readFileSync(String(out.seed_path), "utf8")).toContain("generation_mode: forced");
    const state = json(readFileSync(join(home, "data", `interview_${out.interview_id}.json`), "utf8"));
    expect(
      (state.rounds as { user_response: string; skipped: boolean }[]).map((x) =>
        x.skipped ? "(skip)" : x.user_response,
      ),
    ).toEqual(["a1", "(skip)", "a2b"]);
  });

  test("bad answers file and unknown interview: one-line errors", async () => {
    const home = tempHome();
    const bad = await runCli(["init", "start", "x", "--answers", "-"], {
      env: llmEnv(),
      cwd,
      home,
      stdin: "answers: [1, 2]",
    });
    expect(bad.code).toBe(64);
    expect(bad.stderr).toContain("--answers stdin at answers.0: each answer must be a string");
    const unknown = await runCli(["init", "resume", "interview_19990101_000000", "--answers", "-"], {
      env: llmEnv(),
      cwd,
      home,
      stdin: "[]",
    });
    expect(unknown.code).toBe(4);
    expect(unknown.stderr).toContain("no interview 'interview_19990101_000000'");
  });

  test("an unreachable backend fails with exit 69 naming the URL; the interview stays resumable", async () => {
    const home = tempHome();
    const r = await runCli(["init", "start", "x", "--answers", "-"], {
      env: { ...llmEnv(), OPENAI_BASE_URL: "http://127.0.0.1:9/v1" },
      cwd,
      home,
      stdin: "[a]",
    });
    expect(r.code).toBe(69);
    expect(r.stderr).toContain("openai backend unreachable: tried POST http://127.0.0.1:9/v1/chat/completions");
    const list = await runCli(["init", "list", "--json"], { home });
    expect(json(list.stdout).interviews).toMatchObject([{ status: "in_progress", rounds: 0 }]);
  });
});

describe("auto", () => {
  test("goal → model-answered interview → seed → real codex run, every stage an event", async () => {
    const home = tempHome();
    const project = mkdtempSync(join(tmpdir(), "ouro-auto-"));
    const ce = cliEnv("codex", mock.url, { shared: true });
    try {
      const env = {
        ...ce.env,
        ...llmEnv(),
        PATH: `${join(ROOT, "node_modules/.bin")}:${ce.env.PATH}`,
        OUROBOROS_PASS_ENV: "MOCK_API_KEY",
      };
      const r = await runCli(["auto", "greet people", "--runtime", "codex", "--json"], { env, cwd: project, home });
      if (r.code !== 0) console.error(r.stderr);
      expect(r.code).toBe(0);
      const out = json(r.stdout);
      expect(out).toMatchObject({ status: "completed", phase: "done", run_status: "completed" });
      expect(String(out.session_id)).toMatch(/^orch_/);
      expect(readFileSync(join(project, "greet.py"), "utf8")).toContain("Hello");
      const events = await runCli(["events", "--json"], { home });
      const types = events.stdout
        .trim()
        .split("\n")
        .map((l) => json(l).type);
      expect(types.filter((t) => t === "auto.phase.changed").length).toBeGreaterThanOrEqual(3);
      expect(types).toContain("auto.completed");
      expect(types).toContain("orchestrator.session.completed");
      expect(json(readFileSync(join(home, "data", `${out.auto_id}.json`), "utf8"))).toMatchObject({
        status: "completed",
        session_id: out.session_id,
      });
    } finally {
      ce.cleanup();
    }
  }, 180_000);

  test("killed mid-interview (kill -9), `auto --resume` continues from the log", async () => {
    const home = tempHome();
    const m = await startMockModel({ script: interviewScript() });
    const base = interviewScript();
    let stalled = false;
    m.setScript((req) => {
      if (!stalled && req.allText.join("").includes("Round 3.")) {
        stalled = true;
        return { stall: true };
      }
      return base(req);
    });
    try {
      const env = { OPENAI_API_KEY: "k", OPENAI_BASE_URL: `${m.url}/v1`, OUROBOROS_LLM_BACKEND: "openai" };
      const { cliArgv } = await import("../lib/cli.ts");
      const proc = Bun.spawn([...cliArgv(), "auto", "greet people", "--skip-run", "--runtime", "codex"], {
        cwd,
        env: { ...process.env, ...env, OUROBOROS_HOME: home, NO_COLOR: "1" },
        stdout: "pipe",
        stderr: "pipe",
      });
      const deadline = Date.now() + 20_000;
      while (!stalled && Date.now() < deadline) await Bun.sleep(50);
      expect(stalled).toBe(true);
      proc.kill(9);
      await proc.exited;
      const id = /auto_[0-9a-f]{12}/.exec(
        readFileSync(join(home, "data", readdir(home).find((f) => f.startsWith("auto_"))!), "utf8"),
      )![0];
      const r = await runCli(["auto", "--resume", id, "--json"], { env, cwd, home });
      expect(r.code).toBe(0);
      const out = json(r.stdout);
      expect(out).toMatchObject({ auto_id: id, status: "completed", run_status: "skipped" });
      const state = json(readFileSync(join(home, "data", `interview_${out.interview_id}.json`), "utf8"));
      expect((state.rounds as unknown[]).length).toBe(4);
    } finally {
      await m.stop();
    }
  }, 60_000);
});

function readdir(home: string): string[] {
  return require("node:fs").readdirSync(join(home, "data")) as string[];
}
