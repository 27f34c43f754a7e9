/**
 * ouroboros_interview / ouroboros_generate_seed through the SDK client against the binary, with
 * the HTTP backend on the loopback mock model.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT, tempHome } from "../lib/cli.ts";
import { cliEnv } from "../lib/cli-env.ts";
import { interviewScript } from "../lib/interview-script.ts";
import { startMockModel, type MockModel } from "../lib/mock-model/index.ts";
import { connect, type Connected } from "./client.ts";

let mock: MockModel;
let home: string;
let c: Connected;
beforeAll(async () => {
  mock = await startMockModel({ script: interviewScript() });
  home = tempHome("ouro-mcp-interview-");
  c = await connect(home, {
    args: ["--llm-backend", "openai"],
    env: { OPENAI_API_KEY: "k", OPENAI_BASE_URL: `${mock.url}/v1` },
  });
});
afterAll(async () => {
  await c?.close();
  await mock.stop();
});

describe("ouroboros_interview", () => {
  test("one turn per call; 'done' is refused until ready; closes after two ready scores; then a seed", async () => {
    const start = await c.call("ouroboros_interview", { initial_context: "greet people" });
    expect(start.isError).toBe(false);
    expect(start.json).toMatchObject({
      status: "in_progress",
      round: 1,
      question: "Question 1: what exactly should happen in case 1?",
      ambiguity_score: null,
    });
    const id = start.json.session_id as string;
    const turn = (answer: string) => c.call("ouroboros_interview", { session_id: id, answer });
    expect((await turn("[from-code] there is no code yet")).json).toMatchObject({ round: 2 });
    expect((await turn("python only")).json).toMatchObject({ round: 3, ambiguity_score: null });
    const third = (await turn("prints Hello")).json;
    expect(third).toMatchObject({
      round: 4,
      ambiguity_score: 0.18,
      ready: false,
      not_ready: "ambiguity 0.18 meets the threshold 0.20, but Goal Clarity 0.70 < 0.75",
    });
    const refused = (await turn("done")).json;
    expect(refused.closing_refused).toContain("not ready for a seed");
    expect(refused.round).toBe(4);
    const fourth = (await turn("greet.py Demo prints Hello, Demo!")).json;
    expect(fourth).toMatchObject({ ready: true, round: 5 }); // first ready score: one more turn
    const fifth = (await turn("nothing else")).json;
    expect(fifth).toMatchObject({ completed: true, status: "completed", ambiguity_score: 0.16 });
    const state = JSON.parse(readFileSync(join(home, "data", `interview_${id}.json`), "utf8"));
    expect(state.rounds[0].provenance).toBe("observation");
    expect(state.rounds[1].provenance).toBe("user");

    const seed = await c.call("ouroboros_generate_seed", { session_id: id });
    expect(seed.isError).toBe(false);
    expect(seed.json.seed_content).toContain("goal: Write greet.py");
    const valid = await c.call("ouroboros_validate_seed", { seed_path: seed.json.path });
    expect(valid.json).toMatchObject({ valid: true, seed_id: seed.json.seed_id });
  });

  test("generate_seed refuses a not-ready interview unless forced; bad ids are one-line errors", async () => {
    const start = await c.call("ouroboros_interview", { initial_context: "something vague" });
    const id = start.json.session_id as string;
    const refused = await c.call("ouroboros_generate_seed", { session_id: id });
    expect(refused.isError).toBe(true);
    expect(refused.text).toContain("not ready for a seed: no ambiguity score yet");
    const forced = await c.call("ouroboros_generate_seed", { session_id: id, force: true });
    expect(forced.isError).toBe(false);
    expect(forced.json.seed_content).toContain("generation_mode: forced");
    const bad = await c.call("ouroboros_interview", { session_id: "orch_123", answer: "x" });
    expect(bad.isError).toBe(true);
    expect(bad.text).toBe("ouroboros_interview: 'orch_123' is not an interview session id (interview_…)");
    const neither = await c.call("ouroboros_interview", {});
    expect(neither.text).toContain("give 'initial_context' to start");
  });

  test("a cwd holding a project makes the interview brownfield", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ouro-brown-"));
    writeFileSync(join(dir, "package.json"), "{}");
    const r = await c.call("ouroboros_interview", { initial_context: "add a flag", cwd: dir });
    expect(r.json.is_brownfield).toBe(true);
  });
});

describe("ouroboros_start_auto", () => {
  async function until(check: () => Promise<boolean>, ms: number) {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      if (await check()) return;
      await Bun.sleep(100);
    }
    throw new Error("timed out");
  }

  test("skip_run: returns at once, the auto status walks to done with a valid seed", async () => {
    const r = await c.call("ouroboros_start_auto", { goal: "greet people", skip_run: true, runtime: "codex" });
    expect(r.isError).toBe(false);
    expect(r.json).toMatchObject({ status: "running", phase: "interview" });
    expect(r.json.meta.job_observer.poll_tool).toBe("ouroboros_auto_status");
    const id = r.json.auto_id as string;
    let last: any = null;
    await until(async () => {
      last = (await c.call("ouroboros_auto_status", { auto_id: id })).json;
      return last.status !== "running";
    }, 20_000);
    expect(last).toMatchObject({ status: "completed", phase: "done", run_status: "skipped" });
    expect((await c.call("ouroboros_validate_seed", { seed_path: last.seed_path })).json.valid).toBe(true);
    expect((await c.call("ouroboros_auto_status", { auto_id: "auto_000000000000" })).text).toContain(
      "no auto run 'auto_000000000000'",
    );
  });

  test("with a run: the seed runs as a job on real codex, followed with the job tools", async () => {
    const ce = cliEnv("codex", mock.url, { shared: true });
    const project = mkdtempSync(join(tmpdir(), "ouro-mcp-auto-"));
    const h = tempHome("ouro-mcp-auto-home-");
    const conn = await connect(h, {
      args: ["--llm-backend", "openai"],
      env: {
        ...ce.env,
        OPENAI_API_KEY: "k",
        OPENAI_BASE_URL: `${mock.url}/v1`,
        PATH: `${join(ROOT, "node_modules/.bin")}:${ce.env.PATH}`,
        OUROBOROS_PASS_ENV: "MOCK_API_KEY",
      },
    });
    try {
      const r = await conn.call("ouroboros_auto", { goal: "greet people", runtime: "codex", cwd: project });
      expect(r.isError).toBe(false);
      expect(r.json).toMatchObject({ status: "completed", run_status: "started" });
      const job = r.json.run_job_id as string;
      let w: any = { done: false, cursor: 0 };
      await until(async () => {
        w = (await conn.call("ouroboros_job_wait", { job_id: job, cursor: w.cursor ?? 0, timeout_seconds: 5 })).json;
        return w.done;
      }, 120_000);
      expect((await conn.call("ouroboros_job_result", { job_id: job })).json.status).toBe("completed");
      expect(readFileSync(join(project, "greet.py"), "utf8")).toContain("Hello");
    } finally {
      await conn.close();
      ce.cleanup();
    }
  }, 150_000);
});
