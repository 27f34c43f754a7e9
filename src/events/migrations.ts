/**
 * Numbered schema migrations. PRAGMA user_version records the last one applied, so an
 * up-to-date database costs one pragma read at start-up.
 */
export const MIGRATIONS: readonly { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: "events, sessions and AC projections",
    sql: `
      CREATE TABLE IF NOT EXISTS events (
        seq            INTEGER PRIMARY KEY AUTOINCREMENT,
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
        event_count       INTEGER NOT NULL DEFAULT 0,
        last_seq          INTEGER,
        cost_usd          REAL NOT NULL DEFAULT 0,
        tokens            INTEGER NOT NULL DEFAULT 0,
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
        cost_usd    REAL NOT NULL DEFAULT 0,
        tokens      INTEGER NOT NULL DEFAULT 0,
        updated_seq INTEGER,
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
        seq        INTEGER NOT NULL,
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
        heartbeat_at INTEGER NOT NULL,
        expires_at   INTEGER NOT NULL
      );
    `,
  },
  {
    version: 4,
    name: "JSONL journal mark (journal.ts): the committed length and last seq of <db>.jsonl",
    // Rewriting or removing an event behind the store's back makes the journal stale: the
    // triggers drop the mark, so readers render with SQL until the next append rebuilds it.
    sql: `
      CREATE TABLE IF NOT EXISTS event_journal (
        id       INTEGER PRIMARY KEY CHECK (id = 1),
        bytes    INTEGER NOT NULL,
        last_seq INTEGER NOT NULL
      );
      CREATE TRIGGER IF NOT EXISTS event_journal_stale_on_update AFTER UPDATE ON events
        BEGIN DELETE FROM event_journal; END;
      CREATE TRIGGER IF NOT EXISTS event_journal_stale_on_delete AFTER DELETE ON events
        BEGIN DELETE FROM event_journal; END;
    `,
  },
];

export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;
