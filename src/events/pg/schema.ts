/**
 * PostgreSQL schema: the same tables and columns as the SQLite migrations (migrations.ts), in
 * PostgreSQL's dialect. `payload` stays TEXT so exported JSONL is byte-identical to what was
 * appended (jsonb would reorder keys). Migrations run under an advisory lock, so several
 * machines starting at once apply each one exactly once.
 */
import type { SQL } from "bun";
import type { OuroError } from "../../errors.ts";

/** Advisory lock keys (any constant bigint; namespaced by value). */
export const MIGRATE_LOCK = 0x6f75726f01;
export const APPEND_LOCK = 0x6f75726f02;
/** NOTIFY channel: the payload is the last seq committed by the transaction. */
export const CHANNEL = "ouroboros_events";

export const PG_MIGRATIONS: readonly { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: "events, sessions and AC projections",
    sql: `
      CREATE TABLE IF NOT EXISTS events (
        seq            BIGSERIAL PRIMARY KEY,
        id             TEXT NOT NULL UNIQUE,
        aggregate_type TEXT NOT NULL,
        aggregate_id   TEXT NOT NULL,
        event_type     TEXT NOT NULL,
        payload        TEXT NOT NULL,
        timestamp      TEXT NOT NULL,
        event_version  INTEGER NOT NULL DEFAULT 1,
        consensus_id   TEXT,
        session_id     TEXT
      );
      CREATE INDEX IF NOT EXISTS ix_events_aggregate ON events(aggregate_type, aggregate_id, seq);
      CREATE INDEX IF NOT EXISTS ix_events_session ON events(session_id, seq) WHERE session_id IS NOT NULL;
      CREATE INDEX IF NOT EXISTS ix_events_type ON events(event_type);
      CREATE INDEX IF NOT EXISTS ix_events_timestamp ON events(timestamp);

      CREATE TABLE IF NOT EXISTS sessions (
        session_id        TEXT PRIMARY KEY,
        execution_id      TEXT,
        seed_id           TEXT,
        goal              TEXT,
        runtime           TEXT,
        status            TEXT NOT NULL,
        current_phase     TEXT,
        started_at        TEXT,
        updated_at        TEXT,
        start_event_id    TEXT,
        terminal_event_id TEXT,
        terminal_type     TEXT,
        event_count       BIGINT NOT NULL DEFAULT 0,
        last_seq          BIGINT,
        cost_usd          DOUBLE PRECISION NOT NULL DEFAULT 0,
        tokens            BIGINT NOT NULL DEFAULT 0,
        acs_total         INTEGER NOT NULL DEFAULT 0,
        acs_passed        INTEGER NOT NULL DEFAULT 0,
        acs_failed        INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX IF NOT EXISTS ix_sessions_started ON sessions(started_at);

      CREATE TABLE IF NOT EXISTS session_acs (
        session_id  TEXT NOT NULL,
        ac_id       TEXT NOT NULL,
        position    INTEGER NOT NULL,
        parent_id   TEXT,
        depth       INTEGER NOT NULL DEFAULT 0,
        description TEXT NOT NULL,
        status      TEXT NOT NULL DEFAULT 'pending',
        phase       TEXT,
        tier        TEXT,
        attempts    INTEGER NOT NULL DEFAULT 0,
        cost_usd    DOUBLE PRECISION NOT NULL DEFAULT 0,
        tokens      BIGINT NOT NULL DEFAULT 0,
        updated_seq BIGINT,
        PRIMARY KEY (session_id, ac_id)
      );

      CREATE TABLE IF NOT EXISTS session_phases (
        session_id TEXT NOT NULL,
        phase      TEXT NOT NULL,
        status     TEXT NOT NULL,
        started_at TEXT,
        ended_at   TEXT,
        PRIMARY KEY (session_id, phase)
      );
    `,
  },
  {
    version: 2,
    name: "session reducer snapshots",
    sql: `
      CREATE TABLE IF NOT EXISTS session_snapshots (
        session_id TEXT PRIMARY KEY,
        seq        BIGINT NOT NULL,
        state      TEXT NOT NULL
      );
    `,
  },
  {
    version: 3,
    name: "session leases (who runs a session; coordination, not history)",
    sql: `
      CREATE TABLE IF NOT EXISTS session_leases (
        session_id   TEXT PRIMARY KEY,
        owner_host   TEXT NOT NULL,
        owner_pid    INTEGER NOT NULL,
        project_dir  TEXT,
        -- milliseconds since the epoch on the server's clock
        heartbeat_at BIGINT NOT NULL,
        expires_at   BIGINT NOT NULL
      );
    `,
  },
];

export async function migratePg(sql: SQL): Promise<void> {
  await sql.begin(async (tx) => {
    await tx`SELECT pg_advisory_xact_lock(${MIGRATE_LOCK})`;
    await tx.unsafe(`CREATE TABLE IF NOT EXISTS ouroboros_schema (version INTEGER NOT NULL)`);
    const [row] = await tx.unsafe(`SELECT max(version) AS v FROM ouroboros_schema`);
    const now = Number(row?.v ?? 0);
    for (const m of PG_MIGRATIONS) {
      if (m.version <= now) continue;
      await tx.unsafe(m.sql).simple();
      await tx`INSERT INTO ouroboros_schema (version) VALUES (${m.version})`;
    }
  });
}

/** Runs inside the append transaction after the lock; an error refuses the whole batch. */
export type PgGuard = (tx: SQL) => Promise<OuroError | null>;
