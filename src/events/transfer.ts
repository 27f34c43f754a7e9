/**
 * Session export/import as JSONL. Import validates every line before writing anything, then
 * appends in one transaction; ids already present are skipped, so importing twice is a no-op,
 * and nothing is ever added to a session that has ended.
 */
import type { Database } from "bun:sqlite";
import { writeFileSync } from "node:fs";
import * as v from "valibot";
import { fail, ok, ouroError, type OuroError, type Result } from "../errors.ts";
import { capEnvName, decodeText, inputCap, jsonTooDeep, MAX_NESTING, readBoundedBytes } from "../util/bounded-read.ts";
import { TERMINAL_TYPES } from "./catalogue.ts";
import { eventJsonLine } from "./envelope.ts";
import type { EventRow } from "./envelope.ts";
import type { EventFilter } from "./read.ts";
import { prepareEvent, type EventStore, type PreparedRow } from "./store.ts";

const ImportLine = v.object({
  id: v.pipe(v.string(), v.minLength(1)),
  type: v.string(),
  aggregate_type: v.string(),
  aggregate_id: v.string(),
  timestamp: v.pipe(v.string(), v.isoTimestamp()),
  event_version: v.optional(v.number(), 1),
  consensus_id: v.optional(v.nullable(v.string()), null),
  data: v.record(v.string(), v.unknown()),
});

/** What export reads from: any EventBackend (typed here by shape, as backend.ts imports this file). */
export interface EventSource {
  forEachEvent(filter: EventFilter, fn: (row: EventRow) => void | Promise<void>): Promise<number>;
}

/**
 * Export to `file`, or line by line through `write` (awaited: a slow reader gets every line).
 * `backend` null: the database does not exist yet, so there is no such session.
 */
export async function exportSession(
  backend: EventSource | null,
  session: string,
  file: string | null,
  write: (line: string) => void | Promise<void>,
): Promise<Result<number>> {
  if (!backend) return fail("unknownId", `no session ${session}: the event database does not exist yet`);
  const lines: string[] = [];
  const n = await backend.forEachEvent({ session }, (r) => {
    if (file) lines.push(eventJsonLine(r));
    else return write(eventJsonLine(r));
  });
  if (n === 0) return fail("unknownId", `no events for session ${session}`);
  if (file) writeFileSync(file, `${lines.join("\n")}\n`);
  return ok(n);
}

export interface ImportReport {
  lines: number;
  imported: number;
  skipped: number;
}

/** The whole file, bounded (devices, FIFOs and oversize files refused before reading). */
export function readImport(file: string): Result<string> {
  const bytes = readBoundedBytes(file, inputCap("import"));
  if (!bytes.ok) {
    const hint = bytes.error.code === "file.too_large" ? `${capEnvName("import")} raises the limit` : undefined;
    return fail(
      bytes.error.code === "file.missing" ? "badArgs" : "invalidData",
      `cannot import ${file}: ${bytes.error.message}; nothing imported`,
      hint ? { hint } : {},
    );
  }
  const text = decodeText(bytes.value);
  if (!text.ok) return fail("invalidData", `cannot import ${file}: ${text.error.message}; nothing imported`);
  return ok(text.value);
}

/** Validate every line; rows carry their 1-based line number for messages. */
export function parseLines(file: string, text: string): Result<{ rows: PreparedRow[]; lineOf: number[] }> {
  const rows: PreparedRow[] = [];
  const lineOf: number[] = [];
  const bad: string[] = [];
  for (const [i, line] of text.split("\n").entries()) {
    if (!line.trim()) continue;
    const at = `${file}:${i + 1}`;
    if (jsonTooDeep(line) >= 0) {
      bad.push(`${at}: refused: nesting deeper than ${MAX_NESTING} levels`);
      continue;
    }
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      bad.push(`${at}: not valid JSON`);
      continue;
    }
    const parsed = v.safeParse(ImportLine, json);
    if (!parsed.success) {
      const issue = parsed.issues[0];
      bad.push(`${at}: ${issue.path?.map((p) => String(p.key)).join(".") || "event"}: ${issue.message}`);
      continue;
    }
    const { session_id: sid } = parsed.output.data;
    if (parsed.output.aggregate_type === "session" && sid !== undefined && sid !== parsed.output.aggregate_id) {
      bad.push(
        `${at}: data.session_id ${JSON.stringify(sid)} contradicts its aggregate (session ${parsed.output.aggregate_id})`,
      );
      continue;
    }
    const row = prepareEvent(parsed.output, "accept");
    if (!row.ok) {
      bad.push(`${at}: ${row.error.message}`);
      continue;
    }
    rows.push(row.value);
    lineOf.push(i + 1);
  }
  if (bad.length === 1) return fail("invalidData", `${bad[0]}; nothing imported`);
  if (bad.length)
    return fail("invalidData", `${bad.length} bad lines in ${file}; nothing imported`, { details: bad.slice(0, 50) });
  return ok({ rows, lineOf });
}

export interface ParsedImport {
  file: string;
  rows: PreparedRow[];
  lineOf: number[];
}

/** Read and validate a whole import file; nothing needs a database yet (a bad file creates none). */
export function parseImport(file: string): Result<ParsedImport> {
  const text = readImport(file);
  if (!text.ok) return text;
  const parsed = parseLines(file, text.value);
  return parsed.ok ? ok({ file, ...parsed.value }) : parsed;
}

/**
 * Inside the import transaction: events already present (by id) are skipped; any other event
 * that would add to a session which has ended (in the database or earlier in the file) refuses
 * the whole import. There is no override: a finished session's history is final.
 * The look-ups are passed in so both backends share this rule.
 */
export function endedSessionProblem(
  file: string,
  rows: readonly PreparedRow[],
  lineOf: readonly number[],
  present: (id: string) => boolean,
  endedAs: (sessionId: string) => string | undefined,
): OuroError | null {
  const endedInFile = new Map<string, string>();
  const seen = new Set<string>();
  for (const [i, row] of rows.entries()) {
    if (seen.has(row.id) || present(row.id)) continue;
    seen.add(row.id);
    const sid = row.session_id;
    if (!sid) continue;
    const end = endedAs(sid) ?? endedInFile.get(sid);
    if (end) {
      return ouroError(
        "invalidData",
        `${file}:${lineOf[i]}: event ${row.id} (${row.event_type}) would add to session ${sid}, which has ended (${end}); nothing imported`,
      );
    }
    if (TERMINAL_TYPES.includes(row.event_type as (typeof TERMINAL_TYPES)[number]))
      endedInFile.set(sid, row.event_type);
  }
  return null;
}

function endedSessionGuard(
  file: string,
  rows: readonly PreparedRow[],
  lineOf: readonly number[],
): (db: Database) => OuroError | null {
  return (db) => {
    const exists = db.prepare(`SELECT 1 FROM events WHERE id = ?`);
    const ended = db.prepare(
      `SELECT terminal_type FROM sessions WHERE session_id = ? AND terminal_event_id IS NOT NULL`,
    );
    return endedSessionProblem(
      file,
      rows,
      lineOf,
      (id) => Boolean(exists.get(id)),
      (sid) => (ended.get(sid) as { terminal_type: string } | null)?.terminal_type,
    );
  };
}

/** SQLite side of EventBackend.importRows. */
export function importIntoStore(store: EventStore, { file, rows, lineOf }: ParsedImport): Result<ImportReport> {
  const r = store.appendRows(rows, endedSessionGuard(file, rows, lineOf));
  if (!r.ok) return r;
  return ok({ lines: rows.length, imported: r.value.stored.length, skipped: r.value.skipped.length });
}
