/**
 * Child process for the store concurrency tests: appends N events to one session (one transaction
 * per `batch` events) through the backend interface, then prints a JSON summary.
 * The target is a SQLite file path or a postgres:// URL.
 * Usage: bun append-worker.ts <db path | postgres url> <session> <count> [batch]
 */
import type { EventBackend } from "../../src/events/backend.ts";
import { PgEventStore } from "../../src/events/pg/store.ts";
import { SqliteBackend } from "../../src/events/sqlite-backend.ts";

const [target, session, countRaw, batchRaw] = process.argv.slice(2);
const count = Number(countRaw);
const batch = Number(batchRaw ?? 1);
const opened = /^postgres(ql)?:\/\//.test(target!)
  ? await PgEventStore.open(target!, { max: 1 })
  : SqliteBackend.open(target!);
if (!opened.ok) {
  process.stdout.write(JSON.stringify({ error: opened.error.message }));
  process.exit(1);
}
const store: EventBackend = opened.value;
let errors = 0;
let stored = 0;
for (let i = 0; i < count; i += batch) {
  const events = Array.from({ length: Math.min(batch, count - i) }, (_, j) => ({
    type: "orchestrator.progress.updated" as const,
    aggregate_type: "session",
    aggregate_id: session!,
    // The writer's pid lets a test check that each writer's own order is kept.
    data: { session_id: session!, n: i + j, worker: process.pid },
  }));
  const r = await store.appendBatch(events);
  if (r.ok) stored += r.value.stored.length;
  else {
    errors++;
    process.stderr.write(`${r.error.message}\n`);
  }
}
await store.close();
process.stdout.write(JSON.stringify({ stored, errors }));
