/**
 * Import of session JSONL on PostgreSQL with the same rules as SQLite (whole file validated first,
 * ids present skipped, ended sessions final). Export is backend-neutral (transfer.ts).
 */
import { ok, type Result } from "../../errors.ts";
import { endedSessionProblem, type ImportReport, type ParsedImport } from "../transfer.ts";
import type { PgGuard } from "./schema.ts";
import type { AppendResult, PreparedRow } from "../store.ts";

/** PostgreSQL side of EventBackend.importRows: the same all-or-nothing rule, checked under the append lock. */
export async function importRowsPg(
  store: { appendRows(rows: readonly PreparedRow[], guard: PgGuard): Promise<Result<AppendResult>> },
  { file, rows, lineOf }: ParsedImport,
): Promise<Result<ImportReport>> {
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
