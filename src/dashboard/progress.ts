/**
 * Progress on stderr for long work (`run workflow`, `auto`). Never writes to stdout.
 *
 *   import { createProgress } from "./progress.ts";
 *   const p = createProgress({ mode: "auto", verbose: false });
 *   p.onEvent(stored);   // every StoredEvent the pipeline appends (e.g. a SessionLog listener)
 *   p.stop();            // final redraw, stops the spinner timer; idempotent
 *
 * mode  "auto"  → "tty" when the stream is a TTY (and TERM is not dumb), else "plain"
 *       "tty"   → per-AC status lines with spinners, current phase, tool and elapsed time, redrawn
 *                 in place; finished ACs and phase changes scroll above as permanent lines
 *       "plain" → one timestamped line per meaningful event (logs, CI, pipes)
 *       "quiet" → nothing (the command prints only its result)
 * verbose  plain: also AC phases, tool calls, routing, token reports and verdict evidence;
 *          tty: also the tool's detail (command, path).
 * Colour follows NO_COLOR / FORCE_COLOR (`--no-color` sets NO_COLOR). `stream`, `columns` and
 * `now` can be injected (tests).
 *
 *   const w = watchProgress(dbPath, sessionId, opts); … await w.stop();
 * follows a session that another process is writing and feeds the same reporter.
 * Statuses, "n/m done", phase, cost and the ending come from the session reducer (through the
 * dashboard's view, src/dashboard/state.ts); this file only decides what to print.
 */
import type { StoredEvent } from "../events/envelope.ts";
import { openReadonly } from "../events/db.ts";
import { rowToEvent } from "../events/envelope.ts";
import { follow } from "../events/follow.ts";
import { describeEvent, formatCost, formatElapsed } from "./describe.ts";
import { emptySession, reduce, statusCounts, treeLabels, type AcView, type SessionView } from "./state.ts";

export type ProgressMode = "auto" | "tty" | "plain" | "quiet";
export interface ProgressOptions {
  mode?: ProgressMode;
  verbose?: boolean;
  stream?: { write(s: string): unknown; isTTY?: boolean; columns?: number };
  columns?: number;
  now?: () => number;
}
export interface ProgressReporter {
  onEvent(e: StoredEvent): void;
  stop(): void;
}

const SPINNER = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
const FINAL: Record<string, string> = { passed: "✔", failed: "✖", unverifiable: "?", stagnated: "◌", blocked: "⊘" };
const SGR: Record<string, string> = { green: "32", red: "31", yellow: "33", magenta: "35", dim: "2", bold: "1" };
const TONE: Record<string, string> = {
  passed: "green",
  failed: "red",
  unverifiable: "yellow",
  stagnated: "magenta",
  blocked: "magenta",
  completed: "green",
  stopped: "yellow",
  cancelled: "dim",
};

/** Events worth a plain line without --verbose. */
const PLAIN = new Set([
  "orchestrator.session.started",
  "orchestrator.session.completed",
  "orchestrator.session.failed",
  "orchestrator.session.cancelled",
  "orchestrator.session.paused",
  "orchestrator.session.resumed",
  "pipeline.exit_condition.met",
  "ac.tree.built",
  "execution.ac.attempt.dispatched",
  "evaluation.pipeline.completed",
  "execution.ac.stall_detected",
  "resilience.lateral.activated",
  "pipeline.budget.exceeded",
  "execution.ac.read_only.violated",
]);
const VERBOSE = new Set([
  "execution.ac.phase.started",
  "execution.tool.started",
  "routing.decision.made",
  "routing.tier.escalated",
  "routing.tier.downgraded",
  "execution.ac.token_attribution.reported",
  "evaluation.stage.completed",
  "ac.decomposed",
  "resilience.stagnation.detected",
]);

export function resolveMode(mode: ProgressMode, stream: { isTTY?: boolean }): Exclude<ProgressMode, "auto"> {
  if (mode !== "auto") return mode;
  return stream.isTTY && process.env.TERM !== "dumb" ? "tty" : "plain";
}

export function colourOn(stream: { isTTY?: boolean }): boolean {
  if (process.env.NO_COLOR) return false;
  if (process.env.FORCE_COLOR && process.env.FORCE_COLOR !== "0") return true;
  return Boolean(stream.isTTY);
}

export function createProgress(opts: ProgressOptions = {}): ProgressReporter {
  const stream = opts.stream ?? process.stderr;
  const mode = resolveMode(opts.mode ?? "auto", stream);
  const now = opts.now ?? Date.now;
  const colour = colourOn(stream);
  const paint = (tone: string | undefined, s: string) =>
    colour && tone && SGR[tone] ? `\x1b[${SGR[tone]}m${s}\x1b[0m` : s;
  const started = now();
  const views = new Map<string, SessionView>();
  let liveLines = 0;
  let lastBlock = "";
  let frame = 0;
  let stopped = false;
  let timer: ReturnType<typeof setInterval> | null = null;

  const width = () => Math.max(20, (opts.columns ?? stream.columns ?? 80) - 1);
  const cut = (s: string) => (s.length > width() ? `${s.slice(0, width() - 1)}…` : s);
  const stamp = () => {
    const d = new Date(now());
    const hms = `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}:${String(d.getSeconds()).padStart(2, "0")}`;
    return `[${hms} +${formatElapsed(now() - started)}]`;
  };
  const label = (v: SessionView, a: AcView | undefined) => {
    if (!a) return "";
    const labels = treeLabels(v);
    return `AC ${labels[a.id] ?? a.id}`;
  };
  const doneCount = (v: SessionView) => {
    const c = statusCounts(v);
    const total = Object.values(c).reduce((x, y) => x + y, 0);
    return `${(c.passed ?? 0) + (c.failed ?? 0) + (c.unverifiable ?? 0) + (c.stagnated ?? 0) + (c.blocked ?? 0)}/${total}`;
  };

  /** The line for an event, AC ids replaced by short tree labels; null when not shown. */
  function plainLine(v: SessionView, e: StoredEvent): string | null {
    const verbose = opts.verbose ?? false;
    const ac = typeof e.data.ac_id === "string" ? v.acs[e.data.ac_id] : undefined;
    const status = e.type === "execution.ac.status_changed" ? String(e.data.status) : "";
    const isPhase = e.type === "pipeline.phase.started" && !e.data.ac_id;
    if (!(PLAIN.has(e.type) || isPhase || (status && status !== "executing") || (verbose && VERBOSE.has(e.type))))
      return null;
    if (status) return `${label(v, ac)} ${status} (${doneCount(v)} done)${ac ? ` — ${ac.description}` : ""}`;
    const text = describeEvent(e, false);
    let line = ac ? `${label(v, ac)} ${text}` : text;
    if (e.type === "execution.ac.attempt.dispatched" && ac) line += ` — ${ac.description}`;
    if (verbose && e.type === "evaluation.stage.completed" && ac) {
      const ev = ac.evaluations.find((x) => x.stage === e.data.stage);
      if (ev?.lines.length) line += `: ${ev.lines.join("; ")}`;
    }
    return line;
  }

  function liveBlock(): string[] {
    const out: string[] = [];
    const spin = SPINNER[frame % SPINNER.length]!;
    for (const v of views.values()) {
      if (v.status !== "running" && v.status !== "paused") continue;
      const t = now();
      out.push(
        cut(
          `${paint("yellow", spin)} ${v.phase ?? "starting"} · ACs ${doneCount(v)} · ${formatElapsed(t - started)} · ${formatCost(v.costUsd)}${v.status === "paused" ? " · paused" : ""}`,
        ),
      );
      const labels = treeLabels(v);
      for (const id of v.order) {
        const a = v.acs[id]!;
        if (a.status !== "executing") continue;
        const since = a.startedAt ? Date.parse(a.startedAt) : t;
        const tool = a.tool ? ` · ${a.tool.name}${opts.verbose && a.tool.detail ? ` ${a.tool.detail}` : ""}` : "";
        const attempt = a.attempts > 1 ? ` · attempt ${a.attempts}` : "";
        out.push(
          cut(
            `  ${paint("yellow", spin)} ${labels[id]} ${a.phase ?? "…"}${tool}${attempt} · ${formatElapsed(t - since)} — ${a.description}`,
          ),
        );
      }
    }
    return out;
  }

  /** Redraw in place: erase the previous live block, print permanent lines, then the new block. */
  function draw(permanent: string[]) {
    const block = stopped ? [] : liveBlock();
    // Bursts of events that change nothing visible must not flood the terminal with redraws.
    const key = block.join("\n");
    if (!permanent.length && key === lastBlock) return;
    lastBlock = key;
    let s = liveLines ? `\x1b[${liveLines}A\r\x1b[J` : "";
    for (const l of permanent) s += `${cut(l)}\n`;
    for (const l of block) s += `${l}\n`;
    liveLines = block.length;
    if (s) stream.write(s);
  }

  function ttyLines(v: SessionView, before: SessionView, e: StoredEvent): string[] {
    const acId = typeof e.data.ac_id === "string" ? e.data.ac_id : null;
    const a = acId ? v.acs[acId] : undefined;
    if (e.type === "execution.ac.status_changed" && a && FINAL[a.status] && before.acs[a.id]?.status !== a.status) {
      const since = a.startedAt ? ` in ${formatElapsed(Date.parse(e.timestamp) - Date.parse(a.startedAt))}` : "";
      return [
        `${paint(TONE[a.status], FINAL[a.status]!)} ${label(v, a)} ${a.status}${a.attempts > 1 ? ` after ${a.attempts} attempts` : ""}${since} — ${a.description}`,
      ];
    }
    if (e.type === "pipeline.phase.started" && !acId) return [paint("bold", `▸ ${String(e.data.phase)}`)];
    if (
      (e.type.startsWith("orchestrator.session.") && v.status !== before.status) ||
      e.type === "orchestrator.session.started"
    ) {
      return [
        paint(TONE[v.status], `${describeEvent(e)} (${formatElapsed(now() - started)}, ${formatCost(v.costUsd)})`),
      ];
    }
    if (opts.verbose && (e.type === "resilience.lateral.activated" || e.type === "execution.ac.stall_detected") && a)
      return [`${label(v, a)} ${describeEvent(e, false)}`];
    return [];
  }

  return {
    onEvent(e: StoredEvent) {
      if (stopped || mode === "quiet" || !e.session_id) return;
      const before = views.get(e.session_id) ?? emptySession(e.session_id);
      const v = reduce(before, e);
      views.set(e.session_id, v);
      if (mode === "plain") {
        const line = plainLine(v, e);
        if (line) stream.write(`${stamp()} ${line}\n`);
        return;
      }
      draw(ttyLines(v, before, e));
      if (!timer) {
        timer = setInterval(() => {
          frame++;
          draw([]);
        }, 100);
        // The spinner must never keep a finished command alive.
        (timer as { unref?: () => void }).unref?.();
      }
    },
    stop() {
      if (stopped) return;
      stopped = true;
      if (timer) clearInterval(timer);
      timer = null;
      if (mode === "tty") draw([]);
    },
  };
}

/** Follow a session written by another process; `stop()` resolves once the follower has ended. */
export function watchProgress(
  dbPath: string,
  sessionId: string,
  opts: ProgressOptions = {},
): { reporter: ProgressReporter; stop(): Promise<void> } {
  const reporter = createProgress(opts);
  const abort = new AbortController();
  const open = () => {
    const r = openReadonly(dbPath);
    return r.ok ? r.value : null;
  };
  const done = follow(open(), { session: sessionId }, (row) => reporter.onEvent(rowToEvent(row)), {
    signal: abort.signal,
    open,
    pollMs: 50,
  });
  return {
    reporter,
    async stop() {
      abort.abort();
      await done;
      reporter.stop();
    },
  };
}
