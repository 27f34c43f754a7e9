/**
 * Writer process for the cross-process follow benchmark: appends `count` events to one session,
 * one per transaction, `gapMs` apart, each stamped with the wall-clock time just before its append
 * (`sent_at`, ms since the epoch, sub-millisecond), so the follower can time append → delivery;
 * prints `n acknowledged_at` per event when its commit returned, to time commit → delivery too.
 * Usage: bun follow-writer.ts <db path | postgres url> <session> <count> <gapMs>
 */
import { openBackend } from "../../src/events/open-backend.ts";

const [target, session, countRaw, gapRaw] = process.argv.slice(2);
const opened = await openBackend(target);
if (!opened.ok) throw new Error(opened.error.message);
const b = opened.value;
await b.tailSeq();
for (let n = 0; n < Number(countRaw); n++) {
  const sent_at = performance.timeOrigin + performance.now();
  const r = await b.append({
    type: "orchestrator.progress.updated",
    aggregate_type: "session",
    aggregate_id: session!,
    data: { session_id: session!, n, sent_at },
  });
  if (!r.ok) throw new Error(r.error.message);
  process.stdout.write(`${n} ${performance.timeOrigin + performance.now()}\n`);
  await Bun.sleep(Number(gapRaw));
}
await b.close();
