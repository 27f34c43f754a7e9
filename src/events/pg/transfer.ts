/**
 * Export/import of sessions as JSONL on PostgreSQL: the same lines as the SQLite export, and the
 * same import rules (whole file validated first, ids present skipped, ended sessions final).
 */
import { fail, ok, type Result } from "../../errors.ts";
import { eventJsonLine } from "../envelope.ts";
import { endedSessionProblem, parseLines, readImport, type ImportReport } from "../transfer.ts";
import type { PgEventStore } from "./store.ts";

export async function exportSessionPg(store: PgEventStore, session: string): Promise<Result<string[]>> {
  const rows = await store.queryEvents({ session });
  if (!rows.length) return fail("unknownId", `no events for session ${session}`);
  return ok(rows.map(eventJsonLine));
}

export async function importFilePg(store: PgEventStore, file: string): Promise<Result<ImportReport>> {
  const text = readImport(file);
  if (!text.ok) return text;
  const parsed = parseLines(file, text.value);
  if (!parsed.ok) return parsed;
  const { rows, lineOf } = parsed.value;
  const r = await store.appendRows(rows, async (tx) => {
    const ids = JSON.stringify(rows.map((x) => x.id));
    const sids = JSON.stringify([...new Set(rows.map((x) => x.session_id).filter(Boolean))]);
    const present = new Set(
      (
        (await tx.unsafe(`SELECT id FROM events WHERE id IN (SELECT json_array_elements_text($1::text::json))`, [
          ids,
        ])) as { id: string }[]
      ).map((x) => x.id),
    );
    const ended = new Map(
      (
        (await tx.unsafe(
          `SELECT session_id, terminal_type FROM sessions WHERE terminal_event_id IS NOT NULL AND session_id IN (SELECT json_array_elements_text($1::text::json))`,
          [sids],
        )) as { session_id: string; terminal_type: string }[]
      ).map((x) => [x.session_id, x.terminal_type]),
    );
    return endedSessionProblem(
      file,
      rows,
      lineOf,
      (id) => present.has(id),
      (sid) => ended.get(sid),
    );
  });
  if (!r.ok) return r;
  return ok({ lines: rows.length, imported: r.value.stored.length, skipped: r.value.skipped.length });
}
