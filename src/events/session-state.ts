/**
 * The one session reducer: a session's facts, rebuilt by folding its events. The pipeline (start,
 * resume after Ctrl-C or kill -9), the projections written in the append transaction, the TUI,
 * the progress printer and the MCP views all take their statuses, counts, cost and phases from
 * here, so they cannot disagree about the same log.
 */
import type { StoredEvent } from "./envelope.ts";

export type AcStatus = "pending" | "executing" | "passed" | "failed" | "unverifiable" | "blocked" | "stagnated";

export interface AcState {
  ac_id: string;
  parent: string | null;
  depth: number;
  position: number;
  description: string;
  status: AcStatus;
  attempts: number;
  children: string[];
  /** Runtime resume handle of the latest attempt, if the runtime reported one. */
  handle: Record<string, unknown> | null;
  /** The routing tier in force (the decision, then escalations and downgrades). */
  tier: string | null;
  lastScore: number | null;
  /** Runtime turns spent on this AC (all attempts). */
  turns: number;
  /** Why the AC ended as it did (failed, unverifiable, stagnated). */
  reason: string | null;
  /** The Double Diamond phase last started. */
  phase: string | null;
  costUsd: number;
  tokens: number;
  /** Seq of the last event that changed this AC (the projector writes only rows changed by a batch). */
  updatedSeq: number;
}

export interface PhaseState {
  status: string;
  startedAt: string | null;
  endedAt: string | null;
  updatedSeq: number;
}

export interface TodoState {
  todo_id: string;
  description: string;
  priority: string;
  status: string;
  created_seq: number;
}

export interface SessionState {
  sessionId: string;
  executionId: string | null;
  seedId: string | null;
  goal: string | null;
  runtime: string | null;
  /** ac_count announced at start, until the tree is built. */
  acCount: number;
  started: StoredEvent | null;
  terminal: StoredEvent | null;
  startedAt: number | null;
  /** When it started and ended (timestamps of those events). */
  startTime: string | null;
  endTime: string | null;
  /** running, paused, or the ending (endingOf) once terminal. */
  status: string;
  /** Why it paused or ended (summary, error or reason of that event). */
  note: string | null;
  currentPhase: string | null;
  phases: Map<string, PhaseState>;
  acs: Map<string, AcState>;
  treeBuilt: boolean;
  phasesCompleted: Set<string>;
  generation: number;
  costUsd: number;
  tokens: number;
  /** Runtime turns of the coding agent, and every prompt sent to a model (turns + judging + planning). */
  turns: number;
  modelCalls: number;
  cancelRequested: string | null;
  todos: Map<string, TodoState>;
  exitConditionMet: string | null;
  /** ACs whose decomposition was decided (ATOMIC, SPLIT, …): never asked twice. */
  decided: Set<string>;
  /** Events folded, and the seq and time of the latest. */
  events: number;
  lastSeq: number;
  updatedAt: string | null;
}

export function emptyState(sessionId: string): SessionState {
  return {
    sessionId,
    executionId: null,
    seedId: null,
    goal: null,
    runtime: null,
    acCount: 0,
    started: null,
    terminal: null,
    startedAt: null,
    startTime: null,
    endTime: null,
    status: "running",
    note: null,
    currentPhase: null,
    phases: new Map(),
    acs: new Map(),
    treeBuilt: false,
    phasesCompleted: new Set(),
    generation: 0,
    costUsd: 0,
    tokens: 0,
    turns: 0,
    modelCalls: 0,
    cancelRequested: null,
    todos: new Map(),
    exitConditionMet: null,
    decided: new Set(),
    events: 0,
    lastSeq: 0,
    updatedAt: null,
  };
}

const TERMINAL_STATUS: Record<string, string> = {
  "orchestrator.session.completed": "completed",
  "orchestrator.session.failed": "failed",
  "orchestrator.session.cancelled": "cancelled",
};

/** A failed session names how it ended: stopped by a budget, unverifiable, or failed. */
const ENDINGS = new Set(["stopped", "unverifiable"]);
export const endingOf = (type: string, data: Record<string, unknown>): string | undefined => {
  const base = TERMINAL_STATUS[type];
  return base === "failed" && typeof data.ending === "string" && ENDINGS.has(data.ending) ? data.ending : base;
};

const str = (x: unknown) => (typeof x === "string" ? x : "");
const strOrNull = (x: unknown) => (typeof x === "string" ? x : null);
const num = (x: unknown) => (typeof x === "number" && Number.isFinite(x) ? x : 0);

function addNodes(s: SessionState, nodes: unknown, seq: number): void {
  if (!Array.isArray(nodes)) return;
  for (const n of nodes as Record<string, unknown>[]) {
    const id = str(n.ac_id);
    if (!id || s.acs.has(id)) continue;
    const parent = typeof n.parent === "string" ? n.parent : null;
    s.acs.set(id, {
      ac_id: id,
      parent,
      depth: num(n.depth),
      position: num(n.position),
      description: str(n.description),
      status: "pending",
      attempts: 0,
      children: [],
      handle: null,
      tier: null,
      lastScore: null,
      turns: 0,
      reason: null,
      phase: null,
      costUsd: 0,
      tokens: 0,
      updatedSeq: seq,
    });
    if (parent) s.acs.get(parent)?.children.push(id);
  }
}

function setPhase(s: SessionState, phase: string, seq: number, p: Partial<PhaseState>): void {
  const cur = s.phases.get(phase) ?? { status: "running", startedAt: null, endedAt: null, updatedSeq: seq };
  s.phases.set(phase, { ...cur, ...p, startedAt: cur.startedAt ?? p.startedAt ?? null, updatedSeq: seq });
}

/** A state seeded from projection rows knows when it ended but holds no terminal event. */
const ended = (s: SessionState) => s.terminal !== null || s.endTime !== null;

/** Facts of the session itself (lifecycle, phases, totals); false when the event is not one. */
function applySessionEvent(s: SessionState, e: StoredEvent): boolean {
  const d = e.data;
  switch (e.type) {
    case "orchestrator.session.started":
      s.started = e;
      s.executionId = str(d.execution_id);
      s.seedId = strOrNull(d.seed_id);
      s.goal = strOrNull(d.seed_goal);
      s.runtime = strOrNull(d.runtime);
      s.acCount = num(d.ac_count);
      s.startedAt = Date.parse(e.timestamp);
      s.startTime = e.timestamp;
      return true;
    case "orchestrator.session.completed":
    case "orchestrator.session.failed":
    case "orchestrator.session.cancelled":
      // Terminal events are absorbing: the first one wins (the store refuses a second).
      if (!ended(s)) {
        s.terminal = e;
        s.endTime = e.timestamp;
        s.status = endingOf(e.type, d)!;
        s.note = strOrNull(d.summary) ?? strOrNull(d.error) ?? strOrNull(d.reason);
      }
      return true;
    case "orchestrator.session.paused":
    case "orchestrator.session.resumed":
      if (!ended(s)) {
        const paused = e.type === "orchestrator.session.paused";
        s.status = paused ? "paused" : "running";
        s.note = paused ? strOrNull(d.reason) : null;
      }
      return true;
    case "orchestrator.session.cancel_requested":
      s.cancelRequested ??= str(d.reason) || "cancelled by user";
      return true;
    case "pipeline.phase.started":
      if (d.ac_id) return false;
      s.currentPhase = str(d.phase);
      setPhase(s, str(d.phase), e.rowid, { status: "running", startedAt: e.timestamp, endedAt: null });
      return true;
    case "pipeline.phase.completed":
      if (d.ac_id) return false;
      s.phasesCompleted.add(str(d.phase));
      setPhase(s, str(d.phase), e.rowid, {
        status: str(d.outcome) || "completed",
        startedAt: e.timestamp,
        endedAt: e.timestamp,
      });
      return true;
    case "execution.ac.token_attribution.reported":
      s.costUsd += num(d.cost_usd);
      s.tokens += num(d.tokens);
      s.modelCalls += num(d.model_calls);
      return false;
    case "lineage.generation.completed":
      s.generation = Math.max(s.generation, num(d.generation));
      return true;
    case "todo.created":
      s.todos.set(str(d.todo_id), {
        todo_id: str(d.todo_id),
        description: str(d.description),
        priority: str(d.priority),
        status: "pending",
        created_seq: e.rowid,
      });
      return true;
    case "todo.status.changed": {
      const t = s.todos.get(str(d.todo_id));
      if (t) t.status = str(d.status);
      return true;
    }
    case "pipeline.exit_condition.met":
      s.exitConditionMet ??= str(d.name);
      return true;
  }
  return false;
}

/** Facts of one AC; returns whether the AC changed. */
function applyAcEvent(ac: AcState, e: StoredEvent): boolean {
  const d = e.data;
  switch (e.type) {
    case "execution.ac.status_changed":
      ac.status = str(d.status) as AcStatus;
      ac.reason = typeof d.reason === "string" ? d.reason : null;
      ac.attempts = Math.max(ac.attempts, num(d.attempt));
      return true;
    case "execution.ac.phase.started":
      ac.phase = strOrNull(d.phase);
      if (ac.status === "pending") ac.status = "executing";
      ac.attempts = Math.max(ac.attempts, num(d.attempt));
      return true;
    case "execution.ac.attempt.dispatched":
      ac.attempts = Math.max(ac.attempts, num(d.attempt));
      ac.tier = strOrNull(d.tier) ?? ac.tier;
      return true;
    case "execution.runtime.handle":
      if (!d.handle || typeof d.handle !== "object") return false;
      ac.handle = d.handle as Record<string, unknown>;
      return true;
    case "routing.decision.made":
      ac.tier = str(d.tier);
      return true;
    case "routing.tier.escalated":
    case "routing.tier.downgraded":
      ac.tier = strOrNull(d.to) ?? ac.tier;
      return true;
    case "evaluation.pipeline.completed":
      if (typeof d.score !== "number") return false;
      ac.lastScore = d.score;
      return true;
    case "execution.ac.token_attribution.reported":
      ac.costUsd += num(d.cost_usd);
      ac.tokens += num(d.tokens);
      return true;
    case "execution.ac.turn.completed":
      ac.turns++;
      return true;
  }
  return false;
}

/** Fold one event into the state (pure apart from mutating `s`). */
export function applyEvent(s: SessionState, e: StoredEvent): SessionState {
  s.lastSeq = Math.max(s.lastSeq, e.rowid);
  s.events++;
  s.updatedAt = e.timestamp;
  const d = e.data;
  if (applySessionEvent(s, e)) return s;
  switch (e.type) {
    case "ac.tree.built":
    case "ac.decomposed":
      addNodes(s, d.nodes, e.rowid);
      s.treeBuilt = true;
      return s;
    case "ac.decomposition.decided":
      s.decided.add(str(d.ac_id));
      return s;
    case "execution.ac.turn.completed":
      s.turns++;
      break;
  }
  const ac = typeof d.ac_id === "string" ? s.acs.get(d.ac_id) : undefined;
  if (ac && applyAcEvent(ac, e)) ac.updatedSeq = e.rowid;
  return s;
}

/**
 * applyEvent without touching `s`: the containers and the objects this event changes are copied
 * first, so holders of the previous state (a React view) keep seeing it unchanged.
 */
export function applyEventCopy(s: SessionState, e: StoredEvent): SessionState {
  const n: SessionState = {
    ...s,
    acs: new Map(s.acs),
    phases: new Map(s.phases),
    phasesCompleted: new Set(s.phasesCompleted),
    todos: new Map(s.todos),
    decided: new Set(s.decided),
  };
  const copyAc = (id: unknown) => {
    const a = typeof id === "string" ? n.acs.get(id) : undefined;
    if (a) n.acs.set(a.ac_id, { ...a, children: [...a.children] });
  };
  copyAc(e.data.ac_id);
  if (Array.isArray(e.data.nodes)) for (const node of e.data.nodes as { parent?: unknown }[]) copyAc(node?.parent);
  const todo = n.todos.get(str(e.data.todo_id));
  if (todo) n.todos.set(todo.todo_id, { ...todo });
  return applyEvent(n, e);
}

export function replay(sessionId: string, events: Iterable<StoredEvent>): SessionState {
  const s = emptyState(sessionId);
  for (const e of events) applyEvent(s, e);
  return s;
}

/** Leaves are the units that run; a composite passes when all its children pass. */
export const leaves = (s: SessionState) => [...s.acs.values()].filter((a) => a.children.length === 0);
export const roots = (s: SessionState) =>
  [...s.acs.values()].filter((a) => a.parent === null).sort((a, b) => a.position - b.position);

export function rollUp(s: SessionState, id: string): AcStatus {
  const a = s.acs.get(id)!;
  if (!a.children.length) return a.status;
  const kids = a.children.map((c) => rollUp(s, c));
  if (kids.every((k) => k === "passed")) return "passed";
  if (kids.some((k) => k === "failed" || k === "stagnated" || k === "blocked")) return "failed";
  if (kids.some((k) => k === "unverifiable") && kids.every((k) => k === "passed" || k === "unverifiable"))
    return "unverifiable";
  return kids.some((k) => k !== "pending") ? "executing" : "pending";
}

/** Root criteria counted as status, the TUI list and MCP show them: a split root counts by its children. */
export function rootCounts(s: SessionState): { total: number; passed: number; failed: number } {
  const rs = roots(s);
  const rolled = rs.map((r) => rollUp(s, r.ac_id));
  return {
    total: rs.length || s.acCount,
    passed: rolled.filter((x) => x === "passed").length,
    failed: rolled.filter((x) => x === "failed").length,
  };
}

/** Counts by status over leaf ACs (parents roll up their children). */
export function leafCounts(s: SessionState): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const a of leaves(s)) counts[a.status] = (counts[a.status] ?? 0) + 1;
  return counts;
}
