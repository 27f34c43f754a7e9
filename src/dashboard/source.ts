/**
 * The dashboard's only view of the database: a read-only connection, projection snapshots for the
 * first frame, then incremental reads past a seq cursor whenever PRAGMA data_version says another
 * connection committed. Nothing here writes, and nothing scans the whole log.
 */
import { watch, type FSWatcher } from "node:fs";
import { basename, dirname } from "node:path";
import { openReadonly } from "../events/db.ts";
import { rowToEvent, type StoredEvent } from "../events/envelope.ts";
import { sessionSnapshot } from "../events/queries.ts";
import { dataVersion, findSession, listSessions, queryEvents, type SessionRow } from "../events/read.ts";
import type { OwnedReader } from "../events/reader.ts";
import { fromProjection, reduceAll, type SessionView } from "./state.ts";

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
  private db: OwnedReader | null = null;
  private version = -1;
  private watcher: FSWatcher | null = null;
  private listener: (() => void) | null = null;
  error: string | null = null;

  constructor(readonly path: string) {}

  /** Open lazily: the database may not exist until the first run writes it. */
  ready(): OwnedReader | null {
    if (this.db) return this.db;
    const r = openReadonly(this.path);
    if (!r.ok) this.error = r.error.message;
    else {
      this.error = null;
      this.db = r.value;
    }
    return this.db;
  }

  /** True when another connection committed since the last call (or on the first call). */
  changed(): boolean {
    const db = this.ready();
    if (!db) return false;
    try {
      const v = dataVersion(db);
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
    const snap = sessionSnapshot(db, sessionId, HYDRATE_EVENTS, VERDICT_TYPES);
    if (!snap) return null;
    const base = fromProjection(snap.row, snap.acs, snap.phases);
    const events = snap.events.map(rowToEvent);
    return { ...reduceAll(base, events), lastSeq: snap.row.last_seq ?? 0 };
  }

  /** A session's events after the cursor, oldest first, at most `limit`. */
  eventsAfter(sessionId: string, afterSeq: number, limit = 5000): StoredEvent[] {
    const db = this.ready();
    if (!db) return [];
    return queryEvents(db, { session: sessionId, afterSeq, limit }).map(rowToEvent);
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
    this.db?.close();
    this.db = null;
  }
}
