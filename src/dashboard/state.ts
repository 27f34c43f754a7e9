/**
 * Display state of one session. The facts — statuses, counts, cost, phases, terminal — come from
 * the one session reducer (src/events/session-state.ts, kept in `core`); this module adds only
 * what a screen needs on top: the tool in progress, verdict lines, the event tail. It is pure:
 * the dashboard never writes anything.
 *
 * `fromProjection` seeds the core from the projection tables so opening a session on a huge log
 * does not replay it; events up to the core's lastSeq are then re-applied for the display layer
 * only (the core ignores what it already holds), so nothing is counted twice.
 */
import type { StoredEvent } from "../events/envelope.ts";
import { stateFromProjection, type PhaseRow } from "../events/projection-seed.ts";
import type { AcRow, SessionRow } from "../events/read.ts";
import { applyEventCopy, emptyState, leafCounts, type AcState, type SessionState } from "../events/session-state.ts";
import { describeEvent, summarizeEvidence } from "./describe.ts";

export interface ToolView {
  name: string;
  detail: string;
  at: string;
  error?: boolean;
}
export interface EvalView {
  stage: number;
  outcome: string;
  lines: string[];
}
export interface AcView {
  id: string;
  parent: string | null;
  depth: number;
  position: number;
  description: string;
  status: string;
  phase: string | null;
  tier: string | null;
  attempts: number;
  tokens: number;
  costUsd: number;
  /** The tool call in progress, or null when none is running. */
  tool: ToolView | null;
  lastTool: ToolView | null;
  /** Stage verdicts of the latest evaluation (cleared when a new attempt starts). */
  evaluations: EvalView[];
  verdict: { approved: boolean; score: number | null } | null;
  stall: string | null;
  persona: string | null;
  startedAt: string | null;
  updatedAt: string | null;
}
export interface TailLine {
  seq: number;
  ac: string | null;
  at: string;
  type: string;
  text: string;
}
/** What the screen adds to an AC's facts. */
type AcDisplay = Pick<
  AcView,
  "tool" | "lastTool" | "evaluations" | "verdict" | "stall" | "persona" | "startedAt" | "updatedAt"
>;

export interface SessionView {
  /** The reducer state every consumer shares; the fields below are read from it. */
  core: SessionState;
  display: Record<string, AcDisplay>;
  sessionId: string;
  goal: string;
  runtime: string | null;
  status: string;
  phase: string | null;
  phases: Record<string, string>;
  startedAt: string | null;
  endedAt: string | null;
  note: string | null;
  tokens: number;
  costUsd: number;
  acs: Record<string, AcView>;
  /** AC ids in tree order (depth-first by position). */
  order: string[];
  tail: TailLine[];
  lastSeq: number;
  events: number;
}

export const TAIL_MAX = 200;
const str = (x: unknown): string | null => (typeof x === "string" ? x : null);
const num = (x: unknown): number => (typeof x === "number" && Number.isFinite(x) ? x : 0);

const noDisplay = (): AcDisplay => ({
  tool: null,
  lastTool: null,
  evaluations: [],
  verdict: null,
  stall: null,
  persona: null,
  startedAt: null,
  updatedAt: null,
});

const acView = (a: AcState, d: AcDisplay | undefined): AcView => ({
  id: a.ac_id,
  parent: a.parent,
  depth: a.depth,
  position: a.position,
  description: a.description,
  status: a.status,
  phase: a.phase,
  tier: a.tier,
  attempts: a.attempts,
  tokens: a.tokens,
  costUsd: a.costUsd,
  ...(d ?? noDisplay()),
});

/** The view of a core state and display layer; `prev` lets unchanged ACs keep their objects. */
function viewOf(
  core: SessionState,
  display: Record<string, AcDisplay>,
  tail: TailLine[],
  prev?: SessionView,
): SessionView {
  const acs: Record<string, AcView> = {};
  for (const [id, a] of core.acs) {
    const old = prev?.acs[id];
    acs[id] = old && prev!.core.acs.get(id) === a && prev!.display[id] === display[id] ? old : acView(a, display[id]);
  }
  const sameTree = prev && prev.core.acs.size === core.acs.size;
  return {
    core,
    display,
    sessionId: core.sessionId,
    goal: core.goal ?? "",
    runtime: core.runtime,
    status: core.status,
    phase: core.currentPhase,
    phases: Object.fromEntries([...core.phases].map(([name, p]) => [name, p.status])),
    startedAt: core.startTime,
    endedAt: core.endTime,
    note: core.note,
    tokens: core.tokens,
    costUsd: core.costUsd,
    acs,
    order: sameTree ? prev.order : treeOrder(acs),
    tail,
    lastSeq: core.lastSeq,
    events: core.events,
  };
}

export function emptySession(sessionId: string): SessionView {
  return viewOf(emptyState(sessionId), {}, []);
}

/** Depth-first order: each AC followed by its children, siblings by position. */
export function treeOrder(acs: Record<string, AcView>): string[] {
  const kids = new Map<string | null, AcView[]>();
  for (const a of Object.values(acs)) {
    const p = a.parent && acs[a.parent] ? a.parent : null;
    const list = kids.get(p) ?? [];
    list.push(a);
    kids.set(p, list);
  }
  const out: string[] = [];
  const walk = (p: string | null) => {
    for (const a of (kids.get(p) ?? []).sort((x, y) => x.position - y.position || x.id.localeCompare(y.id))) {
      out.push(a.id);
      walk(a.id);
    }
  };
  walk(null);
  return out;
}

export function fromProjection(s: SessionRow, acRows: AcRow[], phases: PhaseRow[]): SessionView {
  return viewOf(stateFromProjection(s, acRows, phases), {}, []);
}

/** The display layer's change for one event (tool, verdicts, stall, persona, times). */
function displayOf(v: SessionView, core: SessionState, e: StoredEvent): Record<string, AcDisplay> {
  const d = e.data;
  const acId = str(d.ac_id);
  const before = acId ? v.core.acs.get(acId) : undefined;
  if (!acId || !core.acs.has(acId)) return v.display;
  const at = e.timestamp;
  const cur = v.display[acId] ?? noDisplay();
  const set = (p: Partial<AcDisplay>) => ({ ...v.display, [acId]: { ...cur, ...p, updatedAt: at } });
  switch (e.type) {
    case "execution.ac.status_changed": {
      const status = str(d.status) ?? "pending";
      return set({
        // A new attempt starts with a clean slate of verdicts; a finished AC has no tool running.
        ...(status === "executing" && num(d.attempt) > (before?.attempts ?? 0)
          ? { evaluations: [], verdict: null, stall: null }
          : {}),
        ...(status === "executing" ? { startedAt: cur.startedAt ?? at } : { tool: null }),
      });
    }
    case "execution.ac.phase.started":
      return set({ startedAt: cur.startedAt ?? at });
    case "execution.tool.started": {
      const tool = { name: str(d.tool_name) ?? "tool", detail: str(d.tool_detail) ?? "", at };
      return set({ tool, lastTool: tool, stall: null });
    }
    case "execution.tool.completed":
      return set({ tool: null, lastTool: cur.lastTool ? { ...cur.lastTool, error: d.is_error === true } : null });
    case "execution.ac.stall_detected":
      return set({ stall: `silent ${num(d.silent_seconds)}s → ${str(d.action) ?? "?"}` });
    case "evaluation.stage.completed": {
      const ev: EvalView = {
        stage: num(d.stage),
        outcome: str(d.outcome) ?? "?",
        lines: summarizeEvidence(d.evidence),
      };
      return set({
        evaluations: [...cur.evaluations.filter((x) => x.stage !== ev.stage), ev].sort((x, y) => x.stage - y.stage),
      });
    }
    case "evaluation.pipeline.completed":
      return set({ verdict: { approved: d.approved === true, score: typeof d.score === "number" ? d.score : null } });
    case "resilience.lateral.activated":
      return set({ persona: str(d.persona) });
    case "pipeline.phase.started":
    case "execution.ac.attempt.dispatched":
    case "routing.decision.made":
    case "routing.tier.escalated":
    case "routing.tier.downgraded":
    case "execution.ac.token_attribution.reported":
      return set({});
  }
  return v.display;
}

/**
 * Fold one event into the view. Never mutates `s`; returns `s` itself for events of other
 * sessions. The core folds only events after its lastSeq, so re-applying older ones (hydrating a
 * projection snapshot, a repeated poll) changes the display layer alone.
 */
export function reduce(s: SessionView, e: StoredEvent): SessionView {
  if (e.session_id !== s.sessionId) return s;
  const core = e.rowid > s.core.lastSeq ? applyEventCopy(s.core, e) : s.core;
  const line: TailLine = {
    seq: e.rowid,
    ac: str(e.data.ac_id),
    at: e.timestamp,
    type: e.type,
    text: describeEvent(e, false),
  };
  const tail =
    s.tail.length && s.tail[s.tail.length - 1]!.seq >= e.rowid ? s.tail : [...s.tail.slice(-(TAIL_MAX - 1)), line];
  return viewOf(core, displayOf(s, core, e), tail, s);
}

export function reduceAll(s: SessionView, events: readonly StoredEvent[]): SessionView {
  let n = s;
  for (const e of events) n = reduce(n, e);
  return n;
}

/** Counts by status over leaf ACs (parents roll up their children), from the reducer. */
export const statusCounts = (s: SessionView): Record<string, number> => leafCounts(s.core);

/** "1", "1.2", … from the tree order; AC ids are long hashes, these fit in a narrow column. */
export function treeLabels(v: SessionView): Record<string, string> {
  const labels: Record<string, string> = {};
  const next = new Map<string | null, number>();
  for (const id of v.order) {
    const a = v.acs[id]!;
    const p = a.parent && labels[a.parent] ? a.parent : null;
    const n = (next.get(p) ?? 0) + 1;
    next.set(p, n);
    labels[id] = p ? `${labels[p]}.${n}` : String(n);
  }
  return labels;
}
