/**
 * Opening the SQLite event database: WAL, busy timeout, migrations.
 * Writers migrate; readers open read-only and never create anything.
 */
import { Database } from "bun:sqlite";
import { existsSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { describeUnknown, fail, ok, type Result } from "../errors.ts";
import { LATEST_VERSION, MIGRATIONS } from "./migrations.ts";
import { OwnedReader } from "./reader.ts";

export const BUSY_TIMEOUT_MS = 30_000;

function pragmas(db: Database, readonly: boolean): void {
  db.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
  if (readonly) return;
  db.exec("PRAGMA journal_mode = WAL");
  db.exec("PRAGMA synchronous = NORMAL");
  // Bounded WAL: SQLite truncates the file back to this size after a checkpoint.
  db.exec("PRAGMA journal_size_limit = 67108864");
  db.exec("PRAGMA foreign_keys = ON");
}

export function migrate(db: Database): void {
  const current = (db.query("PRAGMA user_version").get() as { user_version: number }).user_version;
  if (current >= LATEST_VERSION) return;
  db.transaction(() => {
    // Re-read inside the write lock: another process may have migrated meanwhile.
    const now = (db.query("PRAGMA user_version").get() as { user_version: number }).user_version;
    for (const m of MIGRATIONS) {
      if (m.version <= now) continue;
      db.exec(m.sql);
      db.exec(`PRAGMA user_version = ${m.version}`);
    }
  }).immediate();
}

export function openWritable(path: string): Result<Database> {
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const db = new Database(path, { create: true, strict: true });
    pragmas(db, false);
    migrate(db);
    return ok(db);
  } catch (e) {
    return fail("failure", `cannot open event database ${path}: ${describeUnknown(e)}`);
  }
}

/** Read-only open; `null` when the database does not exist yet (nothing recorded). */
export function openReadonly(path: string): Result<OwnedReader | null> {
  if (!existsSync(path)) return ok(null);
  try {
    const db = new Database(path, { readonly: true, strict: true });
    pragmas(db, true);
    const v = (db.query("PRAGMA user_version").get() as { user_version: number }).user_version;
    if (v === 0) {
      db.close();
      return ok(null);
    }
    if (v > LATEST_VERSION) {
      db.close();
      return fail(
        "failure",
        `event database ${path} has schema ${v}, newer than this binary understands (${LATEST_VERSION})`,
        {
          hint: "upgrade ouroboros",
        },
      );
    }
    return ok(OwnedReader.own(db));
  } catch (e) {
    return fail("failure", `cannot open event database ${path}: ${describeUnknown(e)}`);
  }
}
