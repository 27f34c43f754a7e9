/**
 * The dashboard's only view of the event store, on SQLite or PostgreSQL (EventBackend): projection
 * snapshots for the first frame, then incremental reads past a seq cursor whenever the log's last
 * seq moved. Nothing here writes, nothing scans the whole log, and a SQLite file that does not
 * exist yet is not created (it is picked up once the first run writes it).
 */
import { watch, type FSWatcher } from "node:fs";
import { basename, dirname } from "node:path";
import { describeUnknown } from "../errors.ts";
import type { EventBackend } from "../events/backend.ts";
import { rowToEvent, type StoredEvent } from "../events/envelope.ts";
import { openReadBackend, resolveTarget } from "../events/open-backend.ts";
import { redactUrl } from "../events/db-url.ts";
import type { SessionRow } from "../events/read.ts";
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
  private db: EventBackend | null = null;
  private opening: Promise<EventBackend | null> | null = null;
  private tail = -1;
  private watcher: FSWatcher | null = null;
  private following: { stop: AbortController; done: Promise<void> } | null = null;
  private listener: (() => void) | null = null;
  private closed = false;
  error: string | null = null;
  /** What the list header shows: the file, or the URL without its password. */
  readonly label: string;
  private readonly sqlitePath: string | null;

  /** `db` is what `--db` takes: a SQLite path or a postgres:// URL. */
  constructor(private readonly dbArg: string) {
    const t = resolveTarget(dbArg);
    this.sqlitePath = t.ok && t.value.kind === "sqlite" ? t.value.path : null;
    this.label = this.sqlitePath ?? redactUrl(dbArg);
  }

  /** Whether the store is open (a fresh SQLite home is not, until its first run). */
  get open(): boolean {
    return this.db !== null;
  }

  /** Open lazily: the database may not exist until the first run writes it. */
  ready(): Promise<EventBackend | null> {
    if (this.db || this.closed) return Promise.resolve(this.db);
    this.opening ??= openReadBackend(this.dbArg).then((r) => {
      this.opening = null;
      if (!r.ok) this.error = r.error.message;
      else {
        this.error = null;
        if (this.closed) void r.value?.close();
        else this.db = r.value;
      }
      return this.db;
    });
    return this.opening;
  }

  /** True when something was committed since the last call (or on the first call once open). */
  async changed(): Promise<boolean> {
    const db = await this.ready();
    if (!db) return false;
    try {
      const t = await db.tailSeq();
      if (t === this.tail) return false;
      this.tail = t;
      return true;
    } catch (e) {
      this.error = describeUnknown(e);
      return false;
    }
  }

  async sessions(limit = 200): Promise<SessionRow[]> {
    const db = await this.ready();
    return db ? db.listSessions(limit) : [];
  }

  async resolve(idOrPrefix: string): Promise<SessionRow | null> {
    const db = await this.ready();
    return db ? db.findSession(idOrPrefix) : null;
  }

  /** One consistent snapshot (a single read transaction) of a session, ready to display. */
  async load(sessionId: string): Promise<SessionView | null> {
    const db = await this.ready();
    if (!db) return null;
    const snap = await db.sessionSnapshot(sessionId, HYDRATE_EVENTS, VERDICT_TYPES);
    if (!snap) return null;
    const base = fromProjection(snap.row, snap.acs, snap.phases);
    const events = snap.events.map(rowToEvent);
    return { ...reduceAll(base, events), lastSeq: snap.row.last_seq ?? 0 };
  }

  /** A session's events after the cursor, oldest first, at most `limit`. */
  async eventsAfter(sessionId: string, afterSeq: number, limit = 5000): Promise<StoredEvent[]> {
    const db = await this.ready();
    if (!db) return [];
    return (await db.queryEvents({ session: sessionId, afterSeq, limit })).map(rowToEvent);
  }

  /**
   * Wake `onChange` as soon as something is committed, so the dashboard can poll slowly yet show a
   * commit at once: on SQLite a watch of the database's directory (inotify/FSEvents), on PostgreSQL
   * the backend's follow (LISTEN/NOTIFY). Returns false when the store is not open yet or the
   * directory cannot be watched (an exotic filesystem); callers then poll fast.
   */
  watch(onChange: () => void): boolean {
    // One watch per source; the latest listener wins (the screen it belongs to is current).
    this.listener = onChange;
    if (this.watcher || this.following) return true;
    const db = this.db;
    if (!db) return false;
    if (db.kind === "postgres") {
      const stop = new AbortController();
      const done = db
        .tailSeq()
        .then((from) => db.follow({ afterSeq: from }, () => this.listener?.(), { signal: stop.signal }))
        .catch((e) => {
          if (!stop.signal.aborted) this.error = describeUnknown(e);
        });
      this.following = { stop, done };
      return true;
    }
    const path = this.sqlitePath!;
    const name = basename(path);
    try {
      this.watcher = watch(dirname(path), { persistent: false }, (_event, file) => {
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

  async close(): Promise<void> {
    this.closed = true;
    this.watcher?.close();
    this.watcher = null;
    if (this.following) {
      this.following.stop.abort();
      await this.following.done;
      this.following = null;
    }
    await this.opening;
    await this.db?.close();
    this.db = null;
  }
}
