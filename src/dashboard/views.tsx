/**
 * Presentational Ink components. Everything is sized from the terminal's rows and columns and
 * every line is truncated, so an 80×24 window never wraps or scrolls the alternate screen.
 */
import { Box, Text } from "ink";
import { memo, useMemo } from "react";
import type { SessionRow } from "../events/read.ts";
import { clock, formatCost, formatElapsed, formatTokens } from "./describe.ts";
import { statusCounts, treeLabels, type AcView, type SessionView } from "./state.ts";

export const GLYPH: Record<string, string> = {
  pending: "○",
  executing: "◐",
  passed: "●",
  failed: "✖",
  blocked: "⊘",
  stagnated: "◌",
  unverifiable: "?",
  running: "◐",
  paused: "‖",
  completed: "●",
  cancelled: "⊘",
  stopped: "■",
};
const COLOUR: Record<string, string> = {
  executing: "yellow",
  running: "yellow",
  passed: "green",
  completed: "green",
  failed: "red",
  blocked: "magenta",
  stagnated: "magenta",
  unverifiable: "yellow",
  stopped: "yellow",
  cancelled: "gray",
  paused: "cyan",
  approved: "green",
  rejected: "red",
};
const noColour = () => Boolean(process.env.NO_COLOR);
const col = (key: string | null | undefined): string | undefined => (noColour() || !key ? undefined : COLOUR[key]);
const PHASE_SHORT: Record<string, string> = {
  big_bang: "BigBang",
  pal_router: "PAL",
  double_diamond: "Diamond",
  resilience: "Resil",
  evaluation: "Eval",
  secondary_loop: "2nd",
};
const PHASE_MARK: Record<string, string> = { running: "◐", completed: "✓", failed: "✖", skipped: "-" };

/** Truncate to w columns; `fit` also pads (table cells, highlighted rows). Unpadded lines keep frames cheap. */
const cut = (s: string, w: number): string => (w <= 0 ? "" : s.length > w ? `${s.slice(0, Math.max(0, w - 1))}…` : s);
const fit = (s: string, w: number): string => cut(s, w).padEnd(Math.max(0, w));
const ms = (iso: string | null): number => (iso ? Date.parse(iso) : NaN);

function Line({
  children,
  color,
  bold,
  dim,
  inverse,
}: {
  children: string;
  color?: string;
  bold?: boolean;
  dim?: boolean;
  inverse?: boolean;
}) {
  return (
    <Text wrap="truncate-end" color={noColour() ? undefined : color} bold={bold} dimColor={dim} inverse={inverse}>
      {children}
    </Text>
  );
}

export function KeyHelp({ text, width }: { text: string; width: number }) {
  return <Line dim>{cut(text, width)}</Line>;
}

export function SessionList(props: {
  sessions: SessionRow[];
  selected: number;
  width: number;
  height: number;
  dbPath: string;
  message: string | null;
  help: string;
}) {
  const { sessions, selected, width, height } = props;
  const rows = Math.max(1, height - 4);
  const start = Math.min(Math.max(0, selected - rows + 1), Math.max(0, sessions.length - rows));
  const goalW = Math.max(10, width - 66);
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Line bold>{cut(`ouroboros sessions (${sessions.length})  ${props.dbPath}`, width)}</Line>
      <Line dim>
        {cut(
          `  ${"session".padEnd(18)} ${"status".padEnd(10)} ${"goal".padEnd(goalW)} ${"ACs".padEnd(7)} ${"cost".padEnd(8)} started`,
          width,
        )}
      </Line>
      {sessions.length === 0 ? (
        <Line dim>{props.message ?? "  no sessions recorded yet (waiting for a run to start)"}</Line>
      ) : null}
      {sessions.slice(start, start + rows).map((s, i) => {
        const at = start + i;
        const acs = `${s.acs_passed}/${s.acs_total}`;
        const text = `${at === selected ? "›" : " "} ${fit(s.session_id, 18)} ${GLYPH[s.status] ?? "?"} ${fit(s.status, 8)} ${fit(s.goal ?? "", goalW)} ${fit(acs, 7)} ${fit(formatCost(s.cost_usd), 8)} ${(s.started_at ?? "").slice(0, 16).replace("T", " ")}`;
        return (
          <Line key={s.session_id} inverse={at === selected} color={col(s.status)}>
            {at === selected ? fit(text, width) : cut(text, width)}
          </Line>
        );
      })}
      <Box flexGrow={1} />
      <KeyHelp text={props.help} width={width} />
    </Box>
  );
}

function Header({ v, width, now, compact }: { v: SessionView; width: number; now: number; compact: boolean }) {
  const end = v.endedAt ? ms(v.endedAt) : now;
  const elapsed = Number.isFinite(ms(v.startedAt)) ? formatElapsed(end - ms(v.startedAt)) : "-";
  const c = statusCounts(v);
  const total = Object.values(c).reduce((a, b) => a + b, 0);
  const counts = `ACs ${c.passed ?? 0}/${total} passed${c.failed ? ` ${c.failed} failed` : ""}${c.unverifiable ? ` ${c.unverifiable} unverifiable` : ""}${c.executing ? ` ${c.executing} running` : ""}`;
  const phases = Object.keys(PHASE_SHORT)
    .map((p) => `${PHASE_SHORT[p]} ${PHASE_MARK[v.phases[p] ?? ""] ?? (v.phases[p] ? "✓" : "·")}`)
    .join("  ");
  return (
    <Box flexDirection="column">
      <Line bold color={col(v.status)}>
        {cut(
          `${GLYPH[v.status] ?? "?"} ${v.sessionId}  ${v.status}  ${elapsed}  ${formatCost(v.costUsd)}  ${formatTokens(v.tokens)} tok  ${counts}`,
          width,
        )}
      </Line>
      {compact ? null : <Line>{cut(`goal: ${v.goal}${v.note ? `  — ${v.note}` : ""}`, width)}</Line>}
      {compact ? null : <Line dim>{cut(`phases: ${phases}${v.runtime ? `  runtime ${v.runtime}` : ""}`, width)}</Line>}
    </Box>
  );
}

function acRow(a: AcView, label: string, width: number): string {
  const indent = "  ".repeat(Math.min(a.depth, 4));
  const right = `${fit(a.status, 9)} ${fit(a.phase ?? "-", 8)} ${fit(a.tier ?? "-", 8)} ×${a.attempts} ${formatCost(a.costUsd).padStart(7)}`;
  const tool = a.tool ? `  ▶ ${a.tool.name}` : "";
  const left = `${indent}${GLYPH[a.status] ?? "?"} ${label} ${a.description}`;
  const leftW = Math.max(8, width - right.length - 3);
  if (width < 60) return `${fit(`${left}`, width - 12)} ${fit(a.status, 10)}`;
  return `${fit(left + tool, leftW)} ${right}`;
}

// Memoised sections: the once-a-second clock re-renders only the header and the detail pane.
const AcList = memo(function AcList(props: {
  v: SessionView;
  labels: Record<string, string>;
  selected: number;
  width: number;
  rows: number;
}) {
  const { v, selected, rows } = props;
  const start = Math.min(Math.max(0, selected - Math.floor(rows / 2)), Math.max(0, v.order.length - rows));
  return (
    <Box flexDirection="column" height={rows + 1}>
      <Line bold>
        {cut(`acceptance criteria${v.order.length > rows ? ` (${selected + 1}/${v.order.length})` : ""}`, props.width)}
      </Line>
      {v.order.length === 0 ? <Line dim> no AC tree yet</Line> : null}
      {v.order.slice(start, start + rows).map((id, i) => {
        const a = v.acs[id]!;
        const row = acRow(a, props.labels[id] ?? "?", props.width - 1);
        return (
          <Line key={id} inverse={start + i === selected} color={col(a.status)}>
            {start + i === selected ? fit(row, props.width) : cut(row, props.width)}
          </Line>
        );
      })}
    </Box>
  );
});

/** The selected AC: what it is doing now, and every verdict with its evidence. */
export function detailLines(a: AcView, label: string, now: number): { text: string; color?: string }[] {
  const out: { text: string; color?: string }[] = [];
  out.push({ text: `${label} ${a.id}: ${a.description}` });
  out.push({
    text: `status ${a.status} · phase ${a.phase ?? "-"} · tier ${a.tier ?? "-"} · attempts ${a.attempts} · ${formatTokens(a.tokens)} tok · ${formatCost(a.costUsd)}`,
    color: a.status,
  });
  if (a.tool)
    out.push({
      text: `▶ tool in progress: ${a.tool.name} ${a.tool.detail} (${formatElapsed(now - ms(a.tool.at))})`,
      color: "executing",
    });
  else if (a.lastTool)
    out.push({ text: `last tool: ${a.lastTool.name} ${a.lastTool.detail}${a.lastTool.error ? " (error)" : ""}` });
  // The verdict first: evidence lines below it are the first to be cut on a short screen.
  if (a.verdict)
    out.push({
      text: `verdict: ${a.verdict.approved ? "approved" : "rejected"}${a.verdict.score !== null ? ` (score ${a.verdict.score})` : ""}`,
      color: a.verdict.approved ? "approved" : "rejected",
    });
  if (a.stall) out.push({ text: `stall: ${a.stall}`, color: "failed" });
  if (a.persona) out.push({ text: `lateral persona: ${a.persona}` });
  for (const e of a.evaluations) {
    out.push({
      text: `stage ${e.stage} ${e.outcome}${e.lines[0] ? `: ${e.lines[0]}` : ""}`,
      color:
        e.outcome === "passed" || e.outcome === "approved"
          ? "passed"
          : e.outcome === "failed" || e.outcome === "rejected"
            ? "failed"
            : undefined,
    });
    for (const l of e.lines.slice(1)) out.push({ text: `   ${l}` });
  }
  return out;
}

const Detail = memo(function Detail({
  lines,
  rows,
  width,
}: {
  lines: { text: string; color?: string }[];
  rows: number;
  width: number;
}) {
  return (
    <Box flexDirection="column" height={rows + 1}>
      <Line bold>{cut("selected AC", width)}</Line>
      {lines.slice(0, rows).map((l, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: detail lines have no identity; the pane is redrawn whole.
        <Line key={i} color={col(l.color)}>
          {cut(l.text, width)}
        </Line>
      ))}
    </Box>
  );
});

const Tail = memo(function Tail(props: {
  v: SessionView;
  labels: Record<string, string>;
  rows: number;
  offset: number;
  width: number;
}) {
  const { v, labels, rows, offset, width } = props;
  const end = Math.max(0, v.tail.length - offset);
  return (
    <Box flexDirection="column" height={rows + 1}>
      <Line bold>{cut(`events (${v.events})${offset ? `  scrolled back ${offset}` : ""}`, width)}</Line>
      {v.tail.slice(Math.max(0, end - rows), end).map((t) => (
        <Line key={t.seq} dim={offset > 0}>
          {cut(`${clock(t.at)} ${t.ac ? `${labels[t.ac] ?? t.ac} ` : ""}${t.text}`, width)}
        </Line>
      ))}
    </Box>
  );
});

/** Below this many rows the session screen shows only its status line and the AC list. */
export const COMPACT_BELOW = 16;

export function SessionScreen(props: {
  v: SessionView;
  selected: number;
  tailOffset: number;
  width: number;
  height: number;
  now: number;
  help: string;
}) {
  const { v, width, height, now } = props;
  // Labels change only with the tree, whose order array is replaced exactly then.
  // biome-ignore lint/correctness/useExhaustiveDependencies: keyed on the order array on purpose (see above).
  const labels = useMemo(() => treeLabels(v), [v.order]);
  // Every section is sized so the frame is exactly `height` rows: an overflowing frame would
  // scroll the alternate screen. Short windows keep only the status line and the AC list.
  const compact = height < COMPACT_BELOW;
  const body = Math.max(2, height - (compact ? 1 : 3) - 1);
  const acRows = compact ? body - 1 : Math.max(2, Math.min(v.order.length || 1, Math.floor(body * 0.35)));
  const sel = v.acs[v.order[props.selected] ?? ""];
  // biome-ignore lint/correctness/useExhaustiveDependencies: `now` matters only while a tool runs, so it is keyed that way.
  const detail = useMemo(
    () => (sel ? detailLines(sel, labels[sel.id] ?? "?", sel.tool ? now : 0) : []),
    [sel, labels, sel?.tool ? now : 0],
  );
  // The event tail keeps at least 3 rows; the detail pane takes what the AC list leaves.
  const detailRows = Math.min(detail.length, Math.max(2, body - (acRows + 1) - 1 - 4));
  const tailRows = Math.max(1, body - (acRows + 1) - (detailRows + 1) - 1);
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Header v={v} width={width} now={now} compact={compact} />
      <AcList v={v} labels={labels} selected={props.selected} width={width} rows={acRows} />
      {compact ? null : <Detail lines={detail} rows={detailRows} width={width} />}
      {compact ? null : <Tail v={v} labels={labels} rows={tailRows} offset={props.tailOffset} width={width} />}
      <KeyHelp text={props.help} width={width} />
    </Box>
  );
}
