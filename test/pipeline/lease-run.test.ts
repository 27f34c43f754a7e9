/**
 * The pipeline's writer and ownership on an EventBackend, in process with the scripted agent:
 * appends queued in call order (PostgreSQL), the lease TTL config key, OUROBOROS_HOSTNAME, a lost
 * lease stopping the run without a terminal event, and the project check on a takeover.
 */
import { describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../src/config/load.ts";
import { defaultConfig } from "../../src/config/schema.ts";
import type { EventBackend } from "../../src/events/backend.ts";
import type { StoredEvent } from "../../src/events/envelope.ts";
import { gitHead } from "../../src/events/lease-project.ts";
import { leaseHost } from "../../src/events/lease.ts";
import { emptyState } from "../../src/events/session-state.ts";
import { SqliteBackend } from "../../src/events/sqlite-backend.ts";
import { runPipeline, type RunOptions } from "../../src/pipeline/run.ts";
import { SessionLog } from "../../src/pipeline/session.ts";
import { parseSeedText } from "../../src/seed/load.ts";
import { pgStoreForFile } from "../lib/postgres.ts";
import { SCRIPTED_SEED } from "../lib/scripted-run.ts";
import { ScriptedAgent } from "../lib/scripted-agent.ts";

const pg = pgStoreForFile();
const temp = (p: string) => mkdtempSync(join(tmpdir(), p));

function sqlite(): SqliteBackend {
  const home = temp("lease-run-");
  process.env.OUROBOROS_HOME = home;
  const b = SqliteBackend.open(join(home, "ouroboros.db"));
  if (!b.ok) throw new Error(b.error.message);
  return b.value;
}

const seed = () => parseSeedText("seed.yaml", SCRIPTED_SEED).seed!;

function options(backend: EventBackend, extra: Partial<RunOptions> = {}): RunOptions {
  return {
    backend,
    agent: new ScriptedAgent({ delayMs: 20 }),
    runtime: "scripted",
    config: defaultConfig(),
    seed: seed(),
    projectDir: temp("lease-run-proj-"),
    parallel: 2,
    maxDepth: 0,
    ...extra,
  };
}

describe("SessionLog on an EventBackend", () => {
  test("parallel emits are committed, applied and heard in call order (PostgreSQL)", async () => {
    const log = new SessionLog(pg.store, emptyState("orch_queue_order"));
    log.state.executionId = "exec_queue_order";
    const heard: number[] = [];
    log.listeners.push((e: StoredEvent) => heard.push(Number(e.data.attempt)));
    // Listeners fire after the commit: the event is already in the database when heard.
    const visible: Promise<boolean>[] = [];
    log.listeners.push((e) => {
      visible.push(pg.store.queryEvents({ session: log.sessionId }).then((rows) => rows.some((r) => r.id === e.id)));
    });
    const n = 40;
    const stored = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        log.emit("execution.ac.status_changed", { ac_id: `ac_${i % 3}`, status: "executing", attempt: i }),
      ),
    );
    const rows = await pg.store.queryEvents({ session: log.sessionId });
    expect(rows.map((r) => JSON.parse(r.payload).attempt)).toEqual(Array.from({ length: n }, (_, i) => i));
    expect(stored.map((e) => Number(e!.data.attempt))).toEqual(heard);
    expect(heard).toEqual(Array.from({ length: n }, (_, i) => i));
    expect(log.state.lastSeq).toBe(rows.at(-1)!.seq);
    await log.flush();
    expect(await Promise.all(visible)).toEqual(Array.from({ length: n }, () => true));
  });

  test("a queued write that fails is not lost: the next emit and flush reject with it", async () => {
    const log = new SessionLog(pg.store, emptyState("orch_queue_fail"));
    // A payload the catalogue refuses, posted from a callback that cannot wait.
    log.post("execution.ac.heartbeat", { ac_id: 7 } as never);
    await expect(
      log.emit("execution.ac.status_changed", { ac_id: "ac_1", status: "executing", attempt: 1 }),
    ).rejects.toThrow(/event log write failed \(execution\.ac\.heartbeat\)/);
    await expect(log.flush()).rejects.toThrow(/heartbeat/);
    expect(await pg.store.queryEvents({ session: "orch_queue_fail" })).toEqual([]);
  });

  test("a backend that throws (a dropped connection) fails the queue the same way", async () => {
    const dropped = new Proxy(pg.store, {
      get: (t, k) => (k === "append" ? () => Promise.reject(new Error("connection terminated")) : Reflect.get(t, k, t)),
    }) as typeof pg.store;
    const log = new SessionLog(dropped, emptyState("orch_queue_dropped"));
    log.post("execution.ac.status_changed", { ac_id: "ac_1", status: "executing", attempt: 1 });
    await expect(
      log.emit("execution.ac.status_changed", { ac_id: "ac_1", status: "passed", attempt: 1 }),
    ).rejects.toThrow(/event log write failed \(execution\.ac\.status_changed\): connection terminated/);
    await expect(log.flush()).rejects.toThrow(/connection terminated/);
  });

  test("a whole run on PostgreSQL: started carries base_commit (null outside git), the lease is released", async () => {
    const o = options(pg.store);
    const r = await runPipeline(o);
    expect(r.ok && r.value.status).toBe("completed");
    const id = r.ok ? r.value.sessionId : "";
    expect((await pg.store.sessionStart(id))?.project_dir).toBe(o.projectDir);
    const started = (await pg.store.queryEvents({ session: id, typeGlob: "orchestrator.session.started" }))[0]!;
    expect(JSON.parse(started.payload).base_commit).toBeNull();
    expect(gitHead(o.projectDir)).toBeNull();
    expect(await pg.store.leaseHolder(id)).toBeNull();
  });
});

describe("the run's lease", () => {
  test("orchestrator.lease_ttl_seconds sets the lease's length (config and its env override)", async () => {
    const fromEnv = loadConfig({ OUROBOROS_LEASE_TTL_SECONDS: "7" }, join(temp("cfg-"), "missing.yaml"));
    expect(fromEnv.ok && fromEnv.value.config.orchestrator.lease_ttl_seconds).toBe(7);
    expect(fromEnv.ok && fromEnv.value.sources["orchestrator.lease_ttl_seconds"]).toBe(
      "env:OUROBOROS_LEASE_TTL_SECONDS",
    );
    expect(defaultConfig().orchestrator.lease_ttl_seconds).toBe(30);
    const lengths = async (ttl: number) => {
      const backend = sqlite();
      const config = defaultConfig();
      config.orchestrator.lease_ttl_seconds = ttl;
      const seen: { length?: Promise<number | null> } = {};
      const r = await runPipeline(
        options(backend, {
          config,
          onEvent: (e) => {
            if (!seen.length && e.type === "execution.ac.attempt.dispatched")
              seen.length = backend.leaseHolder(e.session_id!).then((h) => (h ? h.expiresAt - h.heartbeatAt : null));
          },
        }),
      );
      expect(r.ok && r.value.status).toBe("completed");
      await backend.close();
      return (await seen.length) ?? null;
    };
    expect(await lengths(7)).toBe(7000);
    expect(await lengths(45)).toBe(45_000);
  });

  test("OUROBOROS_HOSTNAME names the lease's host (default: the system hostname)", async () => {
    expect(leaseHost({ OUROBOROS_HOSTNAME: "box-7" })).toBe("box-7");
    expect(leaseHost({ OUROBOROS_HOSTNAME: "  " })).toBe((await import("node:os")).hostname());
    const backend = sqlite();
    const prev = process.env.OUROBOROS_HOSTNAME;
    process.env.OUROBOROS_HOSTNAME = "machine-x";
    try {
      const seen: { host?: Promise<string | null> } = {};
      const r = await runPipeline(
        options(backend, {
          onEvent: (e) => {
            if (!seen.host && e.type === "execution.ac.attempt.dispatched")
              seen.host = backend.leaseHolder(e.session_id!).then((h) => h?.host ?? null);
          },
        }),
      );
      expect(r.ok).toBe(true);
      expect(await seen.host).toBe("machine-x");
    } finally {
      if (prev === undefined) delete process.env.OUROBOROS_HOSTNAME;
      else process.env.OUROBOROS_HOSTNAME = prev;
      await backend.close();
    }
  });

  test("a live lease held by another host refuses the run, naming its host and pid", async () => {
    const backend = sqlite();
    const first = await runPipeline(options(backend, { interrupt: AbortSignal.abort() }));
    expect(first.ok && first.value.status).toBe("interrupted");
    const id = first.ok ? first.value.sessionId : "";
    const other = { host: "machine-other", pid: 4242, projectDir: null };
    expect((await backend.acquireLease(id, other, 60_000)).ok).toBe(true);
    const r = await runPipeline(options(backend, { seed: undefined, resumeSessionId: id }));
    expect(!r.ok && r.error.message).toContain("owned by machine-other pid 4242");
    await backend.close();
  });

  test("a lost lease stops the run at once, without a terminal event", async () => {
    const backend = sqlite();
    const config = defaultConfig();
    config.orchestrator.lease_ttl_seconds = 1;
    let stolen = false;
    const r = await runPipeline(
      options(backend, {
        config,
        agent: new ScriptedAgent({ delayMs: 150 }),
        onEvent: (e) => {
          if (stolen || e.type !== "execution.ac.attempt.dispatched") return;
          stolen = true;
          // Another process takes the session over (as after judging this one gone).
          void backend.acquireLease(e.session_id!, { host: "machine-thief", pid: 1, projectDir: null }, 60_000, {
            host: leaseHost(),
            pid: process.pid,
          });
        },
      }),
    );
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.message).toContain("lease on session");
    const id = (await backend.listSessions())[0]!.session_id;
    const types = (await backend.queryEvents({ session: id })).map((e) => e.event_type);
    expect(types).toContain("orchestrator.session.lease_taken_over");
    const after = types.slice(types.indexOf("orchestrator.session.lease_taken_over"));
    expect(after.filter((t) => /^orchestrator\.session\.(completed|failed|cancelled|paused)$/.test(t))).toEqual([]);
    expect((await backend.leaseHolder(id))?.host).toBe("machine-thief");
    await backend.close();
  });

  test("a takeover from another host checks the project: the recorded directory must exist, or --project-dir at the base commit", async () => {
    const backend = sqlite();
    const git = (dir: string, ...args: string[]) =>
      Bun.spawnSync(["git", "-c", "user.name=t", "-c", "user.email=t@t", ...args], { cwd: dir });
    const repo = () => {
      const dir = temp("lease-run-git-");
      writeFileSync(join(dir, "README.md"), "x\n");
      git(dir, "init", "-q");
      git(dir, "add", ".");
      git(dir, "commit", "-qm", "base");
      return dir;
    };
    /** A paused session whose lease was last held by another host and has expired. */
    const pausedElsewhere = async (project: string) => {
      const first = await runPipeline(options(backend, { projectDir: project, interrupt: AbortSignal.abort() }));
      expect(first.ok && first.value.status).toBe("interrupted");
      const id = first.ok ? first.value.sessionId : "";
      expect((await backend.acquireLease(id, { host: "machine-gone", pid: 9, projectDir: project }, 1)).ok).toBe(true);
      await Bun.sleep(5);
      return id;
    };
    const resume = (id: string, dir: string, arg?: string) =>
      runPipeline(options(backend, { seed: undefined, resumeSessionId: id, projectDir: dir, projectDirArg: arg }));

    const gone = repo();
    const id1 = await pausedElsewhere(gone);
    rmSync(gone, { recursive: true });
    const missing = await resume(id1, gone);
    expect(!missing.ok && missing.error.message).toContain("which does not exist here");

    const project = repo();
    const id2 = await pausedElsewhere(project);
    expect((await backend.sessionStart(id2)) as Record<string, unknown>).toMatchObject({
      base_commit: gitHead(project),
    });
    const moved = temp("lease-run-clone-");
    git(moved, "clone", "-q", project, ".");
    writeFileSync(join(moved, "other.txt"), "y\n");
    git(moved, "add", ".");
    git(moved, "commit", "-qm", "moved on");
    const wrong = await resume(id2, moved, moved);
    expect(!wrong.ok && wrong.error.message).toContain("check that commit out first");
    expect((await backend.acquireLease(id2, { host: "machine-gone", pid: 9, projectDir: project }, 1)).ok).toBe(true);
    await Bun.sleep(5);
    const clone = temp("lease-run-clone-");
    git(clone, "clone", "-q", project, ".");
    const right = await resume(id2, clone, clone);
    expect(right.ok && right.value.status).toBe("completed");
    await backend.close();
  });
});
