/**
 * Which event database a command uses: `--db postgres://…` or `OUROBOROS_DATABASE_URL=postgres://…`
 * selects PostgreSQL (a team sharing one server); otherwise the SQLite file at `--db PATH` or
 * `$OUROBOROS_HOME/ouroboros.db`. With a URL the local SQLite file is never opened, so nothing of
 * that run lands on this machine.
 */
import { paths } from "../config/paths.ts";
import { fail, ok, type Result } from "../errors.ts";
import type { EventBackend } from "./backend.ts";
import { openReadonly } from "./db.ts";
import { redactUrl } from "./db-url.ts";
import type { OwnedReader } from "./reader.ts";

export const DATABASE_URL_ENV = "OUROBOROS_DATABASE_URL";
/** How every command documents its `--db` option. */
export const DB_ARG_DESCRIPTION = `event database: a SQLite path or a postgres:// URL (default $${DATABASE_URL_ENV}, else $OUROBOROS_HOME/ouroboros.db)`;

export type BackendTarget = { kind: "sqlite"; path: string } | { kind: "postgres"; url: string };

/** Anything that looks like a URL (scheme://) rather than a file path. */
const URL_LIKE = /^[a-z][a-z0-9+.-]*:\/\//i;

function postgresUrl(raw: string, source: string): Result<BackendTarget> {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return fail("badArgs", `${source}: '${redactUrl(raw)}' is not a valid URL (expected postgres://user@host/db)`);
  }
  if (u.protocol !== "postgres:" && u.protocol !== "postgresql:")
    return fail(
      "badArgs",
      `${source}: scheme '${u.protocol.slice(0, -1)}' is not supported (use postgres:// or postgresql://)`,
    );
  if (!u.hostname) return fail("badArgs", `${source}: '${redactUrl(raw)}' names no host`);
  return ok({ kind: "postgres", url: raw });
}

/** `--db` wins over the environment; a value shaped like a URL must be a PostgreSQL one. */
export function resolveTarget(dbArg?: unknown, env: NodeJS.ProcessEnv = process.env): Result<BackendTarget> {
  const arg = typeof dbArg === "string" ? dbArg.trim() : "";
  if (arg) return URL_LIKE.test(arg) ? postgresUrl(arg, "--db") : ok({ kind: "sqlite", path: arg });
  const url = env[DATABASE_URL_ENV]?.trim();
  if (url) return postgresUrl(url, DATABASE_URL_ENV);
  return ok({ kind: "sqlite", path: paths.database() });
}

// Each backend is loaded when chosen: a command on SQLite never loads the PostgreSQL client, and a
// read that only copies JSONL (events --json) loads neither store.
const sqlite = () => import("./sqlite-backend.ts");
const openPostgres = async (url: string) => (await import("./pg/store.ts")).PgEventStore.open(url);

/** Open for writing (creates and migrates the database as needed). */
export async function openBackend(dbArg?: unknown): Promise<Result<EventBackend>> {
  const t = resolveTarget(dbArg);
  if (!t.ok) return t;
  return t.value.kind === "postgres" ? openPostgres(t.value.url) : (await sqlite()).SqliteBackend.open(t.value.path);
}

/**
 * Open for reading. A SQLite file that does not exist yet is not created: the result is null
 * (nothing recorded). A PostgreSQL database is shared and always there; it is opened as usual.
 */
export async function openReadBackend(dbArg?: unknown): Promise<Result<EventBackend | null>> {
  const t = resolveTarget(dbArg);
  if (!t.ok) return t;
  return t.value.kind === "postgres"
    ? openPostgres(t.value.url)
    : (await sqlite()).SqliteBackend.openReadonly(t.value.path);
}

/**
 * The SQLite file's read handle alone, for a plain copy of the log (`events --json`): neither store
 * is loaded. null when the target is PostgreSQL or the file does not exist yet (the caller then
 * takes the general path, which knows what to say).
 */
export async function openSqliteReader(dbArg?: unknown): Promise<Result<OwnedReader | null>> {
  const t = resolveTarget(dbArg);
  if (!t.ok) return t;
  return t.value.kind === "sqlite" ? openReadonly(t.value.path) : ok(null);
}
