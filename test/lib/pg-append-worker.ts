/**
 * Child process for PostgreSQL concurrency tests: appends N events to one session (one
 * transaction per `batch` events), then prints a JSON summary.
 * Usage: bun pg-append-worker.ts <url> <session> <count> [batch]
 */
import { PgEventStore } from "../../src/events/pg/store.ts";

const [url, session, countRaw, batchRaw] = process.argv.slice(2);
const count = Number(countRaw);
const batch = Number(batchRaw ?? 1);
const opened = await PgEventStore.open(url!, { max: 1 });
if (!opened.ok) {
  process.stdout.write(JSON.stringify({ error: opened.error.message }));
  process.exit(1);
}
const store = opened.value;
let errors = 0;
let stored = 0;
for (let i = 0; i < count; i += batch) {
  const events = Array.from({ length: Math.min(batch, count - i) }, (_, j) => ({
    type: "orchestrator.progress.updated",
    aggregate_type: "session",
    aggregate_id: session!,
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
