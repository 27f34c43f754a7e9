/**
 * `events --json` at pipe speed: each JSONL line is rendered inside SQLite and read back as one
 * string column, so no row object and no JSON.stringify call is made per event (a third fewer
 * instructions per event), and lines leave in chunks of about 128 KiB.
 * The bytes are exactly those of eventJsonLine (test/events/jsonl.test.ts compares them):
 * json_quote() escapes a string as JSON.stringify does, and the stored payload is already the
 * compact JSON.stringify text written (and redacted) at append, so it is copied as is.
 */
import type { Database } from "bun:sqlite";
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
function lineSql(db: Database): string {
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

/** One event through the generic renderer. */
async function genericLine(db: Database, seq: number): Promise<string> {
  const eventJsonLine = await renderer();
  let line = "";
  forEachEvent(EventReader.over(db), { afterSeq: seq - 1, limit: 1 }, (r) => {
    line = `${eventJsonLine(r)}\n`;
  });
  return line;
}

/** A page SQLite refused to render (json_quote() refuses a BLOB another tool stored in a text column). */
async function genericPage(db: Database, filter: EventFilter, afterSeq: number, limit: number): Promise<string[]> {
  const eventJsonLine = await renderer();
  const lines: string[] = [];
  forEachEvent(EventReader.over(db), { ...filter, afterSeq, limit }, (r) => {
    lines.push(`${eventJsonLine(r)}\n`);
  });
  return lines;
}

const seqOf = (line: string): number => Number(line.slice(9, line.indexOf(",", 9)));

/**
 * The JSONL of every event matching `filter`, in seq order, as chunks of whole lines (each ends
 * with "\n"; their concatenation is the output). `at.seq` is the seq of the last event yielded,
 * so a follower can go on from there. One read snapshot for the whole scan, as one query has.
 */
export async function* eventJsonlChunks(
  reader: EventReader,
  filter: EventFilter,
  at: { seq: number } = { seq: 0 },
): AsyncGenerator<string> {
  let remaining = filter.limit ? Math.max(0, Math.floor(filter.limit)) : Number.POSITIVE_INFINITY;
  at.seq = filter.afterSeq ?? 0;
  let rowsWanted = 256;
  const db = EventReader.sqlite(reader);
  const line = lineSql(db);
  const own = !db.inTransaction;
  if (own) db.exec("BEGIN");
  try {
    while (remaining > 0) {
      const limit = Math.min(rowsWanted, remaining);
      const w = where({ ...filter, afterSeq: at.seq });
      let lines: string[];
      try {
        const rows = db
          .query(
            `SELECT CASE WHEN ${SPELLED_ALIKE} THEN ${line} ELSE seq END FROM events ${w.sql} ORDER BY seq LIMIT ?`,
          )
          .values(...w.params, limit) as [string | number][];
        lines = rows.map(([v]) => v as string);
        for (const [i, [v]] of rows.entries()) if (typeof v === "number") lines[i] = await genericLine(db, v);
      } catch {
        lines = await genericPage(db, filter, at.seq, limit);
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
