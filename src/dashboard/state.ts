/**
 * Display state of one session, derived only by folding events (a pure reducer): the dashboard
 * never writes anything. `fromProjection` seeds the state from the projection tables so opening a
 * session on a huge log does not replay it; `reduce(…, { cumulative: false })` then re-applies
 * recent events for the fields projections lack (tool in progress, verdicts, tail) without
 * counting tokens and cost twice.
 */
import { endingOf } from "../events/projections.ts";
import type { StoredEvent } from "../events/envelope.ts";
import type { AcRow, SessionRow } from "../events/read.ts";
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
export interface SessionView {
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
const isTerminal = (status: string) => ["completed", "failed", "cancelled", "stopped", "unverifiable"].includes(status);
const str = (x: unknown): string | null => (typeof x === "string" ? x : null);
const num = (x: unknown): number => (typeof x === "number" && Number.isFinite(x) ? x : 0);

export function emptySession(sessionId: string): SessionView {
  return {
    sessionId,
    goal: "",
    runtime: null,
    status: "running",
    phase: null,
    phases: {},
    startedAt: null,
    endedAt: null,
    note: null,
    tokens: 0,
    costUsd: 0,
    acs: {},
    order: [],
    tail: [],
    lastSeq: 0,
    events: 0,
  };
}

export function newAc(id: string, parent: string | null = null, depth = 0, position = 0, description = ""): AcView {
  return {
    id,
    parent,
    depth,
    position,
    description,
    status: "pending",
    phase: null,
    tier: null,
    attempts: 0,
    tokens: 0,
    costUsd: 0,
    tool: null,
    lastTool: null,
    evaluations: [],
    verdict: null,
    stall: null,
    persona: null,
    startedAt: null,
    updatedAt: null,
  };
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

export function fromProjection(
  s: SessionRow,
  acRows: AcRow[],
  phases: { phase: string; status: string }[],
): SessionView {
  const acs: Record<string, AcView> = {};
  for (const r of acRows) {
    acs[r.ac_id] = {
      ...newAc(r.ac_id, r.parent_id, r.depth, r.position, r.description),
      status: r.status,
      phase: r.phase,
      tier: r.tier,
      attempts: r.attempts,
      tokens: r.tokens,
      costUsd: r.cost_usd,
    };
  }
  return {
    ...emptySession(s.session_id),
    goal: s.goal ?? "",
    runtime: s.runtime,
    status: s.status,
    phase: s.current_phase,
    phases: Object.fromEntries(phases.map((p) => [p.phase, p.status])),
    startedAt: s.started_at,
    endedAt: s.terminal_type ? s.updated_at : null,
    tokens: s.tokens,
    costUsd: s.cost_usd,
    acs,
    order: treeOrder(acs),
    lastSeq: s.last_seq ?? 0,
    events: s.event_count,
  };
}

export interface ReduceOptions {
  /** false while re-applying events already counted in the projection snapshot. */
  cumulative?: boolean;
}

function withAc(s: SessionView, id: string, at: string, f: (a: AcView) => Partial<AcView>): SessionView {
  const cur = s.acs[id] ?? newAc(id, null, 0, Object.keys(s.acs).length);
  const next = { ...cur, ...f(cur), updatedAt: at };
  const acs = { ...s.acs, [id]: next };
  return { ...s, acs, order: s.acs[id] ? s.order : treeOrder(acs) };
}

function addNodes(s: SessionView, nodes: unknown): SessionView {
  if (!Array.isArray(nodes)) return s;
  const acs = { ...s.acs };
  for (const n of nodes as Record<string, unknown>[]) {
    const id = str(n?.ac_id);
    if (!id) continue;
    const prev = acs[id] ?? newAc(id);
    acs[id] = {
      ...prev,
      parent: str(n.parent),
      depth: num(n.depth),
      position: num(n.position),
      description: str(n.description) ?? prev.description,
    };
  }
  return { ...s, acs, order: treeOrder(acs) };
}

/** Fold one event into the view. Never mutates `s`; returns `s` itself for events of other sessions. */
export function reduce(s: SessionView, e: StoredEvent, opts: ReduceOptions = {}): SessionView {
  if (e.session_id !== s.sessionId) return s;
  const cumulative = opts.cumulative ?? true;
  const d = e.data;
  const acId = str(d.ac_id);
  const line: TailLine = { seq: e.rowid, ac: acId, at: e.timestamp, type: e.type, text: describeEvent(e, false) };
  const tail =
    s.tail.length && s.tail[s.tail.length - 1]!.seq >= e.rowid ? s.tail : [...s.tail.slice(-(TAIL_MAX - 1)), line];
  let n: SessionView = {
    ...s,
    tail,
    lastSeq: Math.max(s.lastSeq, e.rowid),
    events: cumulative ? s.events + 1 : s.events,
  };

  switch (e.type) {
    case "orchestrator.session.started":
      return {
        ...n,
        goal: str(d.seed_goal) ?? n.goal,
        runtime: str(d.runtime) ?? n.runtime,
        startedAt: n.startedAt ?? e.timestamp,
      };
    case "orchestrator.session.paused":
      return isTerminal(n.status) ? n : { ...n, status: "paused", note: str(d.reason) };
    case "orchestrator.session.resumed":
      return isTerminal(n.status) ? n : { ...n, status: "running", note: null };
    case "orchestrator.session.completed":
    case "orchestrator.session.failed":
    case "orchestrator.session.cancelled":
      // Terminal events are absorbing: the first one wins.
      if (isTerminal(n.status) && n.status !== endingOf(e.type, d)) return n;
      return {
        ...n,
        status: endingOf(e.type, d)!,
        endedAt: n.endedAt ?? e.timestamp,
        note: str(d.summary) ?? str(d.error) ?? str(d.reason),
      };
    case "pipeline.phase.started":
      if (acId) return withAc(n, acId, e.timestamp, () => ({}));
      return { ...n, phase: str(d.phase), phases: { ...n.phases, [str(d.phase) ?? "?"]: "running" } };
    case "pipeline.phase.completed":
      if (acId) return n;
      return { ...n, phases: { ...n.phases, [str(d.phase) ?? "?"]: str(d.outcome) ?? "completed" } };
    case "ac.tree.built":
    case "ac.decomposed":
      return addNodes(n, d.nodes);
  }
  if (e.type === "execution.ac.token_attribution.reported") {
    if (!cumulative) return n;
    const tokens = num(d.tokens);
    const cost = num(d.cost_usd);
    n = { ...n, tokens: n.tokens + tokens, costUsd: n.costUsd + cost };
    return acId ? withAc(n, acId, e.timestamp, (a) => ({ tokens: a.tokens + tokens, costUsd: a.costUsd + cost })) : n;
  }
  if (!acId) return n;
  const at = e.timestamp;
  switch (e.type) {
    case "execution.ac.status_changed": {
      const status = str(d.status) ?? "pending";
      return withAc(n, acId, at, (a) => ({
        status,
        attempts: Math.max(a.attempts, num(d.attempt)),
        // A new attempt starts with a clean slate of verdicts; a finished AC has no tool running.
        ...(status === "executing" && num(d.attempt) > a.attempts
          ? { evaluations: [], verdict: null, stall: null }
          : {}),
        ...(status === "executing" ? { startedAt: a.startedAt ?? at } : { tool: null }),
      }));
    }
    case "execution.ac.phase.started":
      return withAc(n, acId, at, (a) => ({
        phase: str(d.phase),
        status: ["passed", "failed", "unverifiable", "stagnated"].includes(a.status) ? a.status : "executing",
        attempts: Math.max(a.attempts, num(d.attempt)),
        startedAt: a.startedAt ?? at,
      }));
    case "execution.ac.attempt.dispatched":
      return withAc(n, acId, at, (a) => ({
        attempts: Math.max(a.attempts, num(d.attempt)),
        tier: str(d.tier) ?? a.tier,
      }));
    case "routing.decision.made":
      return withAc(n, acId, at, () => ({ tier: str(d.tier) }));
    case "routing.tier.escalated":
    case "routing.tier.downgraded":
      return withAc(n, acId, at, () => ({ tier: str(d.to) }));
    case "execution.tool.started": {
      const tool = { name: str(d.tool_name) ?? "tool", detail: str(d.tool_detail) ?? "", at };
      return withAc(n, acId, at, () => ({ tool, lastTool: tool, stall: null }));
    }
    case "execution.tool.completed":
      return withAc(n, acId, at, (a) => ({
        tool: null,
        lastTool: a.lastTool ? { ...a.lastTool, error: d.is_error === true } : null,
      }));
    case "execution.ac.stall_detected":
      return withAc(n, acId, at, () => ({ stall: `silent ${num(d.silent_seconds)}s → ${str(d.action) ?? "?"}` }));
    case "evaluation.stage.completed": {
      const ev: EvalView = {
        stage: num(d.stage),
        outcome: str(d.outcome) ?? "?",
        lines: summarizeEvidence(d.evidence),
      };
      return withAc(n, acId, at, (a) => ({
        evaluations: [...a.evaluations.filter((x) => x.stage !== ev.stage), ev].sort((x, y) => x.stage - y.stage),
      }));
    }
    case "evaluation.pipeline.completed":
      return withAc(n, acId, at, () => ({
        verdict: { approved: d.approved === true, score: typeof d.score === "number" ? d.score : null },
      }));
    case "resilience.lateral.activated":
      return withAc(n, acId, at, () => ({ persona: str(d.persona) }));
  }
  return n;
}

export function reduceAll(s: SessionView, events: readonly StoredEvent[], opts?: ReduceOptions): SessionView {
  let n = s;
  for (const e of events) n = reduce(n, e, opts);
  return n;
}

/** Counts by status over leaf ACs (parents roll up their children). */
export function statusCounts(s: SessionView): Record<string, number> {
  const parents = new Set(
    Object.values(s.acs)
      .map((a) => a.parent)
      .filter(Boolean),
  );
  const counts: Record<string, number> = {};
  for (const a of Object.values(s.acs)) if (!parents.has(a.id)) counts[a.status] = (counts[a.status] ?? 0) + 1;
  return counts;
}

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
