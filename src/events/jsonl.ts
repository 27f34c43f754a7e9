/**
 * `events --json` at pipe speed: each JSONL line is rendered inside SQLite and read back as one
 * string column, so no row object and no JSON.stringify call is made per event (a third fewer
 * instructions per event), and lines leave in chunks of about 128 KiB.
 * The bytes are exactly those of eventJsonLine (test/events/jsonl.test.ts compares them):
 * json_quote() escapes a string as JSON.stringify does, and the stored payload is already the
 * compact JSON.stringify text written (and redacted) at append, so it is copied as is.
 */
import type { Database } from "bun:sqlite";
import { closeSync } from "node:fs";
import type { EventRow } from "./envelope.ts";
import { journalPath, openVerified, readAt, readMark, type JournalMark } from "./journal.ts";
import { forEachEvent, where, type EventFilter } from "./read.ts";
import { EventReader } from "./reader.ts";

/** Chunks of about this many characters: one write and one drain wait each. */
const TARGET_CHUNK_CHARS = 128 * 1024;
const MAX_ROWS_PER_CHUNK = 8192;

const FIELDS = [
  ["rowid", "seq"],
  ["id", "json_quote(id)"],
  ["type", "json_quote(event_type)"],
  ["aggregate_type", "json_quote(aggregate_type)"],
  ["aggregate_id", "json_quote(aggregate_id)"],
  ["session_id", "json_quote(session_id)"],
  ["timestamp", "json_quote(timestamp)"],
  ["event_version", "event_version"],
  ["consensus_id", "json_quote(consensus_id)"],
  ["data", "payload"],
] as const;

/**
 * The line as SQL. concat() (SQLite 3.44+) costs ~10 % less than printf(), which every SQLite
 * has; `||` copies the growing line once per field. The literal ends with a real newline.
 */
let lineSqlText: string | undefined;
function lineSql(db: Database): string {
  lineSqlText ??= lineSqlFor(db);
  return lineSqlText;
}

function lineSqlFor(db: Database): string {
  const [major, minor] = (db.query("SELECT sqlite_version() AS v").get() as { v: string }).v.split(".").map(Number);
  if (major! > 3 || (major === 3 && minor! >= 44)) {
    const parts = FIELDS.map(([k, e], i) => `'${i ? "," : "{"}"${k}":', ${e}`);
    return `concat(${parts.join(", ")}, '}\n')`;
  }
  const format = FIELDS.map(([k], i) => `${i ? "," : "{"}"${k}":${k === "rowid" ? "%d" : "%s"}`).join("");
  return `printf('${format}}\n', ${FIELDS.map(([, e]) => e).join(", ")})`;
}

/**
 * Rows SQLite spells as JavaScript does: an event_version that is a whole number JavaScript holds
 * exactly, a text payload. Any other row comes back as its seq and goes through eventJsonLine.
 */
const SPELLED_ALIKE = `event_version BETWEEN -9007199254740991 AND 9007199254740991
  AND event_version = CAST(event_version AS INTEGER) AND typeof(payload) = 'text'`;

/** The generic renderer, loaded when first needed: it brings valibot, a cost at every start-up. */
const renderer = () => import("./envelope.ts").then((m) => m.eventJsonLine);

/** A line renderer over read rows (eventJsonLine); the trailing newline is added here. */
export type RowRenderer = (r: EventRow) => string;

/** A page SQLite refused to render (json_quote() refuses a BLOB another tool stored in a text column). */
function genericPage(
  db: Database,
  filter: EventFilter,
  afterSeq: number,
  limit: number,
  render: RowRenderer,
): string[] {
  const lines: string[] = [];
  forEachEvent(EventReader.over(db), { ...filter, afterSeq, limit }, (r) => {
    lines.push(`${render(r)}\n`);
  });
  return lines;
}

/**
 * Up to `limit` lines of the events matching `filter` after `afterSeq`, in seq order, each ending
 * with "\n". null when a row needs the generic renderer and `render` is null (the caller loads it
 * and asks again). Synchronous, so writers render inside their transaction (journal-writer.ts).
 */
export function renderPage(
  db: Database,
  filter: EventFilter,
  afterSeq: number,
  limit: number,
  render: RowRenderer | null,
): string[] | null {
  const w = where({ ...filter, afterSeq });
  let rows: [string | number][];
  try {
    rows = db
      .query(
        `SELECT CASE WHEN ${SPELLED_ALIKE} THEN ${lineSql(db)} ELSE seq END FROM events ${w.sql} ORDER BY seq LIMIT ?`,
      )
      .values(...w.params, limit) as [string | number][];
  } catch {
    return render ? genericPage(db, filter, afterSeq, limit, render) : null;
  }
  const lines = rows.map(([v]) => v as string);
  for (const [i, [v]] of rows.entries()) {
    if (typeof v !== "number") continue;
    if (!render) return null;
    lines[i] = genericPage(db, {}, v - 1, 1, render)[0]!;
  }
  return lines;
}

export const seqOf = (line: string): number => Number(line.slice(9, line.indexOf(",", 9)));

/** The rendered line of event `seq`, null if there is none or SQLite cannot spell it. */
export const lineOf = (db: Database, seq: number, render: RowRenderer | null = null): string | null => {
  const page = renderPage(db, {}, seq - 1, 1, render);
  return page?.length && seqOf(page[0]!) === seq ? page[0]! : null;
};

/** Copy chunks: ~1 MiB reads into one buffer reused once the consumer has taken the chunk. */
const COPY_CHUNK = 1 << 20;
const NL = 10;

/**
 * The committed journal bytes, as chunks of whole lines (subarrays of one reused buffer, each valid
 * until the next is asked for: the consumer writes it, and waits for drain, before asking).
 * `at.seq` follows the last line of each chunk.
 */
function* journalChunks(fd: number, bytes: number, at: { seq: number }): Generator<Uint8Array> {
  let buf = Buffer.allocUnsafe(COPY_CHUNK);
  let held = 0; // bytes carried over from the last read: the start of a line
  let pos = 0;
  while (pos < bytes || held) {
    if (held === buf.length) {
      // One line longer than the buffer: grow it.
      const bigger = Buffer.allocUnsafe(buf.length * 2);
      buf.copy(bigger, 0, 0, held);
      buf = bigger;
    }
    const want = Math.min(buf.length - held, bytes - pos);
    const got = readAt(fd, buf, want, pos, held);
    if (got !== want) throw new Error("event journal: shorter than its committed length");
    pos += got;
    const filled = held + got;
    const end = pos === bytes ? filled : buf.lastIndexOf(NL, filled - 1) + 1;
    if (end === 0) {
      held = filled;
      continue;
    }
    const lastStart = buf.lastIndexOf(NL, end - 2) + 1;
    at.seq = seqOf(buf.toString("latin1", lastStart, Math.min(end, lastStart + 40)));
    yield buf.subarray(0, end);
    held = filled - end;
    buf.copyWithin(0, end, filled);
  }
}

/** No filter, no limit: the whole log, which the journal can serve. */
const isPlain = (f: EventFilter): boolean =>
  !f.session && !f.sinceTime && !f.typeGlob && !f.afterSeq && f.limit === undefined;

/** The committed, verified journal of this snapshot, or null (then SQL renders everything). */
function openJournal(db: Database): { fd: number; mark: JournalMark } | null {
  const path = journalPath(db);
  const mark = path ? readMark(db) : null;
  if (!path || !mark || mark.seq === 0) return null;
  const fd = openVerified(path, mark, (seq) => lineOf(db, seq));
  return fd === null ? null : { fd, mark };
}

/**
 * The JSONL of every event matching `filter`, in seq order, as chunks of whole lines (each ends
 * with "\n"; their concatenation is the output). `at.seq` is the seq of the last event yielded,
 * so a follower can go on from there. One read snapshot for the whole scan, as one query has.
 * With no filter and no limit the committed journal is copied as bytes (each such chunk is valid
 * until the next is requested), then events after its mark are rendered; `journal: false` skips it.
 */
export async function* eventJsonlChunks(
  reader: EventReader,
  filter: EventFilter,
  at: { seq: number } = { seq: 0 },
  opts: { journal?: boolean } = {},
): AsyncGenerator<string | Uint8Array> {
  let remaining = filter.limit ? Math.max(0, Math.floor(filter.limit)) : Number.POSITIVE_INFINITY;
  at.seq = filter.afterSeq ?? 0;
  let rowsWanted = 256;
  const db = EventReader.sqlite(reader);
  let render: RowRenderer | null = null;
  const own = !db.inTransaction;
  if (own) db.exec("BEGIN");
  try {
    const journal = opts.journal !== false && isPlain(filter) ? openJournal(db) : null;
    if (journal) {
      try {
        yield* journalChunks(journal.fd, journal.mark.bytes, at);
      } finally {
        closeSync(journal.fd);
      }
      at.seq = journal.mark.seq;
    }
    while (remaining > 0) {
      const limit = Math.min(rowsWanted, remaining);
      let lines = renderPage(db, filter, at.seq, limit, render);
      if (!lines) {
        render = await renderer();
        lines = renderPage(db, filter, at.seq, limit, render)!;
      }
      if (!lines.length) return;
      const text = lines.join("");
      at.seq = seqOf(lines[lines.length - 1]!);
      remaining -= lines.length;
      rowsWanted = Math.max(
        1,
        Math.min(MAX_ROWS_PER_CHUNK, Math.round((lines.length * TARGET_CHUNK_CHARS) / text.length)),
      );
      yield text;
      if (lines.length < limit) return;
    }
  } finally {
    if (own && db.inTransaction) db.exec("COMMIT");
  }
}

/** Where a plain copy of the log goes: rendered text, and ranges of the journal file. */
export interface LogSink {
  text(t: string): Promise<void>;
  fileRange(fd: number, offset: number, count: number): Promise<void>;
}

/**
 * The whole log as JSONL, in one read snapshot: the verified journal handed over as a file range
 * (the sink may let the kernel copy it), then the events after its mark rendered by SQLite.
 * The same bytes as eventJsonlChunks with no filter.
 */
export async function copyLog(reader: EventReader, sink: LogSink): Promise<void> {
  const db = EventReader.sqlite(reader);
  db.exec("BEGIN");
  try {
    const journal = openJournal(db);
    if (journal) {
      try {
        await sink.fileRange(journal.fd, 0, journal.mark.bytes);
      } finally {
        closeSync(journal.fd);
      }
    }
    const after = { afterSeq: journal?.mark.seq ?? 0 };
    for await (const chunk of eventJsonlChunks(reader, after, undefined, { journal: false }))
      await sink.text(chunk as string);
  } finally {
    if (db.inTransaction) db.exec("COMMIT");
  }
}
