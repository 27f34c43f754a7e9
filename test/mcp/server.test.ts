/**
 * `ouroboros mcp serve` driven by the MCP SDK client over stdio: tool list, every tool with good
 * and bad input, resources, cancellation semantics and jobs derived from the event log.
 */
import { Database } from "bun:sqlite";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { copyFileSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type EventType, type PayloadWithout, withFilled } from "../../src/events/catalogue.ts";
import { newEvent } from "../../src/events/envelope.ts";
import { EventStore } from "../../src/events/store.ts";
import { ROOT, runCli, tempHome } from "../lib/cli.ts";
import { recordSession } from "../lib/session-fixture.ts";
import { connect, type Connected } from "./client.ts";
import { within } from "../lib/timing.ts";

const SEED = join(ROOT, "examples/hello-cli.yaml");
const TOOLS = [
  "ouroboros_interview",
  "ouroboros_generate_seed",
  "ouroboros_start_auto",
  "ouroboros_auto",
  "ouroboros_auto_status",
  "ouroboros_validate_seed",
  "ouroboros_execute_seed",
  "ouroboros_start_execute_seed",
  "ouroboros_cancel_execution",
  "ouroboros_job_status",
  "ouroboros_job_wait",
  "ouroboros_job_result",
  "ouroboros_cancel_job",
  "ouroboros_session_status",
  "ouroboros_query_events",
  "ouroboros_ac_tree_hud",
  "ouroboros_ac_dashboard",
  "ouroboros_evaluate",
  "ouroboros_start_evaluate",
  "ouroboros_lineage_status",
];

let home: string;
let c: Connected;
let done: ReturnType<typeof recordSession>;
let live: ReturnType<typeof recordSession>;
let live2: ReturnType<typeof recordSession>;

beforeAll(async () => {
  home = tempHome("ouro-mcp-");
  const db = join(home, "ouroboros.db");
  done = recordSession(db, { sessionId: "orch_00000000d0e1", finished: true, goal: "A finished session" });
  live = recordSession(db, { sessionId: "orch_00000000a11e", finished: false, goal: "An orphaned running session" });
  live2 = recordSession(db, { sessionId: "orch_00000000a11f", finished: false });
  // A second generation that stagnates, as the secondary loop records it.
  const store = EventStore.open(db);
  if (!store.ok) throw new Error(store.error.message);
  const ac = live2.acIds[0]!;
  const lin = <T extends EventType>(type: T, data: PayloadWithout<T, "session_id">) =>
    newEvent({
      type,
      aggregate_type: "lineage",
      aggregate_id: live2.sessionId,
      data: withFilled<T, "session_id">({ session_id: live2.sessionId }, data),
    });
  const appended = store.value.appendBatch([
    lin("lineage.generation.started", { generation: 1, failing: [ac] }),
    lin("execution.ac.refined", { ac_id: ac, generation: 1, description: "clearer wording" }),
    lin("lineage.generation.completed", { generation: 1, results: { [ac]: "failed" }, similarity: 0 }),
    lin("lineage.generation.started", { generation: 2, failing: [ac] }),
    lin("lineage.generation.completed", { generation: 2, results: { [ac]: "failed" }, similarity: 0.97 }),
    lin("lineage.stagnated", { generation: 2, similarity: 0.97 }),
  ]);
  if (!appended.ok) throw new Error(appended.error.message);
  store.value.close();
  mkdirSync(join(home, "seeds"));
  copyFileSync(SEED, join(home, "seeds", "hello.yaml"));
  c = await connect(home);
});
afterAll(async () => c?.close());

describe("handshake and tool list", () => {
  test("initialize names the server and its version", async () => {
    // The version the same executable's --version prints; a built binary carries package.json's
    // (embedded by scripts/build.ts), a run from source says 0.0.0-dev.
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
    const printed = (await runCli(["--version"])).stdout.split(" ")[1]!;
    expect(printed).toBe(process.env.OUROBOROS_TEST_BIN ? pkg.version : "0.0.0-dev");
    expect(c.client.getServerVersion()).toEqual({ name: "ouroboros-mcp", version: printed });
    expect(c.client.getServerCapabilities()).toMatchObject({ tools: {}, resources: {} });
  });

  test("lists the tools with JSON Schemas derived from their valibot schemas", async () => {
    const { tools } = await c.client.listTools();
    // Other tool groups (interview, auto) register in the same list; these are this file's.
    for (const name of TOOLS) expect(tools.map((t) => t.name)).toContain(name);
    expect(new Set(tools.map((t) => t.name)).size).toBe(tools.length);
    for (const t of tools) {
      expect(t.inputSchema.type).toBe("object");
      expect(t.description!.length).toBeGreaterThan(20);
      if (TOOLS.includes(t.name))
        expect((t.inputSchema as { additionalProperties?: boolean }).additionalProperties).toBe(false);
    }
    const wait = tools.find((t) => t.name === "ouroboros_job_wait")!.inputSchema as any;
    expect(wait.required).toEqual(["job_id"]);
    expect(wait.properties.timeout_seconds).toMatchObject({ type: "number", minimum: 0, maximum: 5, default: 5 });
    const q = tools.find((t) => t.name === "ouroboros_query_events")!.inputSchema as any;
    expect(q.properties.limit).toMatchObject({ type: "integer", default: 50, minimum: 1 });
  });
});

describe("bad input is an isError result with one clear line", () => {
  test("an unknown parameter is named, for every tool", async () => {
    for (const name of TOOLS) {
      const r = await c.call(name, { bogus: 1 });
      expect(r.isError).toBe(true);
      expect(r.text).toContain(`${name}: unknown parameter 'bogus'`);
      expect(r.text.split("\n")).toHaveLength(1);
    }
  });

  test("missing, mistyped and out-of-range parameters name the field", async () => {
    expect((await c.call("ouroboros_job_status", {})).text).toBe(
      "ouroboros_job_status: missing required parameter 'job_id'",
    );
    const limit = await c.call("ouroboros_query_events", { limit: "ten" });
    expect(limit.isError).toBe(true);
    expect(limit.text).toMatch(/^ouroboros_query_events: parameter 'limit': Expected number but received "ten"$/);
    const wait = await c.call("ouroboros_job_wait", { job_id: "job_orch_1", timeout_seconds: 60 });
    expect(wait.text).toMatch(/parameter 'timeout_seconds': Expected <=5 but received 60/);
    expect((await c.call("ouroboros_session_status", { session_id: "" })).text).toContain(
      "parameter 'session_id': must not be empty",
    );
    expect((await c.call("ouroboros_job_status", { job_id: "not a job" })).text).toContain("is not a job id");
  });

  test("an unknown tool points at tools/list and mcp doctor", async () => {
    const r = await c.call("ouroboros_interviewz", {});
    expect(r.isError).toBe(true);
    expect(r.text).toContain("ouroboros mcp doctor");
  });
});

describe("seed validation", () => {
  test("a valid seed file", async () => {
    const r = await c.call("ouroboros_validate_seed", { seed_path: SEED });
    expect(r.isError).toBe(false);
    expect(r.json).toMatchObject({ valid: true, seed_id: "seed_0a1b2c3d4e5f", acceptance_criteria: 2, errors: [] });
  });

  test("an invalid seed text reports line and field", async () => {
    const r = await c.call("ouroboros_validate_seed", { seed_content: "goal: x\nacceptance_criteria: 5\n" });
    expect(r.isError).toBe(false);
    expect(r.json.valid).toBe(false);
    expect(r.json.errors.some((e: string) => /^seed_content:2:\d+ +acceptance_criteria /.test(e))).toBe(true);
  });

  test("neither or both sources is an error", async () => {
    expect((await c.call("ouroboros_validate_seed", {})).isError).toBe(true);
    const both = await c.call("ouroboros_validate_seed", { seed_path: SEED, seed_content: "goal: x" });
    expect(both.text).toContain("exactly one of 'seed_content' or 'seed_path'");
    const missing = await c.call("ouroboros_validate_seed", { seed_path: "/nonexistent/seed.yaml" });
    expect(missing.json.valid).toBe(false);
  });
});

describe("status tools over recorded sessions", () => {
  test("session status by prefix: phase, progress, ACs, errors", async () => {
    const r = await c.call("ouroboros_session_status", { session_id: "orch_00000000d0" });
    expect(r.isError).toBe(false);
    expect(r.json).toMatchObject({
      session_id: done.sessionId,
      status: "completed",
      done: true,
      goal: "A finished session",
    });
    expect(r.json.acs.length).toBe(done.acIds.length);
    expect(r.json.progress.acs_total).toBeGreaterThan(0);
    expect(r.json.errors.length).toBeGreaterThan(0); // the fixture has a failed AC attempt
    expect((await c.call("ouroboros_session_status", { session_id: "orch_nope" })).text).toContain(
      "no session 'orch_nope'",
    );
  });

  test("query_events filters by session and type (exact or glob) and pages", async () => {
    const all = await c.call("ouroboros_query_events", { session_id: done.sessionId, limit: 500 });
    expect(all.json.total).toBe(done.count);
    expect(all.json.events.map((e: any) => e.seq)).toEqual(
      [...all.json.events.map((e: any) => e.seq)].sort((a: number, b: number) => a - b),
    );
    const page = await c.call("ouroboros_query_events", { session_id: done.sessionId, limit: 3, offset: 2 });
    expect(page.json.events.map((e: any) => e.seq)).toEqual(all.json.events.slice(2, 5).map((e: any) => e.seq));
    const exact = await c.call("ouroboros_query_events", {
      session_id: done.sessionId,
      event_type: "orchestrator.session.started",
    });
    expect(exact.json.events).toHaveLength(1);
    const glob = await c.call("ouroboros_query_events", { event_type: "orchestrator.session.*", limit: 500 });
    expect(glob.json.events.every((e: any) => e.type.startsWith("orchestrator.session."))).toBe(true);
    expect(new Set(glob.json.events.map((e: any) => e.session_id)).size).toBe(3);
    expect((await c.call("ouroboros_query_events", {})).json.events).toHaveLength(50);
  });

  test("AC tree and dashboard are markdown from the projection", async () => {
    const tree = await c.call("ouroboros_ac_tree_hud", { session_id: done.sessionId });
    expect(tree.isError).toBe(false);
    expect(tree.text).toStartWith("### A finished session");
    for (const id of done.acIds) expect(tree.text).toContain(`**${id}**`);
    expect(tree.text).toMatch(/\n {2}- /); // children indented under their parent
    const dash = await c.call("ouroboros_ac_dashboard", { session_id: done.sessionId });
    expect(dash.text).toContain("| AC | description | status | judged attempts |");
    expect(dash.text.split("\n").filter((l) => l.startsWith("| ") && !l.startsWith("| AC"))).toHaveLength(
      done.acIds.length,
    );
  });
});

describe("lineage status", () => {
  test("generations, refined wording and how the lineage ended, from the session's events", async () => {
    const r = await c.call("ouroboros_lineage_status", { lineage_id: live2.sessionId });
    expect(r.json).toMatchObject({
      lineage_id: live2.sessionId,
      status: "stagnated",
      generations_run: 2,
      current_generation: 2,
    });
    expect(r.json.generations[0]).toMatchObject({
      generation: 1,
      status: "completed",
      failing: [live2.acIds[0]],
      refined: [{ ac_id: live2.acIds[0], description: "clearer wording" }],
    });
    expect(r.json.generations[1].similarity).toBe(0.97);
    expect((await c.call("ouroboros_lineage_status", { lineage_id: done.sessionId })).json).toMatchObject({
      status: "not_started",
      generations_run: 0,
    });
    expect((await c.call("ouroboros_lineage_status", {})).text).toBe(
      "ouroboros_lineage_status: missing required parameter 'lineage_id'",
    );
  });
});

describe("cancellation and jobs derived from the log", () => {
  test("cancel_execution: an orphaned running session is cancelled directly; an ended one is left alone", async () => {
    const r = await c.call("ouroboros_cancel_execution", { execution_id: live.executionId, reason: "test stop" });
    expect(r.json).toMatchObject({ session_id: live.sessionId, action: "cancelled", status: "cancelled" });
    const db = new Database(join(home, "ouroboros.db"), { readonly: true });
    const ev = db
      .query("SELECT payload FROM events WHERE session_id = ? AND event_type = 'orchestrator.session.cancelled'")
      .all(live.sessionId) as { payload: string }[];
    db.close();
    expect(ev.map((e) => JSON.parse(e.payload).reason)).toEqual(["test stop"]);
    expect((await c.call("ouroboros_cancel_execution", { execution_id: live.executionId })).json.action).toBe(
      "already_ended",
    );
    expect((await c.call("ouroboros_cancel_execution", { execution_id: "exec_nope" })).isError).toBe(true);
  });

  test("job tools answer for any session's job id from the events alone", async () => {
    const st = await c.call("ouroboros_job_status", { job_id: `job_${live2.sessionId}` });
    // Running in the log but nobody drives it: resumable, reported as interrupted.
    expect(st.json).toMatchObject({ job_id: `job_${live2.sessionId}`, status: "interrupted", done: true, owner: null });
    const res = await c.call("ouroboros_job_result", { job_id: `job_${done.sessionId}` });
    expect(res.json).toMatchObject({ status: "completed", session_id: done.sessionId });
    expect(res.json.summary).toContain("ACs passed");
    const t0 = Date.now();
    const w = await c.call("ouroboros_job_wait", { job_id: `job_${done.sessionId}`, cursor: 0, timeout_seconds: 5 });
    expect(Date.now() - t0).toBeLessThan(within(2000)); // a finished job does not wait
    expect(w.json.events.length).toBe(Math.min(100, done.count));
    const w2 = await c.call("ouroboros_job_wait", {
      job_id: `job_${done.sessionId}`,
      cursor: w.json.cursor,
      timeout_seconds: 1,
    });
    expect(w2.json.cursor).toBeGreaterThan(w.json.cursor);
    const cancel = await c.call("ouroboros_cancel_job", { job_id: `job_${live2.sessionId}` });
    expect(cancel.json.action).toBe("cancelled");
    expect((await c.call("ouroboros_job_status", { job_id: `job_${live2.sessionId}` })).json.status).toBe("cancelled");
    expect((await c.call("ouroboros_job_result", { job_id: "job_orch_missing" })).text).toContain(
      "no job 'job_orch_missing'",
    );
  });
});

describe("execution tools refuse bad runs before starting anything", () => {
  test("an invalid inline seed names the problem", async () => {
    const r = await c.call("ouroboros_start_execute_seed", { seed_content: "goal: x\n" });
    expect(r.isError).toBe(true);
    expect(r.text).toMatch(/^\d+ problem\(s\) in seed_content: seed_content:/);
  });

  test("an unknown runtime, two seed sources, an ended session", async () => {
    expect(
      (await c.call("ouroboros_start_execute_seed", { seed_path: SEED, runtime: "nope", cwd: home })).text,
    ).toContain("unknown runtime 'nope'");
    expect((await c.call("ouroboros_execute_seed", { seed_path: SEED, seed_content: "x" })).text).toContain(
      "exactly one of",
    );
    expect((await c.call("ouroboros_start_execute_seed", { session_id: done.sessionId })).text).toContain(
      "already ended",
    );
  });

  test("evaluate: missing artefact, unknown session, a session without a recorded seed", async () => {
    expect((await c.call("ouroboros_evaluate", { session_id: done.sessionId })).text).toBe(
      "ouroboros_evaluate: missing required parameter 'artifact'",
    );
    expect((await c.call("ouroboros_start_evaluate", { session_id: "orch_nope", artifact: "x" })).text).toContain(
      "no session 'orch_nope'",
    );
    const noSeed = await c.call("ouroboros_evaluate", { session_id: done.sessionId, artifact: "x" });
    expect(noSeed.isError).toBe(true);
    expect(noSeed.text).toContain("has no recorded seed; pass seed_content");
    const badSeed = await c.call("ouroboros_evaluate", {
      session_id: done.sessionId,
      artifact: "x",
      seed_content: "goal: 1\n",
    });
    expect(badSeed.text).toMatch(/^seed_content is not a valid seed: seed_content:\d+:\d+/);
  });

  test("--workspace-root confines where seeds run", async () => {
    const other = await connect(home, { args: ["--workspace-root", join(home, "seeds")] });
    try {
      const r = await other.call("ouroboros_start_execute_seed", { seed_path: SEED, cwd: ROOT, runtime: "codex" });
      expect(r.isError).toBe(true);
      expect(r.text).toContain("outside the allowed workspace roots");
    } finally {
      await other.close();
    }
  });
});

describe("resources", () => {
  const read = async (uri: string) =>
    JSON.parse(((await c.client.readResource({ uri })).contents[0] as { text: string }).text);

  test("list and templates", async () => {
    expect((await c.client.listResources()).resources.map((r) => r.uri)).toEqual([
      "ouroboros://seeds",
      "ouroboros://sessions",
      "ouroboros://sessions/current",
      "ouroboros://events",
    ]);
    expect((await c.client.listResourceTemplates()).resourceTemplates.map((r) => r.uriTemplate)).toEqual([
      "ouroboros://seeds/{seed_id}",
      "ouroboros://sessions/{session_id}",
      "ouroboros://events/{session_id}",
    ]);
  });

  test("seeds, sessions and events read as JSON", async () => {
    const seeds = await read("ouroboros://seeds");
    expect(seeds).toMatchObject({ count: 1, seeds: [{ seed_id: "seed_0a1b2c3d4e5f", valid: true }] });
    expect((await read("ouroboros://seeds/seed_0a1b2c3d4e5f")).seed.goal).toBe(
      "Build a tiny command-line greeter in Python",
    );
    expect((await read("ouroboros://seeds/hello")).seed_id).toBe("seed_0a1b2c3d4e5f");
    const sessions = await read("ouroboros://sessions");
    expect(sessions.count).toBe(3);
    expect((await read(`ouroboros://sessions/${done.sessionId}`)).acs.length).toBe(done.acIds.length);
    expect((await read("ouroboros://sessions/current")).session_id).toBeString();
    const events = await read("ouroboros://events");
    expect(events.events).toHaveLength(100);
    expect(events.events.at(-1).seq).toBe(events.total);
    expect((await read(`ouroboros://events/${done.sessionId}`)).events).toHaveLength(done.count);
  });

  test("an unknown resource or id is a protocol error naming it", async () => {
    await expect(c.client.readResource({ uri: "ouroboros://nope" })).rejects.toThrow(
      /unknown resource 'ouroboros:\/\/nope'/,
    );
    await expect(c.client.readResource({ uri: "ouroboros://sessions/orch_none" })).rejects.toThrow(
      /no session 'orch_none'/,
    );
    await expect(c.client.readResource({ uri: "ouroboros://seeds/none" })).rejects.toThrow(/no seed 'none'/);
  });
});
