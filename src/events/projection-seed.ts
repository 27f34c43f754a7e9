/**
 * A reducer state seeded from the projection rows, for readers that open a session on a huge log
 * without replaying it (the TUI's first frame). It holds what the rows hold: lifecycle, phases,
 * totals and the AC tree with statuses; events after `lastSeq` are then folded in as usual.
 */
import type { AcRow, SessionRow } from "./read.ts";
import { emptyState, type AcStatus, type SessionState } from "./session-state.ts";

export interface PhaseRow {
  phase: string;
  status: string;
  started_at?: string | null;
  ended_at?: string | null;
}

export function stateFromProjection(
  row: SessionRow,
  acRows: readonly AcRow[],
  phases: readonly PhaseRow[],
): SessionState {
  const s = emptyState(row.session_id);
  Object.assign(s, {
    executionId: row.execution_id,
    seedId: row.seed_id,
    goal: row.goal,
    runtime: row.runtime,
    acCount: row.acs_total,
    startTime: row.started_at,
    startedAt: row.started_at ? Date.parse(row.started_at) : null,
    endTime: row.terminal_type ? row.updated_at : null,
    status: row.status,
    currentPhase: row.current_phase,
    costUsd: row.cost_usd,
    tokens: row.tokens,
    events: row.event_count,
    lastSeq: row.last_seq ?? 0,
    updatedAt: row.updated_at,
    treeBuilt: acRows.length > 0,
  });
  for (const p of phases)
    s.phases.set(p.phase, {
      status: p.status,
      startedAt: p.started_at ?? null,
      endedAt: p.ended_at ?? null,
      updatedSeq: s.lastSeq,
    });
  for (const r of acRows)
    s.acs.set(r.ac_id, {
      ac_id: r.ac_id,
      parent: r.parent_id,
      depth: r.depth,
      position: r.position,
      description: r.description,
      status: r.status as AcStatus,
      attempts: r.attempts,
      children: [],
      handle: null,
      tier: r.tier,
      lastScore: null,
      turns: 0,
      reason: null,
      phase: r.phase,
      costUsd: r.cost_usd,
      tokens: r.tokens,
      updatedSeq: s.lastSeq,
    });
  // Children in position order, as the tree events listed them.
  for (const a of [...s.acs.values()].sort((x, y) => x.position - y.position))
    if (a.parent) s.acs.get(a.parent)?.children.push(a.ac_id);
  return s;
}
