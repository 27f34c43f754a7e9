/**
 * Tail the PostgreSQL log: LISTEN on the append channel (the payload is the last committed seq)
 * and read rows past the cursor whenever it moves. A slow safety poll covers notifications lost
 * while the listening connection reconnects.
 */
import type { SQL } from "bun";
import type { FollowControl } from "../backend.ts";
import type { EventRow } from "../envelope.ts";
import type { EventFilter } from "../read.ts";
import { pgQueryEvents } from "./read.ts";
import { CHANNEL } from "./schema.ts";

const PAGE = 5000;
const SAFETY_POLL_MS = 1000;

export async function pgFollow(
  sql: SQL,
  filter: EventFilter,
  onRow: (row: EventRow) => boolean | void | Promise<void>,
  ctl: FollowControl = {},
): Promise<void> {
  let cursor = filter.afterSeq ?? 0;
  // Set by a notification; cleared before each read, so one arriving mid-read is never lost.
  let dirty = true;
  let wake: (() => void) | null = null;
  const nudge = () => {
    wake?.();
    wake = null;
  };
  const sub = await sql.listen(CHANNEL, () => {
    dirty = true;
    nudge();
  });
  ctl.signal?.addEventListener("abort", nudge, { once: true });
  try {
    while (!ctl.signal?.aborted) {
      dirty = false;
      // Drain in pages so a burst of a million rows does not sit in memory at once.
      for (;;) {
        const rows = await pgQueryEvents(sql, { ...filter, afterSeq: cursor, limit: PAGE });
        for (const r of rows) {
          cursor = r.seq;
          const next = onRow(r);
          if (next === false) return;
          // A slow reader (a full pipe): wait for it before handing over more.
          if (next) await next;
          if (ctl.signal?.aborted) return;
        }
        if (rows.length < PAGE) break;
      }
      if (ctl.signal?.aborted) break;
      if (dirty) continue;
      let timer: ReturnType<typeof setTimeout> | undefined;
      await new Promise<void>((resolve) => {
        wake = resolve;
        timer = setTimeout(() => {
          dirty = true;
          nudge();
        }, SAFETY_POLL_MS);
      });
      clearTimeout(timer);
    }
  } finally {
    ctl.signal?.removeEventListener("abort", nudge);
    await sub.unlisten();
  }
}
