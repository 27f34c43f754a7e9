/** Session leases on both backends: atomic acquire across processes, expiry, renewal, takeover record. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import type { EventBackend } from "../../src/events/backend.ts";
import { LEASE_TAKEN_OVER, sessionOwnership, type LeaseOwner } from "../../src/events/lease.ts";
import { PgEventStore } from "../../src/events/pg/store.ts";
import { SqliteBackend } from "../../src/events/sqlite-backend.ts";
import { BUN, ROOT, tempHome } from "../lib/cli.ts";
import { freshDatabase } from "../lib/postgres.ts";
import { started } from "../lib/session-events.ts";

/** Each backend: a target another process can open, and this process's own handle on it. */
const targets: Record<string, () => Promise<string>> = {
  sqlite: async () => join(tempHome(), "e.db"),
  postgres: () => freshDatabase(),
};
async function open(target: string): Promise<EventBackend> {
  const r = target.startsWith("postgres") ? await PgEventStore.open(target) : SqliteBackend.open(target);
  if (!r.ok) throw new Error(r.error.message);
  opened.push(r.value);
  return r.value;
}
const opened: EventBackend[] = [];
beforeAll(() => freshDatabase(), 120_000);
afterAll(() => Promise.all(opened.map((b) => b.close())));

const alice: LeaseOwner = { host: "alice-laptop", pid: 4101, projectDir: "/home/alice/proj" };
const bob: LeaseOwner = { host: "bob-desktop", pid: 5202, projectDir: "/home/bob/proj" };

describe.each(Object.keys(targets))("session leases: %s", (kind) => {
  test("processes racing for one lease: exactly one wins, the others are told who owns it", async () => {
    const target = await targets[kind]!();
    await open(target); // creates and migrates before the racers start
    const startAt = Date.now() + 1500;
    const procs = ["host-a", "host-b", "host-c"].map((host) =>
      Bun.spawn([BUN, join(ROOT, "test/lib/lease-worker.ts"), target, "orch_race", host, String(startAt)], {
        stdout: "pipe",
        stderr: "pipe",
      }),
    );
    const outs = await Promise.all(
      procs.map(
        async (p) => JSON.parse(await new Response(p.stdout).text()) as { won: boolean; pid: number; message: string },
      ),
    );
    const winners = outs.filter((o) => o.won);
    expect(winners.length).toBe(1);
    const w = winners[0]!;
    for (const lost of outs.filter((o) => !o.won)) expect(lost.message).toContain(`pid ${w.pid}`);
    const holder = await (await open(target)).leaseHolder("orch_race");
    expect(holder?.pid).toBe(w.pid);
    expect(holder?.projectDir).toBe("/srv/project");
  }, 60_000);

  test("a live lease is refused naming host and pid; once expired it is taken over and the log says so", async () => {
    const b = await open(await targets[kind]!());
    await b.append(started("orch_exp"));
    expect((await b.acquireLease("orch_exp", alice, 400)).ok).toBe(true);
    // Acquiring again is fine for the holder itself.
    expect((await b.acquireLease("orch_exp", alice, 400)).ok).toBe(true);
    const refused = await b.acquireLease("orch_exp", bob, 400);
    expect(!refused.ok && refused.error.message).toMatch(/owned by alice-laptop pid 4101 \(lease live for \ds more\)/);
    expect((await b.queryEvents({ session: "orch_exp", typeGlob: LEASE_TAKEN_OVER })).length).toBe(0);
    await Bun.sleep(600);
    expect(await b.leaseHolder("orch_exp")).toBeNull();
    const taken = await b.acquireLease("orch_exp", bob, 60_000);
    if (!taken.ok) throw new Error(taken.error.message);
    expect([taken.value.previous?.host, taken.value.previous?.pid]).toEqual(["alice-laptop", 4101]);
    const [ev] = await b.queryEvents({ session: "orch_exp", typeGlob: LEASE_TAKEN_OVER });
    expect(JSON.parse(ev!.payload)).toMatchObject({
      previous_host: "alice-laptop",
      previous_pid: 4101,
      previous_project_dir: "/home/alice/proj",
      host: "bob-desktop",
      pid: 5202,
      reason: "expired",
    });
    // The old holder's next heartbeat learns it lost the session, and to whom.
    const renew = await b.renewLease("orch_exp", alice, 400);
    expect(!renew.ok && renew.error.message).toContain("bob-desktop pid 5202 owns it now");
    // Releasing someone else's lease does nothing.
    await b.releaseLease("orch_exp", alice);
    expect((await b.leaseHolder("orch_exp"))?.host).toBe("bob-desktop");
    await b.releaseLease("orch_exp", bob);
    expect(await b.leaseHolder("orch_exp")).toBeNull();
  }, 30_000);

  test("renewing keeps the lease past its first expiry", async () => {
    const b = await open(await targets[kind]!());
    expect((await b.acquireLease("orch_renew", alice, 300)).ok).toBe(true);
    for (let i = 0; i < 6; i++) {
      await Bun.sleep(100);
      expect((await b.renewLease("orch_renew", alice, 300)).ok).toBe(true);
    }
    const refused = await b.acquireLease("orch_renew", bob, 300);
    expect(!refused.ok && refused.error.message).toContain("alice-laptop pid 4101");
  }, 30_000);

  test("sessionOwnership: heartbeats keep it, a holder gone from this host is replaced at once, release frees it", async () => {
    const b = await open(await targets[kind]!());
    await b.append(started("orch_own"));
    const mine = await sessionOwnership(b, "orch_own", { projectDir: "/p", ttlMs: 300, heartbeatMs: 60 });
    if (!mine.ok) throw new Error(mine.error.message);
    await Bun.sleep(700);
    const other = { host: "elsewhere", pid: 1, projectDir: null };
    expect((await b.acquireLease("orch_own", other, 300)).ok).toBe(false);
    expect(mine.value.lost.aborted).toBe(false);
    await mine.value.release();
    expect(await b.leaseHolder("orch_own")).toBeNull();

    // A lease left by a process of this host that died (kill -9) does not block until it expires.
    const dead = { host: mine.value.owner.host, pid: 999_999, projectDir: "/p" };
    expect((await b.acquireLease("orch_own", dead, 60_000)).ok).toBe(true);
    const again = await sessionOwnership(b, "orch_own", { ttlMs: 60_000, alive: (pid) => pid !== 999_999 });
    if (!again.ok) throw new Error(again.error.message);
    expect(again.value.takenOverFrom?.pid).toBe(999_999);
    const evs = await b.queryEvents({ session: "orch_own", typeGlob: LEASE_TAKEN_OVER });
    expect(evs.map((e) => JSON.parse(e.payload).reason)).toEqual(["holder_gone"]);
    // A live process of this host is never replaced early.
    await again.value.release();
    expect((await b.acquireLease("orch_own", dead, 60_000)).ok).toBe(true);
    const refused = await sessionOwnership(b, "orch_own", { ttlMs: 60_000, alive: () => true });
    expect(!refused.ok && refused.error.message).toContain("pid 999999");
  }, 30_000);

  test("a heartbeat that finds the lease taken over aborts `lost`", async () => {
    const b = await open(await targets[kind]!());
    const mine = await sessionOwnership(b, "orch_lost", { ttlMs: 200, heartbeatMs: 1000 });
    if (!mine.ok) throw new Error(mine.error.message);
    await Bun.sleep(350);
    expect((await b.acquireLease("orch_lost", bob, 60_000)).ok).toBe(true);
    await Bun.sleep(900);
    expect(mine.value.lost.aborted).toBe(true);
    await mine.value.release();
    expect((await b.leaseHolder("orch_lost"))?.host).toBe("bob-desktop");
  }, 30_000);
});
