/**
 * Child process for the lease race tests: opens the backend (a SQLite path or a postgres:// URL),
 * waits until `startAt` (epoch ms) so racers start together, acquires the session's lease as
 * `host` with its own pid, and prints {won, pid, message}. The lease is left held (long ttl).
 * Usage: bun lease-worker.ts <db path | postgres url> <session> <host> <startAt>
 */
import { openBackend } from "../../src/events/open-backend.ts";

const [target, session, host, startAt] = process.argv.slice(2);
const opened = await openBackend(target);
if (!opened.ok) {
  process.stdout.write(JSON.stringify({ error: opened.error.message }));
  process.exit(1);
}
const backend = opened.value;
// Warm the connection first, so the race is decided by the acquire itself.
await backend.tailSeq();
await Bun.sleep(Math.max(0, Number(startAt) - Date.now()));
const r = await backend.acquireLease(session!, { host: host!, pid: process.pid, projectDir: "/srv/project" }, 60_000);
await backend.close();
process.stdout.write(JSON.stringify({ won: r.ok, pid: process.pid, message: r.ok ? "" : r.error.message }));
