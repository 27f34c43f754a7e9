/**
 * Extending the JSONL journal (journal.ts) inside an append transaction, so under SQLite's write
 * lock: one writer at a time. The new lines are rendered from the database by the same SQL as the
 * readers' (byte-equal by construction, whatever the rows hold), for every event after the mark,
 * so rows another tool inserted are caught up too. The journal never fails an append: if it
 * cannot be written the mark is dropped (readers render with SQL) and the next append rebuilds it.
 */
import type { Database } from "bun:sqlite";
import { closeSync, constants, fstatSync, ftruncateSync, openSync, renameSync, statSync, writeSync } from "node:fs";
import { eventJsonLine } from "./envelope.ts";
import { holdsMark, journalPath, readMark, type JournalMark } from "./journal.ts";
import { lineOf, renderPage, seqOf } from "./jsonl.ts";

const PAGE_ROWS = 4096;

/**
 * What this process last left in a database's journal: the mark it committed, the file (inode,
 * size) it left behind, and that file still open. While the database holds that mark and the path
 * still names that file at that size, nobody else wrote: the next append writes straight on,
 * without reopening the file or reading its tail back.
 */
const lastWritten = new WeakMap<Database, { mark: JournalMark; ino: number; size: number; fd: number }>();

/** Close the journal file a store kept open (EventStore.close). */
export function closeJournal(db: Database): void {
  const known = lastWritten.get(db);
  lastWritten.delete(db);
  if (known) closeSync(known.fd);
}

const sameMark = (a: JournalMark, b: JournalMark) => a.bytes === b.bytes && a.seq === b.seq;

/** Write every event after `from.seq` at byte `from.bytes` of `fd`; the mark that covers them. */
function writeAfter(db: Database, fd: number, from: JournalMark): JournalMark {
  let { bytes, seq } = from;
  for (;;) {
    const lines = renderPage(db, {}, seq, PAGE_ROWS, eventJsonLine)!;
    if (!lines.length) return { bytes, seq };
    const buf = Buffer.from(lines.join(""));
    for (let off = 0; off < buf.length; ) off += writeSync(fd, buf, off, buf.length - off, bytes + off);
    bytes += buf.length;
    seq = seqOf(lines[lines.length - 1]!);
    if (lines.length < PAGE_ROWS) return { bytes, seq };
  }
}

/**
 * A journal nobody can trust is replaced, never rewritten in place: a reader may be copying the
 * old file under an older snapshot's mark, and its prefix stays valid.
 */
function rebuild(db: Database, path: string): JournalMark {
  const tmp = `${path}.rebuild`;
  const fd = openSync(tmp, "w", 0o600);
  try {
    const mark = writeAfter(db, fd, { bytes: 0, seq: 0 });
    renameSync(tmp, path);
    return mark;
  } finally {
    closeSync(fd);
  }
}

/**
 * Bring the journal up to the last event of the open write transaction and record its mark in the
 * same transaction. Bytes a writer that died (or rolled back) left past the committed mark are cut.
 */
export function extendJournal(db: Database): void {
  const path = journalPath(db);
  if (!path) return;
  const known = lastWritten.get(db);
  let fd: number | null = null;
  try {
    const mark = readMark(db);
    const onDisk = statSync(path, { throwIfNoEntry: false });
    // Ours and untouched (a rolled-back append leaves the database's mark behind ours: checked).
    if (mark && known && sameMark(known.mark, mark) && known.ino === onDisk?.ino && known.size === onDisk.size) {
      const next = writeAfter(db, known.fd, mark);
      recordMark(db, next);
      lastWritten.set(db, { ...known, mark: next, size: next.bytes });
      return;
    }
    if (known) closeJournal(db);
    fd = openSync(path, constants.O_RDWR | constants.O_CREAT, 0o600);
    let next: JournalMark;
    if (mark && holdsMark(fd, mark, (seq) => lineOf(db, seq, eventJsonLine))) {
      ftruncateSync(fd, mark.bytes);
      next = writeAfter(db, fd, mark);
    } else {
      next = rebuild(db, path);
      // The rebuilt file replaced the one this descriptor names.
      closeSync(fd);
      fd = openSync(path, constants.O_RDWR, 0o600);
    }
    recordMark(db, next);
    lastWritten.set(db, { mark: next, ino: fstatSync(fd).ino, size: next.bytes, fd });
    fd = null;
  } catch {
    if (lastWritten.has(db)) closeJournal(db);
    // A full disk or a read-only directory costs readers speed, never the append.
    db.exec("DELETE FROM event_journal");
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

function recordMark(db: Database, next: JournalMark): void {
  db.query(
    `INSERT INTO event_journal (id, bytes, last_seq) VALUES (1, ?, ?)
     ON CONFLICT (id) DO UPDATE SET bytes = excluded.bytes, last_seq = excluded.last_seq`,
  ).run(next.bytes, next.seq);
}
