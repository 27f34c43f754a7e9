/**
 * Feeds a recorded session to the progress reporter as a pipeline would, for the TTY and
 * non-TTY tests. Usage: bun progress-driver.ts <auto|tty|plain|quiet> [verbose] [delayMs]
 */
import { createProgress, type ProgressMode } from "../../src/dashboard/progress.ts";
import type { StoredEvent } from "../../src/events/envelope.ts";
import { sessionEvents } from "../lib/session-fixture.ts";

const [mode = "auto", verbose = "", delayRaw = "5"] = process.argv.slice(2);
const f = sessionEvents({
  sessionId: "orch_0123456789ab",
  finished: true,
  acs: 4,
  start: new Date(Date.now() - 200_000),
});
const p = createProgress({ mode: mode as ProgressMode, verbose: verbose === "verbose" });
let rowid = 0;
for (const e of f.events) {
  const stored: StoredEvent = {
    rowid: ++rowid,
    id: `ev${rowid}`,
    type: e.type,
    aggregate_type: e.aggregate_type,
    aggregate_id: e.aggregate_id,
    session_id: f.sessionId,
    timestamp: e.timestamp!,
    event_version: 1,
    consensus_id: null,
    data: e.data,
  };
  p.onEvent(stored);
  await Bun.sleep(Number(delayRaw));
}
p.stop();
process.stdout.write("driver done\n");
