/**
 * Session leases on PostgreSQL. Acquire is one statement: INSERT … ON CONFLICT DO UPDATE … WHERE
 * (expired or ours) RETURNING — the row lock taken by ON CONFLICT makes concurrent acquirers on any
 * machine wait and re-check, so exactly one wins. Expiry is judged by the server's clock, never
 * by the clocks of the machines sharing it.
 */
import type { SQL } from "bun";
import { ok, type Result } from "../../errors.ts";
import {
  holderOf,
  leaseLost,
  leaseRefused,
  type GoneHolder,
  type LeaseGrant,
  type LeaseHolder,
  type LeaseOwner,
  type LeaseRow,
} from "../lease.ts";

const NOW_MS = `(extract(epoch FROM clock_timestamp()) * 1000)::bigint`;

const ACQUIRE = `
  WITH prev AS (SELECT owner_host, owner_pid, project_dir, heartbeat_at, expires_at FROM session_leases WHERE session_id = $1),
       clock AS (SELECT ${NOW_MS} AS ms)
  INSERT INTO session_leases (session_id, owner_host, owner_pid, project_dir, heartbeat_at, expires_at)
  SELECT $1, $2, $3::int, $4, ms, ms + $5::bigint FROM clock
  ON CONFLICT (session_id) DO UPDATE SET owner_host = excluded.owner_host, owner_pid = excluded.owner_pid,
    project_dir = excluded.project_dir, heartbeat_at = excluded.heartbeat_at, expires_at = excluded.expires_at
  WHERE session_leases.expires_at <= excluded.heartbeat_at
     OR (session_leases.owner_host = excluded.owner_host AND session_leases.owner_pid = excluded.owner_pid)
     OR (session_leases.owner_host = $6 AND session_leases.owner_pid = $7::int)
  RETURNING heartbeat_at AS now, expires_at, (SELECT row_to_json(prev) FROM prev) AS previous`;

export async function pgAcquireLease(
  sql: SQL,
  sessionId: string,
  owner: LeaseOwner,
  ttlMs: number,
  gone?: GoneHolder,
): Promise<Result<LeaseGrant>> {
  // A refusal reads the holder afterwards; if it released in between, try again.
  for (let attempt = 0; ; attempt++) {
    const [won] = (await sql.unsafe(ACQUIRE, [
      sessionId,
      owner.host,
      owner.pid,
      owner.projectDir,
      ttlMs,
      gone?.host ?? "",
      gone?.pid ?? -1,
    ])) as { now: string; expires_at: string; previous: LeaseRow | string | null }[];
    if (won) {
      const prev = typeof won.previous === "string" ? (JSON.parse(won.previous) as LeaseRow) : won.previous;
      const previous = prev ? holderOf(prev, Number(won.now)) : null;
      const ours = previous && previous.host === owner.host && previous.pid === owner.pid;
      return ok({ expiresAt: Number(won.expires_at), previous: ours ? null : previous });
    }
    const holder = await pgLeaseHolder(sql, sessionId);
    if (holder || attempt >= 3) return leaseRefused(sessionId, holder ?? unknownHolder);
  }
}

const unknownHolder: LeaseHolder = {
  host: "another process",
  pid: 0,
  projectDir: null,
  heartbeatAt: 0,
  expiresAt: 0,
  msLeft: 0,
};

export async function pgRenewLease(
  sql: SQL,
  sessionId: string,
  owner: LeaseOwner,
  ttlMs: number,
): Promise<Result<LeaseGrant>> {
  const [r] = (await sql.unsafe(
    `UPDATE session_leases SET heartbeat_at = ${NOW_MS}, expires_at = ${NOW_MS} + $4::bigint
     WHERE session_id = $1 AND owner_host = $2 AND owner_pid = $3::int RETURNING expires_at`,
    [sessionId, owner.host, owner.pid, ttlMs],
  )) as { expires_at: string }[];
  if (r) return ok({ expiresAt: Number(r.expires_at), previous: null });
  return leaseLost(sessionId, owner, await pgLeaseHolder(sql, sessionId));
}

export async function pgReleaseLease(sql: SQL, sessionId: string, owner: LeaseOwner): Promise<void> {
  await sql.unsafe(`DELETE FROM session_leases WHERE session_id = $1 AND owner_host = $2 AND owner_pid = $3::int`, [
    sessionId,
    owner.host,
    owner.pid,
  ]);
}

export async function pgLeaseHolder(sql: SQL, sessionId: string): Promise<LeaseHolder | null> {
  const [r] = (await sql.unsafe(
    `SELECT owner_host, owner_pid, project_dir, heartbeat_at, expires_at, ${NOW_MS} AS now
     FROM session_leases WHERE session_id = $1 AND expires_at > ${NOW_MS}`,
    [sessionId],
  )) as (LeaseRow & { now: string })[];
  return r ? holderOf(r, Number(r.now)) : null;
}
