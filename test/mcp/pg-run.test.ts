/**
 * MCP runs on a PostgreSQL database shared by two "machines" (own OUROBOROS_HOME and
 * OUROBOROS_HOSTNAME each, the built binary, Codex against the scripted loopback model): a seed
 * started through A's `mcp serve` completes and is seen complete from B's CLI and B's server; a
 * `run workflow` live on A shows on B's server as running, owned by machine-a, and B's
 * cancel_execution stops it. Ownership without a run: a local lock on B, a lease of another host,
 * a lease of a dead process of B's own host. Neither home ever gets a SQLite file.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../lib/cli.ts";
import { cliOn, codexInstalled, machine, type Machine, noLocalDb, spawnOn, temp, until } from "../lib/machines.ts";
import { startMockModel, type MockModel } from "../lib/mock-model/index.ts";
import { pipelineScript } from "../lib/pipeline-script.ts";
import { pgStoreForFile } from "../lib/postgres.ts";
import { sessionEvents } from "../lib/session-fixture.ts";
import { within } from "../lib/timing.ts";
import { connect, type Connected } from "./client.ts";

const RUN_MS = within(150_000);
setDefaultTimeout(2 * RUN_MS);

const SEED = join(ROOT, "examples/hello-cli.yaml");
const shared = pgStoreForFile();
let mock: MockModel;
let a: Machine;
let b: Machine;
/** B's MCP server, connected once for the whole file. */
let onB: Connected;

beforeAll(async () => {
  mock = await startMockModel({ script: pipelineScript });
  a = machine("a", shared.url, mock.url);
  b = machine("b", shared.url, mock.url);
  onB = await connect(b.home, { env: b.env });
}, 120_000);
afterAll(async () => {
  await onB?.close();
  await mock?.stop();
});

async function sessionAfter(afterSeq: number): Promise<string | null> {
  const rows = await shared.store.queryEvents({ afterSeq, typeGlob: "orchestrator.session.started" });
  return rows.at(-1)?.session_id ?? null;
}
const lastEvent = async (id: string) => (await shared.store.queryEvents({ session: id })).at(-1)!;
const hasEvent = async (id: string, type: string) =>
  (await shared.store.queryEvents({ session: id })).some((e) => e.event_type === type);

async function ok(c: Connected, name: string, args: Record<string, unknown>) {
  const r = await c.call(name, args);
  expect(r.isError, `${r.text}\n${c.stderr()}`).toBe(false);
  return r.json;
}

/** A's server runs a job; the caller follows it with job_wait until done. */
async function followToEnd(c: Connected, jobId: string) {
  let cursor = 0;
  const t0 = Date.now();
  for (;;) {
    const w = await ok(c, "ouroboros_job_wait", { job_id: jobId, cursor, timeout_seconds: 5 });
    cursor = w.cursor;
    if (w.done && !w.more) return w;
    if (Date.now() - t0 > RUN_MS) throw new Error(`job ${jobId} not done: ${JSON.stringify(w).slice(0, 400)}`);
  }
}

describe.skipIf(!codexInstalled)("MCP runs on a shared PostgreSQL database", () => {
  test("A's server runs a seed; B's CLI and B's server see it completed", async () => {
    const onA = await connect(a.home, { env: a.env, args: ["--runtime", "codex"] });
    try {
      const project = temp("pg-mcp-proj-");
      const start = await ok(onA, "ouroboros_start_execute_seed", { seed_path: SEED, cwd: project });
      expect(start).toMatchObject({ status: "running", runtime: "codex" });
      const id = start.session_id as string;
      const end = await followToEnd(onA, start.job_id);
      expect(end).toMatchObject({ status: "completed", done: true });
      expect(await lastEvent(id)).toMatchObject({ event_type: "orchestrator.session.completed" });

      const st = await cliOn(b, ["status", id, "--json"]);
      expect(st.code, st.stderr).toBe(0);
      const view = JSON.parse(st.stdout);
      expect(view.session.status).toBe("completed");
      expect(view.acs.filter((x: { status: string }) => x.status === "passed")).toHaveLength(2);
      const ev = await cliOn(b, ["events", id, "--json"]);
      expect(ev.code, ev.stderr).toBe(0);
      const lines = ev.stdout
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l));
      expect(lines.length).toBe((await shared.store.queryEvents({ session: id })).length);
      expect(lines.at(-1)).toMatchObject({ type: "orchestrator.session.completed", session_id: id });

      expect(await ok(onB, "ouroboros_session_status", { session_id: id })).toMatchObject({
        session_id: id,
        status: "completed",
        done: true,
        progress: { acs_passed: 2 },
      });
      expect(await ok(onB, "ouroboros_job_status", { job_id: start.job_id })).toMatchObject({
        status: "completed",
        done: true,
        owner: null,
      });
      // The run released its lease: nobody owns the finished session.
      expect(await shared.store.leaseHolder(id)).toBeNull();
    } finally {
      await onA.close();
    }
    noLocalDb(a, b);
  });

  test("a run live on A is running and owned by machine-a on B's server; B's cancel_execution stops it", async () => {
    // The model stalls on the develop step: A's run is certainly live while B looks at it.
    mock.setScript((req) => (req.lastUserText.includes("[ouroboros:develop]") ? { stall: true } : pipelineScript(req)));
    try {
      const project = temp("pg-mcp-proj-");
      const from = await shared.store.tailSeq();
      const pa = spawnOn(a, ["run", "workflow", SEED, "--runtime", "codex", "--project-dir", project, "--json"]);
      const id = await until(() => sessionAfter(from));
      await until(() => hasEvent(id, "execution.ac.attempt.dispatched"));
      const owner = `machine-a pid ${pa.pid}`;

      const job = await ok(onB, "ouroboros_job_status", { job_id: `job_${id}` });
      expect(job).toMatchObject({ status: "running", done: false, owner });
      // job_wait on B answers with the same view (and does not call the run done).
      const w = await ok(onB, "ouroboros_job_wait", { job_id: `job_${id}`, cursor: 0, timeout_seconds: 0 });
      expect(w).toMatchObject({ status: "running", done: false, owner });
      expect(await ok(onB, "ouroboros_session_status", { session_id: id })).toMatchObject({ status: "running" });
      const early = await onB.call("ouroboros_job_result", { job_id: `job_${id}` });
      expect([early.isError, early.text]).toEqual([true, expect.stringContaining("still running")]);

      const execution = (await shared.store.findSession(id))!.execution_id;
      const cancel = await ok(onB, "ouroboros_cancel_execution", { execution_id: execution, reason: "stopped from B" });
      expect(cancel).toMatchObject({ action: "requested", owner: { host: "machine-a", pid: pa.pid } });
      const [out, code] = await Promise.all([new Response(pa.stdout).text(), pa.exited]);
      expect(code).not.toBe(0);
      expect(JSON.parse(out).status).toBe("cancelled");

      const rows = await shared.store.queryEvents({ session: id });
      const asked = rows.find((r) => r.event_type === "orchestrator.session.cancel_requested")!;
      expect(JSON.parse(asked.payload).requested_by).toMatch(/^machine-b pid \d+ \(mcp server\)$/);
      expect(rows.at(-1)).toMatchObject({ event_type: "orchestrator.session.cancelled" });
      expect(JSON.parse(rows.at(-1)!.payload).reason).toBe("stopped from B");
      expect(await ok(onB, "ouroboros_job_status", { job_id: `job_${id}` })).toMatchObject({
        status: "cancelled",
        done: true,
        owner: null,
      });
      expect(await shared.store.leaseHolder(id)).toBeNull();
    } finally {
      mock.setScript(pipelineScript);
    }
    noLocalDb(a, b);
  });
});

describe("who owns a running session, seen from B", () => {
  /** A running session in the shared database that no process drives. */
  async function liveSession() {
    const f = sessionEvents({ finished: false });
    const r = await shared.store.appendBatch(f.events);
    if (!r.ok) throw new Error(r.error.message);
    return f;
  }
  const jobStatus = (id: string) => ok(onB, "ouroboros_job_status", { job_id: `job_${id}` });

  test("another host's lease: running, owned by that host (its pid is not looked up here)", async () => {
    const f = await liveSession();
    expect(await jobStatus(f.sessionId)).toMatchObject({ status: "interrupted", owner: null });
    // A pid that does not exist on this machine: B cannot and must not judge machine-a's processes.
    const grant = await shared.store.acquireLease(
      f.sessionId,
      { host: "machine-a", pid: 999_999, projectDir: null },
      60_000,
    );
    expect(grant.ok).toBe(true);
    expect(await jobStatus(f.sessionId)).toMatchObject({
      status: "running",
      done: false,
      owner: "machine-a pid 999999",
    });
    // A lease of B's own host whose process is gone drives nothing.
    await shared.store.releaseLease(f.sessionId, { host: "machine-a", pid: 999_999, projectDir: null });
    await shared.store.acquireLease(f.sessionId, { host: "machine-b", pid: 999_999, projectDir: null }, 60_000);
    expect(await jobStatus(f.sessionId)).toMatchObject({ status: "interrupted", done: true, owner: null });
    const c = await cliOn(b, ["cancel", f.sessionId, "--json"]);
    expect(c.code, c.stderr).toBe(0);
    expect(JSON.parse(c.stdout)).toMatchObject({ action: "cancelled" });
  });

  test("a local lock on B: running, owned by machine-b; the CLI's cancel names machine-b", async () => {
    const f = await liveSession();
    const holder = Bun.spawn(["sleep", "60"]);
    try {
      mkdirSync(join(b.home, "locks"), { recursive: true });
      writeFileSync(join(b.home, "locks", f.sessionId), `${holder.pid}:${Date.now()}`);
      expect(await jobStatus(f.sessionId)).toMatchObject({ status: "running", owner: `machine-b pid ${holder.pid}` });
      const c = await cliOn(b, ["cancel", f.sessionId, "--reason", "from the CLI", "--json"]);
      expect(c.code, c.stderr).toBe(0);
      expect(JSON.parse(c.stdout)).toMatchObject({
        action: "requested",
        owner: { host: "machine-b", pid: holder.pid },
      });
      const asked = await lastEvent(f.sessionId);
      expect(asked.event_type).toBe("orchestrator.session.cancel_requested");
      expect(JSON.parse(asked.payload).requested_by).toMatch(/^machine-b pid \d+$/);
    } finally {
      holder.kill();
      await holder.exited;
    }
    // The lock's process is gone and there is no lease: nobody will finish it.
    expect(await jobStatus(f.sessionId)).toMatchObject({ status: "interrupted", done: true, owner: null });
    noLocalDb(a, b);
  });
});
