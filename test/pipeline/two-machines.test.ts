/**
 * Two "machines" sharing one PostgreSQL database: each is its own OUROBOROS_HOME and
 * OUROBOROS_HOSTNAME, running the built binary in its own processes (Codex against the scripted
 * loopback model). A run on A is seen from B; A killed mid-run is taken over by B only once its
 * lease expired, without re-running what passed; B cancels a run A owns. Neither machine ever
 * writes a local SQLite file.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { gitHead } from "../../src/events/lease-project.ts";
import { ROOT } from "../lib/cli.ts";
import { cliOn, codexInstalled, machine as m, type Machine, noLocalDb, spawnOn, temp, until } from "../lib/machines.ts";
import { startMockModel, type MockModel } from "../lib/mock-model/index.ts";
import { pipelineScript } from "../lib/pipeline-script.ts";
import { pgStoreForFile } from "../lib/postgres.ts";
import { within } from "../lib/timing.ts";

setDefaultTimeout(within(300_000));

const shared = pgStoreForFile();
let mock: MockModel;
beforeAll(async () => {
  mock = await startMockModel({ script: pipelineScript });
});
afterAll(async () => mock?.stop());

const SEED = join(ROOT, "examples/hello-cli.yaml");
const machine = (name: string, extra: Record<string, string> = {}): Machine => m(name, shared.url, mock.url, extra);

interface Ev {
  seq: number;
  type: string;
  data: Record<string, any>;
}

async function events(sessionId?: string): Promise<Ev[]> {
  const rows = await shared.store.queryEvents(sessionId ? { session: sessionId } : {});
  return rows.map((r) => ({ seq: r.seq, type: r.event_type, data: JSON.parse(r.payload) }));
}

/** The newest session started since `afterSeq` (each test starts its own). */
async function sessionAfter(afterSeq: number): Promise<string | null> {
  const rows = await shared.store.queryEvents({ afterSeq, typeGlob: "orchestrator.session.started" });
  return rows.at(-1)?.session_id ?? null;
}

const passedAcs = (ev: Ev[]) =>
  ev.filter((e) => e.type === "execution.ac.status_changed" && e.data.status === "passed").map((e) => e.data.ac_id);
/** Runtime turns per AC, from the log. */
const turnsPerAc = (ev: Ev[]) => {
  const n: Record<string, number> = {};
  for (const e of ev) if (e.type === "execution.ac.turn.completed") n[e.data.ac_id] = (n[e.data.ac_id] ?? 0) + 1;
  return n;
};
describe.skipIf(!codexInstalled)("two machines on one PostgreSQL database", () => {
  test("a run on A is seen complete from B; base_commit is recorded; no local SQLite file anywhere", async () => {
    const [a, b] = [machine("a"), machine("b")];
    const project = temp("two-proj-");
    writeFileSync(join(project, "README.md"), "project\n");
    const git = (...args: string[]) =>
      Bun.spawnSync(["git", "-c", "user.name=t", "-c", "user.email=t@t", ...args], { cwd: project });
    git("init", "-q");
    git("add", ".");
    git("commit", "-qm", "base");
    const head = gitHead(project);
    expect(head).toMatch(/^[0-9a-f]{40}$/);

    const r = await cliOn(a, ["run", "workflow", SEED, "--runtime", "codex", "--project-dir", project, "--json"]);
    expect(r.code).toBe(0);
    const id = JSON.parse(r.stdout).sessionId as string;

    const st = await cliOn(b, ["status", id, "--json"]);
    expect(st.code).toBe(0);
    const view = JSON.parse(st.stdout);
    expect(view.session.status).toBe("completed");
    expect(view.acs.filter((x: { status: string }) => x.status === "passed")).toHaveLength(2);
    const listed = JSON.parse((await cliOn(b, ["status", "--json"])).stdout);
    expect(listed.sessions.map((s: { session_id: string }) => s.session_id)).toContain(id);

    const ev = await events(id);
    const started = ev.find((e) => e.type === "orchestrator.session.started")!;
    expect(started.data.base_commit).toBe(head);
    expect(ev.at(-1)!.type).toBe("orchestrator.session.completed");
    // The lease was released at the end: nobody owns the finished session.
    expect(await shared.store.leaseHolder(id)).toBeNull();
    noLocalDb(a, b);
  });

  test("A killed mid-run: B is refused while A's lease lives, takes over after it expires, re-runs nothing that passed", async () => {
    // A short lease through the config key's environment override: A's lease lapses 3 s after the kill.
    const ttl = { OUROBOROS_LEASE_TTL_SECONDS: "3" };
    const [a, b] = [machine("a", ttl), machine("b", ttl)];
    const project = temp("two-proj-");
    const from = await shared.store.tailSeq();
    const pa = spawnOn(a, ["run", "workflow", SEED, "--runtime", "codex", "--project-dir", project, "--json"]);
    const id = await until(() => sessionAfter(from));
    const holder = await until(() => shared.store.leaseHolder(id));
    expect(holder).toMatchObject({ host: "machine-a", pid: pa.pid });
    expect(holder.expiresAt - holder.heartbeatAt).toBe(3000);
    await until(async () => passedAcs(await events(id)).length > 0);
    pa.kill("SIGKILL");
    await pa.exited;
    const before = await events(id);
    const passedBefore = passedAcs(before);
    const turnsBefore = turnsPerAc(before);
    const lastSeq = before.at(-1)!.seq;

    const refused = await cliOn(b, ["run", "workflow", "--resume", id, "--json"]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain(`owned by machine-a pid ${pa.pid}`);
    expect((await events(id)).at(-1)!.seq).toBe(lastSeq);

    await until(async () => (await shared.store.leaseHolder(id)) === null, 30_000);
    const r = await cliOn(b, ["run", "workflow", "--resume", id, "--json"]);
    expect(r.code).toBe(0);
    const after = (await events(id)).filter((e) => e.seq > lastSeq);
    expect(after[0]!.type).toBe("orchestrator.session.lease_taken_over");
    expect(after[0]!.data).toMatchObject({
      previous_host: "machine-a",
      previous_pid: pa.pid,
      host: "machine-b",
      reason: "expired",
    });
    expect(after[1]!.type).toBe("orchestrator.session.resumed");
    expect(after.at(-1)!.type).toBe("orchestrator.session.completed");
    for (const ac of passedBefore)
      expect(after.some((e) => e.type === "execution.ac.attempt.dispatched" && e.data.ac_id === ac)).toBe(false);
    const turnsAll = turnsPerAc(await events(id));
    for (const ac of passedBefore) expect(turnsAll[ac]).toBe(turnsBefore[ac]!);
    expect(new Set(passedAcs(await events(id))).size).toBe(2);
    noLocalDb(a, b);
  });

  test("cancel from B stops a run owned by A", async () => {
    const [a, b] = [machine("a"), machine("b")];
    const project = temp("two-proj-");
    const from = await shared.store.tailSeq();
    const pa = spawnOn(a, ["run", "workflow", SEED, "--runtime", "codex", "--project-dir", project, "--json"]);
    const id = await until(() => sessionAfter(from));
    await until(async () => (await events(id)).some((e) => e.type === "execution.ac.attempt.dispatched"));
    const c = await cliOn(b, ["cancel", id, "--reason", "stopped from B", "--json"]);
    expect(c.code).toBe(0);
    const res = JSON.parse(c.stdout);
    expect(res.action).toBe("requested");
    expect(res.owner).toMatchObject({ host: "machine-a", pid: pa.pid });
    const [out, code] = await Promise.all([new Response(pa.stdout).text(), pa.exited]);
    expect(code).not.toBe(0);
    expect(JSON.parse(out).status).toBe("cancelled");
    const ev = await events(id);
    expect(ev.at(-1)).toMatchObject({ type: "orchestrator.session.cancelled", data: { reason: "stopped from B" } });
    expect(await shared.store.leaseHolder(id)).toBeNull();
    noLocalDb(a, b);
  });
});
