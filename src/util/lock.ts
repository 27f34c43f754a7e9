/**
 * One live owner per session: `$OUROBOROS_HOME/locks/<session>` holds `pid:start`. A lock whose
 * process is gone is stale and taken over (kill -9 must not block a resume).
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ouroHome } from "./home.ts";

const lockPath = (sessionId: string) => join(ouroHome(), "locks", sessionId);

/** Is a process with this pid running (EPERM: yes, just not ours)? */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The live holder's pid, or null when the lock is free or stale. */
export function lockHolder(sessionId: string): number | null {
  try {
    const pid = Number(readFileSync(lockPath(sessionId), "utf8").split(":")[0]);
    return Number.isInteger(pid) && pid > 0 && pid !== process.pid && processAlive(pid) ? pid : null;
  } catch {
    return null;
  }
}

export function acquireLock(sessionId: string): { ok: true; release: () => void } | { ok: false; pid: number } {
  const holder = lockHolder(sessionId);
  if (holder) return { ok: false, pid: holder };
  mkdirSync(join(ouroHome(), "locks"), { recursive: true, mode: 0o700 });
  writeFileSync(lockPath(sessionId), `${process.pid}:${Date.now()}`);
  return { ok: true, release: () => rmSync(lockPath(sessionId), { force: true }) };
}
