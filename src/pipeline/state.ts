/**
 * A session's state, rebuilt by replaying its events — the only way the pipeline learns what
 * already happened (start, resume after Ctrl-C or kill -9, status views).
 */
import type { StoredEvent } from "../events/envelope.ts";

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
  tier: string | null;
  lastScore: number | null;
  /** Runtime turns spent on this AC (all attempts). */
  turns: number;
  /** Why the AC ended as it did (failed, unverifiable, stagnated). */
  reason: string | null;
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
  started: StoredEvent | null;
  terminal: StoredEvent | null;
  startedAt: number | null;
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
  lastSeq: number;
}

export function emptyState(sessionId: string): SessionState {
  return {
    sessionId,
    executionId: null,
    started: null,
    terminal: null,
    startedAt: null,
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
    lastSeq: 0,
  };
}

const str = (x: unknown) => (typeof x === "string" ? x : "");
const num = (x: unknown) => (typeof x === "number" && Number.isFinite(x) ? x : 0);

function addNodes(s: SessionState, nodes: unknown): void {
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
    });
    if (parent) s.acs.get(parent)?.children.push(id);
  }
}

/** Fold one event into the state (pure apart from mutating `s`). */
export function applyEvent(s: SessionState, e: StoredEvent): SessionState {
  s.lastSeq = Math.max(s.lastSeq, e.rowid);
  const d = e.data;
  const ac = typeof d.ac_id === "string" ? s.acs.get(d.ac_id) : undefined;
  switch (e.type) {
    case "orchestrator.session.started":
      s.started = e;
      s.executionId = str(d.execution_id);
      s.startedAt = Date.parse(e.timestamp);
      break;
    case "orchestrator.session.completed":
    case "orchestrator.session.failed":
    case "orchestrator.session.cancelled":
      s.terminal ??= e;
      break;
    case "orchestrator.session.cancel_requested":
      s.cancelRequested ??= str(d.reason) || "cancelled by user";
      break;
    case "ac.tree.built":
    case "ac.decomposed":
      addNodes(s, d.nodes);
      s.treeBuilt = true;
      break;
    case "ac.decomposition.decided":
      s.decided.add(str(d.ac_id));
      break;
    case "pipeline.phase.completed":
      if (!d.ac_id) s.phasesCompleted.add(str(d.phase));
      break;
    case "execution.ac.status_changed":
      if (ac) {
        ac.status = str(d.status) as AcStatus;
        ac.reason = typeof d.reason === "string" ? d.reason : null;
        ac.attempts = Math.max(ac.attempts, num(d.attempt));
      }
      break;
    case "execution.runtime.handle":
      if (ac && d.handle && typeof d.handle === "object") ac.handle = d.handle as Record<string, unknown>;
      break;
    case "routing.decision.made":
      if (ac) ac.tier = str(d.tier);
      break;
    case "evaluation.pipeline.completed":
      if (ac && typeof d.score === "number") ac.lastScore = d.score;
      break;
    case "execution.ac.token_attribution.reported":
      s.costUsd += num(d.cost_usd);
      s.tokens += num(d.tokens);
      s.modelCalls += num(d.model_calls);
      break;
    case "execution.ac.turn.completed":
      s.turns++;
      if (ac) ac.turns++;
      break;
    case "lineage.generation.completed":
      s.generation = Math.max(s.generation, num(d.generation));
      break;
    case "todo.created":
      s.todos.set(str(d.todo_id), {
        todo_id: str(d.todo_id),
        description: str(d.description),
        priority: str(d.priority),
        status: "pending",
        created_seq: e.rowid,
      });
      break;
    case "todo.status.changed": {
      const t = s.todos.get(str(d.todo_id));
      if (t) t.status = str(d.status);
      break;
    }
    case "pipeline.exit_condition.met":
      s.exitConditionMet ??= str(d.name);
      break;
  }
  return s;
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
