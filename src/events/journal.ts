/**
 * The JSONL journal: `<db>.jsonl` beside the SQLite file holds exactly the bytes `events --json`
 * prints for the events up to a mark, so a plain `events --json` copies a file instead of
 * rendering every row. It is a projection the log can always rebuild, never a second truth:
 * - The mark (byte length and last seq, table event_journal) is written in the append transaction
 *   that wrote the bytes. Bytes past the mark are a writer's that has not committed (or died) and
 *   are never read; the next writer truncates them. The first `bytes` bytes never change once
 *   committed, so a reader copies them while writers go on appending.
 * - A rebuild writes a new file and renames it over the old one: a reader holding the old file
 *   keeps valid bytes (every valid journal has the same prefix: the log's events in seq order).
 * - Trust is checked, not assumed: the file must be at least `bytes` long and its last committed
 *   line must equal the database's rendering of the event `seq`. A missing, short, corrupt or
 *   foreign journal, or no mark at all (an UPDATE or DELETE on events drops it, by trigger),
 *   sends readers to the SQL renderer, and the next append rebuilds the file.
 */
import type { Database } from "bun:sqlite";
import { closeSync, fstatSync, openSync, readSync } from "node:fs";

export interface JournalMark {
  /** Committed byte length of the journal. */
  bytes: number;
  /** seq of the last event those bytes hold (0: none). */
  seq: number;
}

/** Where a database's journal lives; null for a database without a file (":memory:"). */
export function journalPath(db: Database): string | null {
  const f = db.filename;
  return f && f !== ":memory:" ? `${f}.jsonl` : null;
}

/** The committed mark; null when there is none (no row, or a schema from before the journal). */
export function readMark(db: Database): JournalMark | null {
  try {
    return db.query("SELECT bytes, last_seq AS seq FROM event_journal WHERE id = 1").get() as JournalMark | null;
  } catch {
    return null;
  }
}

/** Read exactly `length` bytes at `position` into `buf` from `into`; fewer only at end of file. */
export function readAt(fd: number, buf: Uint8Array, length: number, position: number, into = 0): number {
  let got = 0;
  while (got < length) {
    const n = readSync(fd, buf, into + got, length - got, position + got);
    if (n <= 0) break;
    got += n;
  }
  return got;
}

/**
 * Does the open journal `fd` hold the mark? Its size covers `bytes`, and the bytes just before
 * the mark are the line `lastLine` renders for the event `seq` (null: that event cannot be rendered).
 */
export function holdsMark(fd: number, mark: JournalMark, lastLine: (seq: number) => string | null): boolean {
  if (fstatSync(fd).size < mark.bytes) return false;
  if (mark.seq === 0) return mark.bytes === 0;
  const line = lastLine(mark.seq);
  if (line === null) return false;
  const want = Buffer.from(line);
  if (want.length > mark.bytes) return false;
  // The line and the newline before it (none at the start of the file).
  const before = mark.bytes > want.length ? 1 : 0;
  const have = Buffer.allocUnsafe(want.length + before);
  const start = mark.bytes - want.length - before;
  if (readAt(fd, have, have.length, start) !== have.length) return false;
  return (!before || have[0] === 10) && have.subarray(before).equals(want);
}

/** Open the journal for reading if it holds the mark; the caller closes the fd. */
export function openVerified(path: string, mark: JournalMark, lastLine: (seq: number) => string | null): number | null {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch {
    return null;
  }
  try {
    if (holdsMark(fd, mark, lastLine)) return fd;
  } catch {
    // unreadable: treated as missing
  }
  closeSync(fd);
  return null;
}
