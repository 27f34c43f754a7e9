/**
 * The dashboard's only view of the database: a read-only connection, projection snapshots for the
 * first frame, then incremental reads past a seq cursor whenever PRAGMA data_version says another
 * connection committed. Nothing here writes, and nothing scans the whole log.
 */
import type { Database, Statement } from "bun:sqlite";
import { watch, type FSWatcher } from "node:fs";
import { basename, dirname } from "node:path";
import { openReadonly } from "../events/db.ts";
import { rowToEvent, type EventRow, type StoredEvent } from "../events/envelope.ts";
import { findSession, listSessions, sessionAcs, sessionPhases, type SessionRow } from "../events/read.ts";
import { fromProjection, reduceAll, type SessionView } from "./state.ts";

const COLS =
  "seq, id, aggregate_type, aggregate_id, event_type, payload, timestamp, event_version, consensus_id, session_id";
/** Recent events re-applied on open for what the projections do not hold (tool in progress, tail). */
export const HYDRATE_EVENTS = 2000;
/** Verdict events are re-read in full (they are few) so old attempts' evidence is not lost. */
const VERDICT_TYPES = [
  "evaluation.stage.completed",
  "evaluation.pipeline.completed",
  "execution.ac.stall_detected",
  "resilience.lateral.activated",
];

export class DashboardSource {
  private db: Database | null = null;
  /** Prepared once: this runs every poll for as long as the dashboard is open. */
  private versionStmt: Statement | null = null;
  private version = -1;
  private watcher: FSWatcher | null = null;
  private listener: (() => void) | null = null;
  error: string | null = null;

  constructor(readonly path: string) {}

  /** Open lazily: the database may not exist until the first run writes it. */
  ready(): Database | null {
    if (this.db) return this.db;
    const r = openReadonly(this.path);
    if (!r.ok) this.error = r.error.message;
    else {
      this.error = null;
      this.db = r.value;
      this.versionStmt = r.value?.prepare("PRAGMA data_version") ?? null;
    }
    return this.db;
  }

  /** True when another connection committed since the last call (or on the first call). */
  changed(): boolean {
    const db = this.ready();
    if (!db) return false;
    try {
      const v = (this.versionStmt!.get() as { data_version: number }).data_version;
      if (v === this.version) return false;
      this.version = v;
      return true;
    } catch (e) {
      this.error = (e as Error).message;
      return false;
    }
  }

  sessions(limit = 200): SessionRow[] {
    const db = this.ready();
    return db ? listSessions(db, limit) : [];
  }

  resolve(idOrPrefix: string): SessionRow | null {
    const db = this.ready();
    return db ? findSession(db, idOrPrefix) : null;
  }

  /** One consistent snapshot (a single read transaction) of a session, ready to display. */
  load(sessionId: string): SessionView | null {
    const db = this.ready();
    if (!db) return null;
    return db.transaction(() => {
      const row = findSession(db, sessionId);
      if (!row) return null;
      const base = fromProjection(row, sessionAcs(db, row.session_id), sessionPhases(db, row.session_id));
      const upto = row.last_seq ?? 0;
      const recent = db
        .query(`SELECT ${COLS} FROM events WHERE session_id = ? AND seq <= ? ORDER BY seq DESC LIMIT ${HYDRATE_EVENTS}`)
        .all(row.session_id, upto) as EventRow[];
      const oldest = recent.length ? recent[recent.length - 1]!.seq : upto + 1;
      const verdicts = db
        .query(
          `SELECT ${COLS} FROM events WHERE session_id = ? AND seq < ? AND event_type IN (${VERDICT_TYPES.map(() => "?").join(",")}) ORDER BY seq`,
        )
        .all(row.session_id, oldest, ...VERDICT_TYPES) as EventRow[];
      const events = [...verdicts, ...recent.reverse()].map(rowToEvent);
      return reduceAll(base, events);
    })();
  }

  /** A session's events after the cursor, oldest first, at most `limit`. */
  eventsAfter(sessionId: string, afterSeq: number, limit = 5000): StoredEvent[] {
    const db = this.ready();
    if (!db) return [];
    const rows = db
      .query(`SELECT ${COLS} FROM events WHERE session_id = ? AND seq > ? ORDER BY seq LIMIT ?`)
      .all(sessionId, afterSeq, limit) as EventRow[];
    return rows.map(rowToEvent);
  }

  /**
   * Wake `onChange` when the database or its WAL is written (inotify/FSEvents on the directory),
   * so the dashboard can poll slowly yet show a commit at once. Returns false when the directory
   * cannot be watched (missing, or an exotic filesystem); callers then poll fast.
   */
  watch(onChange: () => void): boolean {
    // One watcher per source; the latest listener wins (the screen it belongs to is current).
    this.listener = onChange;
    if (this.watcher) return true;
    const name = basename(this.path);
    try {
      this.watcher = watch(dirname(this.path), { persistent: false }, (_event, file) => {
        if (!file || String(file).startsWith(name)) this.listener?.();
      });
      this.watcher.on("error", () => {
        this.watcher?.close();
        this.watcher = null;
      });
      return true;
    } catch {
      return false;
    }
  }

  close(): void {
    this.watcher?.close();
    this.watcher = null;
    this.versionStmt?.finalize();
    this.versionStmt = null;
    this.db?.close();
    this.db = null;
  }
}
