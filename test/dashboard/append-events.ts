/**
 * A second process that appends events while the dashboard watches, on SQLite or PostgreSQL.
 * Usage: bun append-events.ts <db path or postgres:// URL> '<JSON array of events>' [delayMsBetween]
 */
import type { NewEvent } from "../../src/events/envelope.ts";
import { openBackend } from "../../src/events/open-backend.ts";

const [db, json, delay = "0"] = process.argv.slice(2);
const store = await openBackend(db!);
if (!store.ok) throw new Error(store.error.message);
try {
  for (const e of JSON.parse(json!) as NewEvent[]) {
    const r = await store.value.append(e);
    if (!r.ok) throw new Error(r.error.message);
    if (Number(delay)) await Bun.sleep(Number(delay));
  }
} finally {
  await store.value.close();
}
