/**
 * Session ownership as a lease in the event database, so a session run on one machine is seen as
 * owned from every machine sharing the database. A lease is coordination, not history: it lives in
 * `session_leases` and is overwritten freely; only a takeover (someone else's lease had expired, or
 * its process is gone) is recorded as an event, so the log shows who continued the session.
 *
 * Both backends implement acquire/renew/release atomically (SQLite: BEGIN IMMEDIATE; PostgreSQL:
 * one INSERT … ON CONFLICT … WHERE expired … RETURNING). Expiry is judged by one clock: the
 * PostgreSQL server's, or this machine's for a local SQLite file.
 */
import { hostname } from "node:os";
import { fail, ok, type Result } from "../errors.ts";
import { processAlive } from "../util/lock.ts";
import type { EventBackend, GoneHolder, LeaseGrant, LeaseHolder, LeaseOwner } from "./backend.ts";
import type { NewEvent } from "./envelope.ts";

export type { GoneHolder, LeaseGrant, LeaseHolder, LeaseOwner };

export const LEASE_TAKEN_OVER = "orchestrator.session.lease_taken_over";

/**
 * The host a lease names: `OUROBOROS_HOSTNAME` when set (containers that share a hostname, or one
 * machine acting as two), else the system's hostname.
 */
export const leaseHost = (env: NodeJS.ProcessEnv = process.env): string => env.OUROBOROS_HOSTNAME?.trim() || hostname();

export const thisProcess = (projectDir: string | null = null): LeaseOwner => ({
  host: leaseHost(),
  pid: process.pid,
  projectDir,
});

/** A holder on this host whose process is gone (kill -9): it runs nothing, and its lease may be replaced at once. */
export const goneHere = (
  h: { host: string; pid: number },
  host: string = leaseHost(),
  alive: (pid: number) => boolean = processAlive,
): boolean => h.host === host && !alive(h.pid);

export const sameOwner = (a: { host: string; pid: number }, b: { host: string; pid: number }) =>
  a.host === b.host && a.pid === b.pid;

/** The lease row as both backends store it (times in ms since the epoch). */
export interface LeaseRow {
  owner_host: string;
  owner_pid: number | string;
  project_dir: string | null;
  heartbeat_at: number | string;
  expires_at: number | string;
}

export const holderOf = (r: LeaseRow, now: number): LeaseHolder => ({
  host: r.owner_host,
  pid: Number(r.owner_pid),
  projectDir: r.project_dir,
  heartbeatAt: Number(r.heartbeat_at),
  expiresAt: Number(r.expires_at),
  msLeft: Number(r.expires_at) - now,
});

export function leaseRefused(sessionId: string, h: LeaseHolder): Result<never> {
  return fail(
    "usage",
    `session ${sessionId} is owned by ${h.host} pid ${h.pid} (lease live for ${Math.max(1, Math.ceil(h.msLeft / 1000))}s more)`,
    {
      hint: `\`ouroboros cancel ${sessionId}\` stops it; a lease that is not renewed expires`,
      data: { host: h.host, pid: h.pid, project_dir: h.projectDir, expires_at: new Date(h.expiresAt).toISOString() },
    },
  );
}

export function leaseLost(sessionId: string, owner: LeaseOwner, now: LeaseHolder | null): Result<never> {
  return fail(
    "failure",
    now
      ? `lease on session ${sessionId} was lost: ${now.host} pid ${now.pid} owns it now`
      : `lease on session ${sessionId} was lost (${owner.host} pid ${owner.pid} no longer holds it)`,
  );
}

function takeoverEvent(sessionId: string, previous: LeaseHolder, owner: LeaseOwner, gone: boolean): NewEvent {
  return {
    type: LEASE_TAKEN_OVER,
    aggregate_type: "session",
    aggregate_id: sessionId,
    data: {
      session_id: sessionId,
      previous_host: previous.host,
      previous_pid: previous.pid,
      previous_project_dir: previous.projectDir,
      previous_expires_at: new Date(previous.expiresAt).toISOString(),
      host: owner.host,
      pid: owner.pid,
      project_dir: owner.projectDir,
      reason: gone ? "holder_gone" : "expired",
    },
  };
}

/**
 * After a backend granted a lease: a grant that replaced someone else's lease is recorded in the
 * log. The event follows the lease write (not in its transaction); a crash in between loses only
 * the record, never the ownership rule.
 */
export async function recordTakeover(
  backend: EventBackend,
  sessionId: string,
  owner: LeaseOwner,
  grant: LeaseGrant,
  gone?: GoneHolder,
): Promise<Result<LeaseGrant>> {
  if (!grant.previous || sameOwner(grant.previous, owner)) return ok(grant);
  const r = await backend.append(
    takeoverEvent(sessionId, grant.previous, owner, Boolean(gone && sameOwner(gone, grant.previous))),
  );
  return r.ok ? ok(grant) : r;
}

export interface Ownership {
  readonly sessionId: string;
  readonly owner: LeaseOwner;
  /** Aborted when a heartbeat finds the lease gone (another process took it over). */
  readonly lost: AbortSignal;
  /** The lease this one replaced, if any (already recorded in the log). */
  readonly takenOverFrom: LeaseHolder | null;
  release(): Promise<void>;
}

export interface OwnershipOptions {
  projectDir?: string | null;
  ttlMs?: number;
  heartbeatMs?: number;
  /** Test seam: is this pid alive on this host (default: signal 0). */
  alive?: (pid: number) => boolean;
}

export const DEFAULT_LEASE_TTL_MS = 30_000;

/**
 * Take a session for this process and keep it: acquire the lease (replacing one whose process is
 * gone from this host without waiting for its expiry, as the file lock did after kill -9), renew
 * it every ttl/3, release it at the end. The pipeline calls this where it took the file lock.
 */
export async function sessionOwnership(
  backend: EventBackend,
  sessionId: string,
  o: OwnershipOptions = {},
): Promise<Result<Ownership>> {
  const ttl = o.ttlMs ?? DEFAULT_LEASE_TTL_MS;
  const owner = thisProcess(o.projectDir ?? null);
  let got = await backend.acquireLease(sessionId, owner, ttl);
  if (!got.ok) {
    const holder = await backend.leaseHolder(sessionId);
    if (holder && goneHere(holder, owner.host, o.alive))
      got = await backend.acquireLease(sessionId, owner, ttl, { host: holder.host, pid: holder.pid });
    if (!got.ok) return got;
  }
  const lost = new AbortController();
  let released = false;
  const beat = setInterval(
    async () => {
      if (released || lost.signal.aborted) return;
      const r = await backend.renewLease(sessionId, owner, ttl);
      if (!r.ok && !released) {
        process.stderr.write(`${r.error.message}\n`);
        lost.abort();
      }
    },
    o.heartbeatMs ?? Math.max(50, Math.floor(ttl / 3)),
  );
  beat.unref?.();
  return ok({
    sessionId,
    owner,
    lost: lost.signal,
    takenOverFrom: got.value.previous,
    async release() {
      if (released) return;
      released = true;
      clearInterval(beat);
      await backend.releaseLease(sessionId, owner);
    },
  });
}
