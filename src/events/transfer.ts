/**
 * Session export/import as JSONL. Import validates every line before writing anything, then
 * appends in one transaction; ids already present are skipped, so importing twice is a no-op.
 */
import { readFileSync, writeFileSync } from "node:fs";
import * as v from "valibot";
import { fail, ok, type Result } from "../errors.ts";
import { eventJsonLine } from "./envelope.ts";
import { openReadonly } from "./db.ts";
import { forEachEventAsync } from "./read.ts";
import { EventStore, type PreparedRow } from "./store.ts";

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

/** Export to `file`, or line by line through `write` (awaited: a slow reader gets every line). */
export async function exportSession(dbPath: string, session: string, file: string | null, write: (line: string) => void | Promise<void>): Promise<Result<number>> {
  const db = openReadonly(dbPath);
  if (!db.ok) return db;
  if (!db.value) return fail("unknownId", `no session ${session}: the event database does not exist yet`);
  const lines: string[] = [];
  const n = await forEachEventAsync(db.value, { session }, (r) => {
    if (file) lines.push(eventJsonLine(r));
    else return write(eventJsonLine(r));
  });
  db.value.close();
  if (n === 0) return fail("unknownId", `no events for session ${session}`);
  if (file) writeFileSync(file, `${lines.join("\n")}\n`);
  return ok(n);
}

export interface ImportReport {
  lines: number;
  imported: number;
  skipped: number;
}

export function importFile(dbPath: string, file: string): Result<ImportReport> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    return fail("badArgs", `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? e}`);
  }
  const opened = EventStore.open(dbPath);
  if (!opened.ok) return opened;
  const store = opened.value;
  try {
    const rows: PreparedRow[] = [];
    const bad: string[] = [];
    const lines = text.split("\n");
    lines.forEach((line, i) => {
      if (!line.trim()) return;
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch {
        bad.push(`${file}:${i + 1}: not valid JSON`);
        return;
      }
      const parsed = v.safeParse(ImportLine, json);
      if (!parsed.success) {
        const issue = parsed.issues[0];
        bad.push(`${file}:${i + 1}: ${issue.path?.map((p) => String(p.key)).join(".") || "event"}: ${issue.message}`);
        return;
      }
      const row = store.prepareEvent(parsed.output);
      if (!row.ok) bad.push(`${file}:${i + 1}: ${row.error.message}`);
      else rows.push(row.value);
    });
    if (bad.length) return fail("invalidData", `${bad.length} bad line${bad.length === 1 ? "" : "s"} in ${file}; nothing imported`, { details: bad.slice(0, 50) });
    const r = store.appendRows(rows);
    if (!r.ok) return r;
    return ok({ lines: rows.length, imported: r.value.stored.length, skipped: r.value.skipped.length });
  } finally {
    store.close();
  }
}
