/**
 * Child process for concurrency tests: appends N events to the database one transaction each,
 * then prints a JSON summary. Usage: bun append-worker.ts <db> <session> <count> [batch]
 */
import { EventStore } from "../../src/events/store.ts";

const [db, session, countRaw, batchRaw] = process.argv.slice(2);
const count = Number(countRaw);
const batch = Number(batchRaw ?? 1);
const opened = EventStore.open(db!);
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
    data: { session_id: session!, n: i + j },
  }));
  const r = store.appendBatch(events);
  if (r.ok) stored += r.value.stored.length;
  else {
    errors++;
    process.stderr.write(`${r.error.message}\n`);
  }
}
store.close();
process.stdout.write(JSON.stringify({ stored, errors }));
