/**
 * OpenCode plugin mode. With `orchestrator.opencode_mode: plugin` and the opencode backend, the
 * authoring tools hand their model calls to the bridge plugin as `_subagent` envelopes; the real
 * opencode CLI (set up by `ouroboros setup --runtime opencode`) runs each as a child session of
 * the calling session, and the next call of the tool continues from the child's answer, recorded
 * in the event log. The gate: any other backend or mode calls the model in-process.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { queryEvents } from "../../src/events/read.ts";
import { EventStore } from "../../src/events/store.ts";
import { cliEnv } from "../lib/cli-env.ts";
import { ROOT, runCli, tempHome } from "../lib/cli.ts";
import { interviewScript, VALID_SEED_REPLY } from "../lib/interview-script.ts";
import { startMockModel, type MockModel } from "../lib/mock-model/index.ts";
import type { ModelRequest } from "../lib/mock-model/types.ts";
import { connect } from "./client.ts";

const TOOL = "ouroboros_ouroboros_interview";
const SEED_TOOL = "ouroboros_ouroboros_generate_seed";
const CHILD_QUESTION = "CHILD: who should be greeted, and how?";
const hasOpencode = existsSync(join(ROOT, "node_modules/.bin/opencode"));

let mock: MockModel;
beforeAll(async () => {
  mock = await startMockModel();
});
afterAll(async () => mock?.stop());

function events(db: string, glob: string): { type: string; data: any }[] {
  const s = EventStore.open(db);
  if (!s.ok) throw new Error(s.error.message);
  const rows = queryEvents(s.value.reader, { typeGlob: glob });
  s.value.close();
  return rows.map((r) => ({ type: r.event_type, data: JSON.parse(r.payload) }));
}

describe("the gate at the tool", () => {
  for (const [runtime, mode, delegates] of [
    ["opencode", "plugin", true],
    ["opencode", "subprocess", false],
    ["claude", "plugin", false],
  ] as const) {
    test(`runtime ${runtime}, opencode_mode ${mode}: ${delegates ? "envelope" : "in-process model call"}`, async () => {
      mock.setScript(interviewScript());
      const home = tempHome("ouro-plugin-gate-");
      writeFileSync(join(home, "config.yaml"), `orchestrator:\n  opencode_mode: ${mode}\n`);
      const c = await connect(home, {
        args: ["--runtime", runtime, "--llm-backend", "openai"],
        env: { OPENAI_API_KEY: "k", OPENAI_BASE_URL: `${mock.url}/v1` },
      });
      try {
        const before = mock.modelRequests().length;
        const r = await c.call("ouroboros_interview", { initial_context: "greet people" });
        expect(r.isError, r.text).toBe(false);
        if (delegates) {
          expect(r.json).toMatchObject({
            status: "delegated_to_plugin",
            job_id: null,
            meta: { _subagent: { tool_name: "ouroboros_interview", agent: "general" } },
          });
          expect(r.json.meta._subagent.prompt).toContain("[ouroboros:interview:question]");
          expect(r.json.meta._subagent.context.reply_file).toBe(
            join(home, "data/subagent", `${r.json.meta._subagent.context.request_id}.json`),
          );
          expect(mock.modelRequests().length).toBe(before);
          // Asked again before the plugin answered: the same request, not a new one.
          const again = await c.call("ouroboros_interview", { session_id: r.json.session_id });
          expect(again.json.meta._subagent.context.request_id).toBe(r.json.meta._subagent.context.request_id);
        } else {
          expect(r.json).toMatchObject({ round: 1, question: "Question 1: what exactly should happen in case 1?" });
          expect(mock.modelRequests().length).toBe(before + 1);
        }
      } finally {
        await c.close();
      }
    });
  }
});

test("auto keeps authoring in-process even in plugin mode (no envelope has a receiver there)", async () => {
  mock.setScript(interviewScript());
  const home = tempHome("ouro-plugin-auto-");
  writeFileSync(join(home, "config.yaml"), "orchestrator:\n  opencode_mode: plugin\n");
  const c = await connect(home, {
    args: ["--runtime", "opencode", "--llm-backend", "openai"],
    env: { OPENAI_API_KEY: "k", OPENAI_BASE_URL: `${mock.url}/v1` },
  });
  try {
    const r = await c.call("ouroboros_auto", { goal: "greet people", skip_run: true });
    expect(r.isError, r.text).toBe(false);
    expect(r.json.seed_id).toMatch(/^seed_/);
    expect(events(join(home, "ouroboros.db"), "subagent.*")).toEqual([]);
  } finally {
    await c.close();
  }
}, 60_000);

describe.skipIf(!hasOpencode)("inside a real OpenCode session", () => {
  test("interview and seed: envelope → bridge plugin child session → the next call continues from the child's answer", async () => {
    const ce = cliEnv("opencode", mock.url);
    const ouroHome = join(ce.home, ".ouroboros");
    const env = { ...ce.env, OUROBOROS_HOME: ouroHome };
    try {
      const setup = await runCli(["setup", "--runtime", "opencode"], { home: ouroHome, env, cwd: ce.home });
      expect(setup.code, setup.stderr).toBe(0);
      let envelope: any = null;
      mock.setScript((req: ModelRequest) => {
        // The child session's own prompt is the envelope's (the parent only sees it inside a tool result).
        if (req.lastUserText.includes("[ouroboros:interview:question]")) return { text: CHILD_QUESTION };
        if (req.lastUserText.includes("[ouroboros:seed:generate]")) return { text: VALID_SEED_REPLY };
        if (!req.tools.length) return { text: "a title" };
        const n = req.toolResults.length;
        if (n === 0) return { tool: TOOL, args: { initial_context: "greet people" } };
        if (n === 1) {
          envelope = JSON.parse(req.toolResults[0]!.slice(0, req.toolResults[0]!.lastIndexOf("}") + 1));
          return { tool: TOOL, args: { session_id: envelope.session_id } };
        }
        // Seed generation is delegated the same way: envelope, child session, the same call again.
        if (n === 2 || n === 3) return { tool: SEED_TOOL, args: { session_id: envelope.session_id, force: true } };
        return { text: "PARENT_DONE" };
      });
      const proj = join(ce.home, "proj");
      mkdirSync(proj);
      const p = Bun.spawn(
        [join(ROOT, "node_modules/.bin/opencode"), "run", "--format", "json", "interview me about greeting people"],
        { env, cwd: proj, stdin: "ignore", stdout: "pipe", stderr: "pipe", timeout: 150_000 },
      );
      const [out, err, code] = await Promise.all([
        new Response(p.stdout).text(),
        new Response(p.stderr).text(),
        p.exited,
      ]);
      expect(code, err.slice(-2000)).toBe(0);
      expect(out).toContain("PARENT_DONE");

      expect(envelope).toMatchObject({
        status: "delegated_to_plugin",
        job_id: null,
        meta: { _subagent: { tool_name: "ouroboros_interview" } },
      });
      const results = mock.modelRequests().at(-1)!.toolResults;
      expect(results[0]).toContain("ouroboros bridge: child session ses_");
      expect(results[1]).toContain(CHILD_QUESTION);
      expect(results[1]).toContain('"round": 1');
      // The child ran inside OpenCode (a request offering OpenCode's tools), never from our server directly.
      const child = mock.modelRequests().filter((r) => r.lastUserText.includes("[ouroboros:interview:question]"));
      expect(child).toHaveLength(1);
      expect(child[0]!.tools.length).toBeGreaterThan(0);

      const db = join(ouroHome, "ouroboros.db");
      expect(results[2]).toContain("delegated_to_plugin");
      expect(results[3]).toContain("goal: Write greet.py");
      expect(events(db, "subagent.*").map((e) => `${e.type} ${e.data.tool_name}`)).toEqual([
        "subagent.dispatched ouroboros_interview",
        "subagent.completed ouroboros_interview",
        "subagent.dispatched ouroboros_generate_seed",
        "subagent.completed ouroboros_generate_seed",
      ]);
      expect(events(db, "seed.created")).toHaveLength(1);
      const asked = events(db, "interview.question.asked");
      expect(asked.map((e) => e.data.question)).toEqual([CHILD_QUESTION]);
      expect(asked[0]!.data.interview_id).toBe(envelope.session_id);
    } finally {
      ce.cleanup();
    }
  }, 200_000);
});
