/**
 * A second process that appends events while the dashboard watches.
 * Usage: bun append-events.ts <db> '<JSON array of events>' [delayMsBetween]
 */
import { EventStore } from "../../src/events/store.ts";

const [db, json, delay = "0"] = process.argv.slice(2);
const store = EventStore.open(db!);
if (!store.ok) throw new Error(store.error.message);
for (const e of JSON.parse(json!) as Parameters<EventStore["append"]>[0][]) {
  const r = store.value.append(e);
  if (!r.ok) throw new Error(r.error.message);
  if (Number(delay)) await Bun.sleep(Number(delay));
}
store.value.close();
