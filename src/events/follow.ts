/**
 * Tail the log as other processes append: poll PRAGMA data_version (changes only when another
 * connection commits) and read rows past the seq cursor. 25 ms polls keep latency well under 100 ms.
 */
import type { EventRow } from "./envelope.ts";
import { dataVersion, queryEvents, type EventFilter } from "./read.ts";
import type { EventReader } from "./reader.ts";

export interface FollowOptions {
  pollMs?: number;
  signal?: AbortSignal;
  /** Re-open hook for when the database did not exist at start. */
  open?: () => EventReader | null;
}

export async function follow(
  db: EventReader | null,
  filter: EventFilter,
  onRow: (row: EventRow) => boolean | void | Promise<void>,
  opts: FollowOptions = {},
): Promise<void> {
  const pollMs = opts.pollMs ?? 25;
  let cursor = filter.afterSeq ?? 0;
  let version = -1;
  while (!opts.signal?.aborted) {
    if (!db) db = opts.open?.() ?? null;
    if (db) {
      const dv = dataVersion(db);
      if (dv !== version) {
        version = dv;
        // Drain in pages so a burst of a million rows does not sit in memory at once.
        for (;;) {
          const rows = queryEvents(db, { ...filter, afterSeq: cursor, limit: 5000 });
          for (const r of rows) {
            cursor = r.seq;
            const next = onRow(r);
            if (next === false) return;
            // A slow reader: wait for the output to drain before reading further.
            if (next) await next;
          }
          if (rows.length < 5000) break;
        }
      }
    }
    await Bun.sleep(pollMs);
  }
}
