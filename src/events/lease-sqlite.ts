/**
 * Session leases on SQLite: each operation is one BEGIN IMMEDIATE transaction, so two processes
 * acquiring at once are serialised by the database's write lock and exactly one wins.
 * Times are this machine's clock (every process sharing the file runs on it).
 */
import type { Database } from "bun:sqlite";
import { ok, type Result } from "../errors.ts";
import {
  holderOf,
  leaseLost,
  leaseRefused,
  sameOwner,
  type GoneHolder,
  type LeaseGrant,
  type LeaseHolder,
  type LeaseOwner,
  type LeaseRow,
} from "./lease.ts";

const SELECT = `SELECT owner_host, owner_pid, project_dir, heartbeat_at, expires_at FROM session_leases WHERE session_id = ?`;

export function sqliteAcquireLease(
  db: Database,
  sessionId: string,
  owner: LeaseOwner,
  ttlMs: number,
  gone?: GoneHolder,
): Result<LeaseGrant> {
  return db
    .transaction((): Result<LeaseGrant> => {
      const now = Date.now();
      const row = db.query(SELECT).get(sessionId) as LeaseRow | null;
      const cur = row ? holderOf(row, now) : null;
      const free = !cur || cur.msLeft <= 0 || sameOwner(cur, owner) || (gone !== undefined && sameOwner(cur, gone));
      if (!free) return leaseRefused(sessionId, cur);
      db.query(
        `INSERT OR REPLACE INTO session_leases (session_id, owner_host, owner_pid, project_dir, heartbeat_at, expires_at)
         VALUES (?, ?, ?, ?, ?, ?)`,
      ).run(sessionId, owner.host, owner.pid, owner.projectDir, now, now + ttlMs);
      return ok({ expiresAt: now + ttlMs, previous: cur && !sameOwner(cur, owner) ? cur : null });
    })
    .immediate();
}

export function sqliteRenewLease(
  db: Database,
  sessionId: string,
  owner: LeaseOwner,
  ttlMs: number,
): Result<LeaseGrant> {
  const now = Date.now();
  const r = db
    .query(
      `UPDATE session_leases SET heartbeat_at = ?, expires_at = ? WHERE session_id = ? AND owner_host = ? AND owner_pid = ?`,
    )
    .run(now, now + ttlMs, sessionId, owner.host, owner.pid);
  if (r.changes === 1) return ok({ expiresAt: now + ttlMs, previous: null });
  return leaseLost(sessionId, owner, sqliteLeaseHolder(db, sessionId));
}

export function sqliteReleaseLease(db: Database, sessionId: string, owner: LeaseOwner): void {
  db.query(`DELETE FROM session_leases WHERE session_id = ? AND owner_host = ? AND owner_pid = ?`).run(
    sessionId,
    owner.host,
    owner.pid,
  );
}

/** The live holder, or null when the session is free (no lease, or an expired one). */
export function sqliteLeaseHolder(db: Database, sessionId: string): LeaseHolder | null {
  const row = db.query(SELECT).get(sessionId) as LeaseRow | null;
  const h = row ? holderOf(row, Date.now()) : null;
  return h && h.msLeft > 0 ? h : null;
}
