/**
 * A whole seed run through the MCP job tools: start_execute_seed → job_wait (cursor) → job_result,
 * with the real codex CLI as runtime against the scripted loopback model. Also: cancel_job on a
 * running job, and the result read back by a second server after the first one is gone; and the
 * recursion guard (the codex a job drives does not get the Ouroboros tools).
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CODEX_SLOW_MCP_START, cliEnv } from "../lib/cli-env.ts";
import { cliArgv, ROOT } from "../lib/cli.ts";
import { startMockModel, type MockModel } from "../lib/mock-model/index.ts";
import { pipelineScript } from "../lib/pipeline-script.ts";
import { connect, type Connected } from "./client.ts";
import { within } from "../lib/timing.ts";

const SEED = join(ROOT, "examples/hello-cli.yaml");
/** A whole run through the real codex CLI: about 30 s on an idle machine, stretched under load. */
const RUN_MS = within(120_000);
setDefaultTimeout(2 * RUN_MS);
const hasCodex = existsSync(join(ROOT, "node_modules/.bin/codex"));

let mock: MockModel;
beforeAll(async () => {
  mock = await startMockModel({ script: pipelineScript });
});
afterAll(async () => mock?.stop());

function setup() {
  const ce = cliEnv("codex", mock.url, { shared: true });
  const home = mkdtempSync(join(tmpdir(), "ouro-mcp-e2e-"));
  const project = mkdtempSync(join(tmpdir(), "ouro-mcp-proj-"));
  const env = {
    ...ce.env,
    PATH: `${join(ROOT, "node_modules/.bin")}:${ce.env.PATH}`,
    OUROBOROS_HOME: home,
    OUROBOROS_PASS_ENV: "MOCK_API_KEY",
  };
  return { env, home, project, cleanup: ce.cleanup };
}

/** Follow a job with job_wait until done; returns every event type seen, in order. */
async function follow(
  c: Connected,
  jobId: string,
  limitMs = RUN_MS,
): Promise<{ types: string[]; cursors: number[]; last: any }> {
  const types: string[] = [];
  const cursors: number[] = [];
  let cursor = 0;
  const t0 = Date.now();
  for (;;) {
    const started = Date.now();
    const w = await c.call("ouroboros_job_wait", { job_id: jobId, cursor, timeout_seconds: 5 });
    expect(w.isError).toBe(false);
    expect(Date.now() - started).toBeLessThan(within(6500));
    types.push(...w.json.events.map((e: { type: string }) => e.type));
    expect(w.json.cursor).toBeGreaterThanOrEqual(cursor);
    cursor = w.json.cursor;
    cursors.push(cursor);
    if (w.json.done && !w.json.more) return { types, cursors, last: w.json };
    if (Date.now() - t0 > limitMs)
      throw new Error(`job ${jobId} not done after ${limitMs} ms: ${JSON.stringify(w.json).slice(0, 400)}`);
  }
}

describe.skipIf(!hasCodex)("seed execution through the MCP job tools (codex + scripted model)", () => {
  // Also the recursion guard, on the same run (a whole run costs a dozen CLI launches): with setup's
  // registration in CODEX_HOME, the codex the job drives does not get the Ouroboros tools, though
  // the same codex run directly does.
  test("start_execute_seed returns at once; job_wait follows it to completion; job_result reports it; the codex it drives gets no Ouroboros tools", async () => {
    const s = setup();
    const reg = Bun.spawnSync([...cliArgv(), "setup", "--runtime", "codex", "--non-interactive"], {
      env: s.env,
      stdout: "pipe",
      stderr: "pipe",
    });
    expect(reg.exitCode).toBe(0);
    const c = await connect(s.home, { env: s.env, args: ["--runtime", "codex"] });
    const before = mock.modelRequests().length;
    try {
      const t0 = Date.now();
      const start = await c.call("ouroboros_start_execute_seed", { seed_path: SEED, cwd: s.project });
      expect(start.isError).toBe(false);
      expect(Date.now() - t0).toBeLessThan(within(3000));
      expect(start.json).toMatchObject({ status: "running", runtime: "codex", project_dir: s.project });
      expect(start.json.job_id).toBe(`job_${start.json.session_id}`);
      expect(start.json.meta.job_observer.schema).toBe("ouroboros.job_observer.v1");
      const early = await c.call("ouroboros_job_result", { job_id: start.json.job_id });
      expect(early.isError).toBe(true);
      expect(early.text).toContain("still running");

      const f = await follow(c, start.json.job_id);
      expect(f.types[0]).toBe("orchestrator.session.started");
      expect(f.types.at(-1)).toBe("orchestrator.session.completed");
      expect(new Set(f.cursors).size).toBeGreaterThan(1);
      expect(f.last.status).toBe("completed");

      const r = await c.call("ouroboros_job_result", { job_id: start.json.job_id });
      expect(r.json).toMatchObject({
        status: "completed",
        session_id: start.json.session_id,
        progress: { acs_total: 2, acs_passed: 2 },
      });
      expect(readFileSync(join(s.project, "greet.py"), "utf8")).toContain("Hello, {name}!");
      const hud = await c.call("ouroboros_ac_tree_hud", { session_id: start.json.session_id });
      expect(hud.text.match(/✅/g)?.length).toBe(2);
    } finally {
      await c.close();
    }
    const inRun = mock.modelRequests().slice(before);
    expect(inRun.length).toBeGreaterThan(5);
    for (const r of inRun) expect(r.tools.filter((t) => t.name.startsWith("mcp__ouroboros__"))).toEqual([]);
    // The same CODEX_HOME outside any Ouroboros run: the server starts and its tools are offered.
    const mark = mock.modelRequests().length;
    const p = Bun.spawn(
      [join(ROOT, "node_modules/.bin/codex"), "exec", ...CODEX_SLOW_MCP_START, "--skip-git-repo-check", "hello"],
      { env: s.env, cwd: s.project, stdin: "ignore", stdout: "pipe", stderr: "pipe" },
    );
    expect(await p.exited).toBe(0);
    expect(mock.modelRequests()[mark]!.tools.map((t) => t.name)).toContain("mcp__ouroboros__ouroboros_session_status");
    s.cleanup();
  });

  test("execute_seed (blocking) with inline seed_content runs in cwd; evaluate judges artefacts against its seed", async () => {
    const s = setup();
    const c = await connect(s.home, { env: s.env });
    try {
      const notes: { progress: number; message?: string }[] = [];
      const raw = (await c.client.callTool(
        {
          name: "ouroboros_execute_seed",
          arguments: { seed_content: readFileSync(SEED, "utf8"), cwd: s.project, runtime: "codex", sequential: true },
        },
        undefined,
        { onprogress: (p) => notes.push(p), timeout: RUN_MS },
      )) as { content: { text: string }[]; isError?: boolean };
      expect(raw.isError).toBeUndefined();
      const r = { json: JSON.parse(raw.content[0]!.text) };
      expect(r.json.status).toBe("completed");
      // Progress notifications while it ran: growing, and naming ACs and phases.
      expect(notes.length).toBeGreaterThan(1);
      for (let i = 1; i < notes.length; i++) expect(notes[i]!.progress).toBeGreaterThan(notes[i - 1]!.progress);
      expect(notes.some((n) => /\d\/2 ACs passed, phase \w+/.test(n.message ?? ""))).toBe(true);
      expect(existsSync(join(s.project, "test_greet.py"))).toBe(true);

      // Evaluate an artefact against the session's seed: criterion 1's own check runs in the project.
      const artifact = readFileSync(join(s.project, "greet.py"), "utf8");
      const ev = await c.call("ouroboros_evaluate", {
        session_id: r.json.session_id,
        artifact,
        acceptance_criterion: "1",
        artifact_type: "code",
      });
      expect(ev.isError).toBe(false);
      expect(ev.json).toMatchObject({
        approved: true,
        stage1: "passed",
        stage2: "approved",
        stage3: null,
        highest_stage: 2,
        session_id: r.json.session_id,
      });
      // The same criterion where its file does not exist fails at stage 1 whatever the judge says.
      const empty = mkdtempSync(join(tmpdir(), "ouro-mcp-empty-"));
      const bad = await c.call("ouroboros_evaluate", {
        session_id: r.json.session_id,
        artifact,
        acceptance_criterion: "1",
        working_dir: empty,
      });
      expect(bad.json).toMatchObject({ approved: false, stage1: "failed" });
      expect(bad.json.reasons.join(" ")).toContain("expected artifact missing: greet.py");
      // The start form with consensus, followed through the job tools; events land in the session.
      const start = await c.call("ouroboros_start_evaluate", {
        session_id: r.json.session_id,
        artifact,
        trigger_consensus: true,
      });
      expect(start.json.job_id).toBe(`job_${start.json.evaluation_id}`);
      const f = await follow(c, start.json.job_id, 60_000);
      expect(f.types).toEqual([
        "evaluation.stage1.started",
        "evaluation.stage1.completed",
        "evaluation.stage2.started",
        "evaluation.stage2.completed",
        "evaluation.consensus.triggered",
        "evaluation.stage3.completed",
        "evaluation.pipeline.completed",
      ]);
      const res = await c.call("ouroboros_job_result", { job_id: start.json.job_id });
      expect(res.json).toMatchObject({ status: "completed", approved: true, highest_stage: 3, stage3: "approved" });
      const inSession = await c.call("ouroboros_query_events", {
        session_id: r.json.session_id,
        event_type: "evaluation.pipeline.completed",
      });
      expect(
        inSession.json.events.filter((e: { data: { evaluation_id?: string } }) =>
          e.data.evaluation_id?.startsWith("eval_"),
        ),
      ).toHaveLength(3);
    } finally {
      await c.close();
      s.cleanup();
    }
  });

  test("cancel_job stops a running job; a second server reads the same job from the log", async () => {
    const s = setup();
    // The model stalls on the develop step, so the job is certainly still running when cancelled.
    mock.setScript((req) => (req.lastUserText.includes("[ouroboros:develop]") ? { stall: true } : pipelineScript(req)));
    const c = await connect(s.home, { env: s.env, args: ["--runtime", "codex"] });
    let jobId = "";
    try {
      const start = await c.call("ouroboros_start_execute_seed", { seed_path: SEED, cwd: s.project });
      jobId = start.json.job_id;
      for (let i = 0; i < 100; i++) {
        const w = await c.call("ouroboros_job_wait", { job_id: jobId, timeout_seconds: 1 });
        if (w.json.events.some((e: { type: string }) => e.type === "execution.ac.attempt.dispatched")) break;
      }
      expect((await c.call("ouroboros_job_status", { job_id: jobId })).json).toMatchObject({
        status: "running",
        owner: "this server",
      });
      const cancel = await c.call("ouroboros_cancel_job", { job_id: jobId, reason: "enough" });
      expect(cancel.json.action).toBe("requested");
      const f = await follow(c, jobId, 30_000);
      expect(f.last.status).toBe("cancelled");

      // An evaluation whose judge never answers is cancelled the same way. (A free-text criterion has no
      // stage-1 checks; a seed criterion's failing check would reject before the judge is asked.)
      mock.setScript((req) => (req.lastUserText.includes("[ouroboros:judge]") ? { stall: true } : pipelineScript(req)));
      const ev = await c.call("ouroboros_start_evaluate", {
        session_id: start.json.session_id,
        artifact: "print('hi')",
        acceptance_criterion: "the artefact prints hi",
      });
      let cursor = 0;
      for (let i = 0; i < 20; i++) {
        const w = await c.call("ouroboros_job_wait", { job_id: ev.json.job_id, cursor, timeout_seconds: 1 });
        cursor = w.json.cursor;
        if (w.json.stage === "stage2.started") break;
      }
      expect((await c.call("ouroboros_job_status", { job_id: ev.json.job_id })).json).toMatchObject({
        kind: "evaluation",
        status: "running",
        stage: "stage2.started",
      });
      const t0 = Date.now();
      expect((await c.call("ouroboros_cancel_job", { job_id: ev.json.job_id })).json).toMatchObject({
        action: "cancelled",
        status: "failed",
      });
      expect(Date.now() - t0).toBeLessThan(5000);
      expect((await c.call("ouroboros_job_result", { job_id: ev.json.job_id })).json).toMatchObject({
        status: "failed",
        error: "cancelled",
      });
    } finally {
      await c.close();
      mock.setScript(pipelineScript);
    }
    const again = await connect(s.home, { env: s.env });
    try {
      const r = await again.call("ouroboros_job_result", { job_id: jobId });
      expect(r.json).toMatchObject({ status: "cancelled", summary: "enough" });
    } finally {
      await again.close();
      s.cleanup();
    }
  });

  test("cancelling a blocking execute_seed call pauses its run; session_id resumes it", async () => {
    const s = setup();
    mock.setScript((req) => (req.lastUserText.includes("[ouroboros:develop]") ? { stall: true } : pipelineScript(req)));
    const c = await connect(s.home, { env: s.env, args: ["--runtime", "codex"] });
    try {
      const abort = new AbortController();
      const call = c.client.callTool(
        { name: "ouroboros_execute_seed", arguments: { seed_path: SEED, cwd: s.project } },
        undefined,
        { signal: abort.signal, timeout: RUN_MS },
      );
      call.catch(() => {});
      let sessionId = "";
      for (let i = 0; i < 100 && !sessionId; i++) {
        await Bun.sleep(100);
        const q = await c.call("ouroboros_query_events", { event_type: "execution.ac.attempt.dispatched", limit: 1 });
        sessionId = q.json.events[0]?.session_id ?? "";
      }
      expect(sessionId).toStartWith("orch_");
      abort.abort("user stopped waiting");
      await expect(call).rejects.toThrow();
      let status = "";
      for (let i = 0; i < 50 && status !== "paused"; i++) {
        await Bun.sleep(100);
        status = (await c.call("ouroboros_job_status", { job_id: `job_${sessionId}` })).json.status;
      }
      expect(status).toBe("paused");
      mock.setScript(pipelineScript);
      const resumed = await c.call("ouroboros_start_execute_seed", { session_id: sessionId });
      expect((await follow(c, resumed.json.job_id)).last.status).toBe("completed");
    } finally {
      mock.setScript(pipelineScript);
      await c.close();
      s.cleanup();
    }
  });

  test("stdin EOF with a job running: the server pauses it and exits within 2 s; session_id resumes it to completion", async () => {
    const s = setup();
    mock.setScript((req) => (req.lastUserText.includes("[ouroboros:develop]") ? { stall: true } : pipelineScript(req)));
    const c = await connect(s.home, { env: s.env, args: ["--runtime", "codex"] });
    const pid = c.transport.pid!;
    const start = await c.call("ouroboros_start_execute_seed", { seed_path: SEED, cwd: s.project });
    for (let i = 0; i < 100; i++) {
      const w = await c.call("ouroboros_job_wait", { job_id: start.json.job_id, timeout_seconds: 1 });
      if (w.json.events.some((e: { type: string }) => e.type === "execution.ac.attempt.dispatched")) break;
    }
    const t0 = Date.now();
    await c.close();
    while (
      Date.now() - t0 < 5000 &&
      existsSync(`/proc/${pid}`) &&
      !readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.startsWith("Z")
    )
      await Bun.sleep(20);
    expect(Date.now() - t0).toBeLessThan(2000);
    mock.setScript(pipelineScript);
    const again = await connect(s.home, { env: s.env });
    try {
      expect((await again.call("ouroboros_job_status", { job_id: start.json.job_id })).json.status).toBe("paused");
      const resumed = await again.call("ouroboros_start_execute_seed", { session_id: start.json.session_id });
      expect(resumed.json.job_id).toBe(start.json.job_id);
      const f = await follow(again, resumed.json.job_id);
      expect(f.types).toContain("orchestrator.session.resumed");
      expect(f.last.status).toBe("completed");
    } finally {
      await again.close();
      s.cleanup();
    }
  });
});
