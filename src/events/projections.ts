/**
 * Projections kept in the same transaction as the append, so `status` never scans the log. They
 * are derived from the one session reducer (session-state.ts): the projector keeps each session's
 * reducer state, folds the batch into it and writes the rows the batch changed. Every table here
 * can be rebuilt from the events alone.
 *
 * The state of a session is taken from an in-memory cache when it is current (its lastSeq equals
 * the session row's last_seq, read inside the write transaction), caught up from the events after
 * it when another writer appended meanwhile, or restored from the persisted snapshot plus the
 * events after that: an append never replays more than SNAPSHOT_EVERY events of a session.
 * SessionStates is this logic without SQL; the SQLite Projector below and pg/projections.ts only
 * run their dialect's statements around it.
 */
import type { Database, Statement } from "bun:sqlite";
import { rowToEvent, type EventRow, type StoredEvent } from "./envelope.ts";
import { fromSnapshot, toSnapshot } from "./session-snapshot.ts";
import { applyEvent, emptyState, rootCounts, type SessionState } from "./session-state.ts";

export { endingOf } from "./session-state.ts";

/** A snapshot is written once this many events were folded since the last one (and at the end). */
export const SNAPSHOT_EVERY = 256;
/** Sessions whose state a long-lived writer keeps in memory (the least recently appended go first). */
const CACHE_MAX = 64;

type Param = string | number | null;
export interface SnapshotRow {
  seq: number;
  state: string;
}
/** The rows one batch changed, as positional parameters in the column order of every dialect's SQL. */
export interface ProjectionWrites {
  session: Param[];
  acs: Param[][];
  phases: Param[][];
  snapshot: [string, number, string] | null;
}

/** sessions: session_id, execution_id, seed_id, goal, runtime, status, current_phase, started_at, updated_at,
 *  start_event_id, terminal_event_id, terminal_type, event_count, last_seq, cost_usd, tokens, acs_total, acs_passed, acs_failed */
export function sessionParams(s: SessionState): Param[] {
  const c = rootCounts(s);
  return [
    s.sessionId,
    s.executionId || null,
    s.seedId,
    s.goal,
    s.runtime,
    s.status,
    s.currentPhase,
    s.startTime,
    s.updatedAt,
    s.started?.id ?? null,
    s.terminal?.id ?? null,
    s.terminal?.type ?? null,
    s.events,
    s.lastSeq,
    s.costUsd,
    s.tokens,
    c.total,
    c.passed,
    c.failed,
  ];
}

interface Cached {
  state: SessionState;
  /** state.events when the persisted snapshot was taken. */
  snapshotAt: number;
}

/** The cached reducer states of the sessions this writer appended to (shared by its transactions). */
export class SessionStates {
  readonly cache = new Map<string, Cached>();

  /** One transaction's view: every session it appends to is opened before its first insert. */
  begin(): ProjectionBatch {
    return new ProjectionBatch(this.cache);
  }
}

export class ProjectionBatch {
  /** Sessions of this batch, with their lastSeq before it. */
  private readonly sessions = new Map<string, { entry: Cached; before: number }>();
  constructor(private readonly cache: Map<string, Cached>) {}

  /** Already opened by this batch? */
  opened(sid: string): SessionState | undefined {
    return this.sessions.get(sid)?.entry.state;
  }

  /**
   * The cached state, if the events after its own lastSeq bring it to `lastSeq` (the session row's,
   * read in this transaction). A state ahead of the row holds rolled-back events: not reusable.
   */
  reusable(sid: string, lastSeq: number): SessionState | null {
    const c = this.cache.get(sid);
    return c && c.state.lastSeq <= lastSeq ? c.state : null;
  }

  /** Open a session from its cached state, caught up with the events committed after it. */
  open(sid: string, after: readonly EventRow[]): SessionState {
    return this.add(sid, this.cache.get(sid)!, after);
  }

  /** Open a session from its persisted snapshot (or from nothing) and the events after it. */
  restore(sid: string, snapshot: SessionState | null, after: readonly EventRow[]): SessionState {
    return this.add(sid, { state: snapshot ?? emptyState(sid), snapshotAt: snapshot ? snapshot.events : -1 }, after);
  }

  private add(sid: string, entry: Cached, after: readonly EventRow[]): SessionState {
    for (const row of after) if (row.seq > entry.state.lastSeq) applyEvent(entry.state, rowToEvent(row));
    this.cache.delete(sid);
    this.cache.set(sid, entry);
    if (this.cache.size > CACHE_MAX) this.cache.delete(this.cache.keys().next().value!);
    this.sessions.set(sid, { entry, before: entry.state.lastSeq });
    return entry.state;
  }

  /** Fold one stored event of an opened session. */
  apply(e: StoredEvent): void {
    const b = e.session_id ? this.sessions.get(e.session_id) : undefined;
    if (b) applyEvent(b.entry.state, e);
  }

  /** The rows each session's batch changed. */
  finish(): ProjectionWrites[] {
    const out: ProjectionWrites[] = [];
    for (const [sid, { entry, before }] of this.sessions) {
      const s = entry.state;
      if (s.lastSeq === before) continue;
      const acs = [...s.acs.values()]
        .filter((a) => a.updatedSeq > before)
        .map((a) => [
          sid,
          a.ac_id,
          a.position,
          a.parent,
          a.depth,
          a.description,
          a.status,
          a.phase,
          a.tier,
          a.attempts,
          a.costUsd,
          a.tokens,
          a.updatedSeq,
        ]);
      const phases = [...s.phases]
        .filter(([, p]) => p.updatedSeq > before)
        .map(([name, p]) => [sid, name, p.status, p.startedAt, p.endedAt]);
      const ended = (s.terminal?.rowid ?? 0) > before;
      let snapshot: ProjectionWrites["snapshot"] = null;
      if (entry.snapshotAt < 0 || s.events - entry.snapshotAt >= SNAPSHOT_EVERY || ended) {
        snapshot = [sid, s.lastSeq, toSnapshot(s)];
        entry.snapshotAt = s.events;
      }
      out.push({ session: sessionParams(s), acs, phases, snapshot });
    }
    return out;
  }

  /** The transaction rolled back: the states it advanced are no longer what the database holds. */
  abort(): void {
    for (const [sid, { entry }] of this.sessions) if (this.cache.get(sid) === entry) this.cache.delete(sid);
  }
}

const COLS =
  "seq, id, aggregate_type, aggregate_id, event_type, payload, timestamp, event_version, consensus_id, session_id";

export class Projector {
  private readonly states = new SessionStates();
  /** The batch of the transaction in progress, and the last one flushed (until its commit is known). */
  private batch: ProjectionBatch | null = null;
  private flushed: ProjectionBatch | null = null;
  private readonly st: Record<"lastSeq" | "snapshot" | "after" | "session" | "ac" | "phase" | "save", Statement>;
  constructor(db: Database) {
    const q = (sql: string) => db.prepare(sql);
    this.st = {
      lastSeq: q(`SELECT last_seq FROM sessions WHERE session_id = ?`),
      snapshot: q(`SELECT seq, state FROM session_snapshots WHERE session_id = ?`),
      after: q(`SELECT ${COLS} FROM events WHERE session_id = ? AND seq > ? ORDER BY seq`),
      session:
        q(`INSERT INTO sessions (session_id, execution_id, seed_id, goal, runtime, status, current_phase, started_at, updated_at,
                  start_event_id, terminal_event_id, terminal_type, event_count, last_seq, cost_usd, tokens, acs_total, acs_passed, acs_failed)
                  VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)
                  ON CONFLICT(session_id) DO UPDATE SET execution_id=?2, seed_id=?3, goal=?4, runtime=?5, status=?6, current_phase=?7,
                  started_at=?8, updated_at=?9, start_event_id=?10, terminal_event_id=?11, terminal_type=?12, event_count=?13,
                  last_seq=?14, cost_usd=?15, tokens=?16, acs_total=?17, acs_passed=?18, acs_failed=?19`),
      ac: q(`INSERT INTO session_acs (session_id, ac_id, position, parent_id, depth, description, status, phase, tier, attempts, cost_usd, tokens, updated_seq)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
             ON CONFLICT(session_id, ac_id) DO UPDATE SET position=?3, parent_id=?4, depth=?5, description=?6, status=?7, phase=?8,
             tier=?9, attempts=?10, cost_usd=?11, tokens=?12, updated_seq=?13`),
      phase: q(`INSERT INTO session_phases (session_id, phase, status, started_at, ended_at) VALUES (?1, ?2, ?3, ?4, ?5)
                ON CONFLICT(session_id, phase) DO UPDATE SET status=?3, started_at=?4, ended_at=?5`),
      save: q(`INSERT INTO session_snapshots (session_id, seq, state) VALUES (?1, ?2, ?3)
               ON CONFLICT(session_id) DO UPDATE SET seq=?2, state=?3`),
    };
  }

  /**
   * The session's reducer state, current as of the last commit; call before inserting the batch's
   * first row of this session (inside the write transaction).
   */
  open(sid: string): SessionState {
    this.batch ??= this.states.begin();
    const b = this.batch;
    const opened = b.opened(sid);
    if (opened) return opened;
    const lastSeq = (this.st.lastSeq.get(sid) as { last_seq: number | null } | null)?.last_seq ?? 0;
    const cached = b.reusable(sid, lastSeq);
    if (cached) return b.open(sid, cached.lastSeq < lastSeq ? this.after(sid, cached.lastSeq) : []);
    const snapshot = this.st.snapshot.get(sid) as SnapshotRow | null;
    const restored = snapshot ? fromSnapshot(snapshot.state) : null;
    return b.restore(sid, restored, this.after(sid, restored?.lastSeq ?? 0));
  }

  private after(sid: string, seq: number): EventRow[] {
    return this.st.after.all(sid, seq) as EventRow[];
  }

  apply(e: StoredEvent): void {
    this.batch?.apply(e);
  }

  /** Write the rows the batch changed (last step of the transaction). */
  flush(): void {
    const b = this.batch;
    this.batch = null;
    this.flushed = b;
    for (const w of b?.finish() ?? []) {
      this.st.session.run(...w.session);
      for (const a of w.acs) this.st.ac.run(...a);
      for (const p of w.phases) this.st.phase.run(...p);
      if (w.snapshot) this.st.save.run(...w.snapshot);
    }
  }

  /** The transaction failed (before or after flush): forget what it advanced. */
  abort(): void {
    this.batch?.abort();
    this.flushed?.abort();
    this.batch = this.flushed = null;
  }
}
