/**
 * The tools the `ooo` skills name beyond the core ones, through the SDK client against the real
 * server: a session is run first (the real codex CLI as the coding runtime, the HTTP backend as
 * judge, both on the loopback mock model), then drift, QA, lateral thinking, one evolution generation and Ralph
 * work on it; the PM interview and the project scan need no session. The mock's judge rejects
 * until the test flips it, so each tool's verdict is caused by the model reply the test chose.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cliEnv } from "../lib/cli-env.ts";
import { ROOT, tempHome } from "../lib/cli.ts";
import { interviewScript } from "../lib/interview-script.ts";
import { startMockModel, type MockModel } from "../lib/mock-model/index.ts";
import type { ModelRequest } from "../lib/mock-model/types.ts";
import { connect, type Connected } from "./client.ts";

const SEED = `goal: Write a haiku about the sea into haiku.txt
constraints:
  - plain text only
acceptance_criteria:
  - description: haiku.txt holds three lines about the sea
    verify_exemption_reason: judged by reading the poem
ontology_schema:
  name: Haiku
  description: a three-line poem
  fields:
    - name: lines
      type: string
      description: the three lines
evaluation_principles:
  - name: imagery
    description: the sea is vivid
    weight: 1.0
exit_conditions:
  - name: all_done
    description: every criterion passed
    criteria: all_acs_passed
metadata:
  seed_id: seed_haiku00001
  ambiguity_score: 0.1
`;

const judge = (ok: boolean) =>
  JSON.stringify({
    ac_compliance: ok,
    score: ok ? 0.9 : 0.2,
    principles: { imagery: ok ? 0.9 : 0.1 },
    reward_hacking_risk: 0,
    uncertainty: 0.1,
    drift_score: 0.1,
    reasoning: ok ? "meets the bar" : "the poem is missing",
  });

/** Judge verdicts in order (the last one repeats); drift and lateral answers by marker. */
let verdicts: boolean[] = [false];
let garbledDrift = false;
let judged = 0;
const script = (req: ModelRequest) => {
  const all = req.allText.join("\n");
  if (all.includes("[ouroboros:judge]")) return { text: judge(verdicts[Math.min(judged++, verdicts.length - 1)]!) };
  if (all.includes("[ouroboros:drift]") && garbledDrift) return { text: "Drift looks moderate to me." };
  if (all.includes("[ouroboros:drift]"))
    return {
      text: '{"goal_drift": 0.4, "constraint_drift": 0.0, "ontology_drift": 1.0, "reasons": ["the workspace holds no poem yet"]}',
    };
  if (all.includes("[ouroboros:lateral]")) {
    const persona = /think as the (\w+) persona/.exec(all)?.[1];
    return { text: `As ${persona}: write the file first, polish later.` };
  }
  if (all.includes("[ouroboros:interview:question]") && all.includes("product manager"))
    return { text: "PM: who reads the haiku, and what makes it a success?" };
  return interviewScript()(req);
};

let mock: MockModel;
let home: string;
let project: string;
let c: Connected;
let sessionId: string;

async function follow(jobId: string, cursor = 0, limitMs = 120_000) {
  const t0 = Date.now();
  const types: string[] = [];
  for (;;) {
    const w = await c.call("ouroboros_job_wait", { job_id: jobId, cursor, timeout_seconds: 5 });
    expect(w.isError, w.text).toBe(false);
    types.push(...w.json.events.map((e: { type: string }) => e.type));
    cursor = w.json.cursor;
    if (w.json.done && !w.json.more) return { types, last: w.json };
    if (Date.now() - t0 > limitMs) throw new Error(`job ${jobId} not done: ${w.text.slice(0, 300)}`);
  }
}

beforeAll(async () => {
  mock = await startMockModel({ script });
  home = tempHome("ouro-mcp-assist-");
  project = mkdtempSync(join(tmpdir(), "ouro-assist-proj-"));
  // One attempt per criterion and no evolution inside the run: the session ends failed, ready to evolve.
  writeFileSync(
    join(home, "config.yaml"),
    "execution:\n  ac_retry_attempts: 0\n  auto_evolve: false\nresilience:\n  stagnation_enabled: false\nevolution:\n  max_generations: 5\nllm:\n  qa_model: qa-judge-model\n",
  );
  const ce = cliEnv("codex", mock.url);
  c = await connect(home, {
    args: ["--llm-backend", "openai", "--runtime", "codex"],
    env: {
      ...ce.env,
      PATH: `${join(ROOT, "node_modules/.bin")}:${ce.env.PATH}`,
      OUROBOROS_HOME: home,
      OUROBOROS_PASS_ENV: "MOCK_API_KEY",
      OPENAI_API_KEY: "k",
      OPENAI_BASE_URL: `${mock.url}/v1`,
    },
  });
  const start = await c.call("ouroboros_start_execute_seed", { seed_content: SEED, cwd: project });
  expect(start.isError, start.text).toBe(false);
  sessionId = start.json.session_id;
  const f = await follow(start.json.job_id);
  expect(f.last.status).toBe("failed");
}, 180_000);
afterAll(async () => {
  await c?.close();
  await mock?.stop();
});

describe("skill tools over a recorded session", () => {
  test("measure_drift: observed failures plus judged components, weighted 50/30/20 in code, recorded", async () => {
    const r = await c.call("ouroboros_measure_drift", { session_id: sessionId });
    expect(r.isError, r.text).toBe(false);
    expect(r.json.components).toEqual({ goal: 0.4, constraints: 0, ontology: 1 });
    expect(r.json.drift_score).toBe(0.4); // 0.5·0.4 + 0.3·0 + 0.2·1
    expect(r.json.reasons[0]).toMatch(/^criterion ac_\w+ is failed: haiku\.txt holds three lines/);
    expect(r.json.reasons).toContain("the workspace holds no poem yet");
    expect(r.json.observed).toMatchObject({ acs_total: 1, acs_passed: 0, workspace: "listing" });
    const ev = await c.call("ouroboros_query_events", { session_id: sessionId, event_type: "drift.measured" });
    expect(ev.json.events[0].data.drift_score).toBe(0.4);
    // A judge that ignores the format gets no score, never a guessed one; the observed reasons stay.
    garbledDrift = true;
    const u = await c.call("ouroboros_measure_drift", { session_id: sessionId });
    garbledDrift = false;
    expect(u.json).toMatchObject({ status: "unverifiable", drift_score: null, components: null });
    expect(u.json.reasons.at(-1)).toBe("drift judge reply is not the JSON asked for");
    expect(u.json.reasons[0]).toMatch(/^criterion ac_\w+ is failed/);
  });

  test("qa: the stage-2 judge decides pass or fail against the seed; path artefacts are read", async () => {
    writeFileSync(
      join(project, "haiku.txt"),
      "waves fold into foam\nsalt wind over the grey pier\nthe tide keeps its time\n",
    );
    verdicts = [true];
    judged = 0;
    const pass = await c.call("ouroboros_qa", { artifact: "haiku.txt", session_id: sessionId });
    expect(pass.isError, pass.text).toBe(false);
    expect(pass.json).toMatchObject({ verdict: "pass", score: 0.9, weighted: 0.9, artifact: { kind: "file" } });
    const prompt = mock.modelRequests().at(-1)!.allText.join("\n");
    expect(prompt).toContain("salt wind over the grey pier");
    // llm.qa_model is the model QA judging runs with.
    expect(mock.modelRequests().at(-1)!.model).toBe("qa-judge-model");
    expect(prompt).toContain("haiku.txt holds three lines about the sea");
    verdicts = [false];
    judged = 0;
    const fail = await c.call("ouroboros_qa", {
      artifact: "just some text",
      quality_bar: "a poem about the sea",
      pass_threshold: 0.5,
    });
    expect(fail.json).toMatchObject({ verdict: "fail", score: 0.2 });
    expect(fail.json.reasons).toContain("judge: not compliant with the acceptance criterion");
    const none = await c.call("ouroboros_qa", { artifact: "x" });
    expect(none.isError).toBe(true);
    expect(none.text).toContain("give 'quality_bar'");
    const ev = await c.call("ouroboros_query_events", { event_type: "qa.verdict.recorded" });
    expect(ev.json.events.map((e: any) => e.data.verdict)).toEqual(["pass", "fail"]);
  });

  test("lateral_think: the persona the pattern calls for, or a named debate; each alternative recorded", async () => {
    const one = await c.call("ouroboros_lateral_think", {
      problem_context: "the poem check keeps failing",
      current_approach: "rewording",
      stagnation_pattern: "oscillation",
    });
    expect(one.isError, one.text).toBe(false);
    expect(one.json.personas).toEqual(["simplifier"]);
    expect(one.json.alternatives[0].alternative).toBe("As simplifier: write the file first, polish later.");
    expect(one.json.alternatives[0].directive).toContain("Remove complexity");
    const debate = await c.call("ouroboros_lateral_think", {
      problem_context: "stuck",
      personas: ["hacker", "contrarian"],
      session_id: sessionId,
    });
    expect(debate.json.alternatives.map((a: any) => a.persona)).toEqual(["hacker", "contrarian"]);
    const ev = await c.call("ouroboros_query_events", { session_id: sessionId, event_type: "lateral.think.completed" });
    expect(ev.json.total).toBe(1);
    const bad = await c.call("ouroboros_lateral_think", { problem_context: "x", persona: "wizard" });
    expect(bad.isError).toBe(true);
  });

  test("start_evolve_step: one generation as a job; the judge now approves, the lineage converges", async () => {
    verdicts = [true];
    judged = 0;
    const start = await c.call("ouroboros_start_evolve_step", { lineage_id: sessionId });
    expect(start.isError, start.text).toBe(false);
    expect(start.json.job_id).toMatch(/^job_evo_/);
    const f = await follow(start.json.job_id, start.json.cursor);
    expect(f.types[0]).toBe("evolution.job.started");
    expect(f.types).toContain("lineage.generation.started");
    expect(f.types).toContain("lineage.converged");
    expect(f.types.at(-1)).toBe("evolution.job.completed");
    const r = await c.call("ouroboros_job_result", { job_id: start.json.job_id });
    expect(r.json).toMatchObject({
      status: "completed",
      outcome: "converged",
      generation: 1,
      generations_run: 1,
      all_passed: true,
    });
    const lin = await c.call("ouroboros_lineage_status", { lineage_id: sessionId });
    expect(lin.json).toMatchObject({ status: "converged", generations_run: 1 });
    const again = await c.call("ouroboros_start_evolve_step", { lineage_id: sessionId });
    expect(again.isError).toBe(true);
    expect(again.text).toContain("nothing to evolve");
  }, 120_000);
});

describe("ralph", () => {
  test("keeps evolving until the judge approves; a generation budget stops a lineage that never passes", async () => {
    // A second failed session of the same seed.
    verdicts = [false];
    judged = 0;
    const start = await c.call("ouroboros_start_execute_seed", { seed_content: SEED, cwd: project });
    const f = await follow(start.json.job_id);
    expect(f.last.status).toBe("failed");
    const sid = start.json.session_id;

    judged = 0;
    verdicts = [false, false, true]; // generations 1 and 2 rejected, 3 approved
    const ralph = await c.call("ouroboros_start_ralph", { lineage_id: sid, max_generations: 4 });
    expect(ralph.isError, ralph.text).toBe(false);
    await follow(ralph.json.job_id, ralph.json.cursor);
    const r = await c.call("ouroboros_job_result", { job_id: ralph.json.job_id });
    expect(r.json).toMatchObject({
      kind: "ralph",
      outcome: "converged",
      generation: 3,
      generations_run: 3,
      all_passed: true,
    });

    verdicts = [false];
    const third = await c.call("ouroboros_start_execute_seed", { seed_content: SEED, cwd: project });
    await follow(third.json.job_id);
    const capped = await c.call("ouroboros_start_ralph", { lineage_id: third.json.session_id, max_generations: 2 });
    await follow(capped.json.job_id, capped.json.cursor);
    const r2 = await c.call("ouroboros_job_result", { job_id: capped.json.job_id });
    expect(r2.json).toMatchObject({
      outcome: "exhausted",
      stop_reason: "max_generations 2",
      generation: 2,
      all_passed: false,
    });

    // Cancelled through the job tools: the job records it and the lineage stays resumable.
    const cancelled = await c.call("ouroboros_start_ralph", { lineage_id: third.json.session_id });
    const stop = await c.call("ouroboros_cancel_job", { job_id: cancelled.json.job_id });
    expect(stop.json).toMatchObject({ action: "cancelled", status: "completed" });
    expect((await c.call("ouroboros_job_result", { job_id: cancelled.json.job_id })).json).toMatchObject({
      outcome: "cancelled",
      all_passed: false,
    });

    // Time budgets cut a generation short (a codex turn on the mock takes well over a second).
    for (const [budget, reason] of [
      [{ per_iteration_timeout_seconds: 1 }, "per_iteration_timeout_seconds"],
      [{ max_total_seconds: 1 }, "max_total_seconds"],
    ] as const) {
      const timed = await c.call("ouroboros_start_ralph", { lineage_id: third.json.session_id, ...budget });
      expect(timed.isError, timed.text).toBe(false);
      await follow(timed.json.job_id, timed.json.cursor);
      const r3 = await c.call("ouroboros_job_result", { job_id: timed.json.job_id });
      expect(r3.json).toMatchObject({ outcome: "stopped", stop_reason: reason, all_passed: false });
    }
  }, 300_000);
});

describe("authoring tools without a session", () => {
  test("pm_interview: the product-manager persona asks; 'generate' makes the seed; the two interview kinds do not mix", async () => {
    const start = await c.call("ouroboros_pm_interview", { initial_context: "a haiku app" });
    expect(start.isError, start.text).toBe(false);
    expect(start.json).toMatchObject({
      persona: "pm",
      round: 1,
      question: "PM: who reads the haiku, and what makes it a success?",
    });
    expect(start.json.next).toContain("ouroboros_pm_interview");
    const id = start.json.session_id;
    const mixed = await c.call("ouroboros_interview", { session_id: id, answer: "x" });
    expect(mixed.isError).toBe(true);
    expect(mixed.text).toContain("PM interview");
    const seed = await c.call("ouroboros_pm_interview", { session_id: id, action: "generate", force: true });
    expect(seed.isError, seed.text).toBe(false);
    expect(seed.json.seed_content).toContain("goal: Write greet.py");
  });

  test("brownfield: scan reports languages, commands and layout; register makes it the interview's context", async () => {
    const repo = mkdtempSync(join(tmpdir(), "ouro-brown-"));
    writeFileSync(join(repo, "package.json"), JSON.stringify({ scripts: { build: "tsc", test: "bun test" } }));
    writeFileSync(join(repo, "bun.lock"), "");
    mkdirSync(join(repo, "src"));
    writeFileSync(join(repo, "src/a.ts"), "export {}\n");
    writeFileSync(join(repo, "src/b.ts"), "export {}\n");
    writeFileSync(join(repo, "tool.py"), "print(1)\n");
    const scan = await c.call("ouroboros_brownfield", { action: "register", scan_root: repo });
    expect(scan.isError, scan.text).toBe(false);
    expect(scan.json).toMatchObject({
      languages: [
        { language: "TypeScript", files: 2 },
        { language: "Python", files: 1 },
      ],
      build_commands: ["bun run build"],
      test_commands: ["bun run test"],
      layout: ["bun.lock", "package.json", "src/", "tool.py"],
      default: repo,
    });
    const q = await c.call("ouroboros_brownfield", { action: "query" });
    expect(q.json.default).toBe(repo);
    // An interview without cwd now starts in the registered project: brownfield, with the scan as context.
    const iv = await c.call("ouroboros_interview", { initial_context: "add a flag" });
    expect(iv.json.is_brownfield).toBe(true);
    const asked = mock.modelRequests().at(-1)!.allText.join("\n");
    expect(asked).toContain("Languages: TypeScript (2 files), Python (1 files)");
    expect(asked).toContain("Test: bun run test");
  });
});
