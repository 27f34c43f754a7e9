/**
 * Plain-text descriptions of events and verdict evidence, shared by the TUI's event tail and the
 * stderr progress reporter. Pure functions of the payload: no colour, no terminal knowledge.
 */
import type { StoredEvent } from "../events/envelope.ts";
import { plural } from "../util/plural.ts";

const str = (x: unknown): string => (typeof x === "string" ? x : x === undefined || x === null ? "" : String(x));
const one = (s: string, max = 160): string => {
  const flat = s.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

/** Seconds while they matter (the first 10 minutes), then minutes: a long run's clock changes once a minute. */
export function formatElapsed(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return `${m}m${String(s % 60).padStart(2, "0")}s`;
  if (m < 60) return `${m}m`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}

/** Milliseconds until formatElapsed of any of these ages shows something different. */
export function nextElapsedChange(ages: readonly number[]): number {
  let next = 60_000;
  for (const age of ages) {
    const a = Math.max(0, age);
    const step = a < 600_000 ? 1000 : 60_000;
    next = Math.min(next, step - (a % step));
  }
  return Math.max(50, next);
}

export const formatCost = (usd: number): string => `$${usd < 10 ? usd.toFixed(3) : usd.toFixed(2)}`;

export function formatTokens(n: number): string {
  if (n < 1000) return String(n);
  if (n < 1_000_000) return `${(n / 1000).toFixed(n < 10_000 ? 1 : 0)}k`;
  return `${(n / 1_000_000).toFixed(1)}M`;
}

/** "HH:MM:SS" of an ISO timestamp, in UTC so recorded sessions read the same everywhere. */
export const clock = (iso: string): string => (iso.length >= 19 ? iso.slice(11, 19) : iso);

/** A few short lines saying why a stage decided what it did. */
export function summarizeEvidence(evidence: unknown): string[] {
  if (evidence === null || evidence === undefined) return [];
  if (typeof evidence !== "object") return [one(str(evidence))];
  const ev = evidence as Record<string, unknown>;
  const lines: string[] = [];
  if (Array.isArray(ev.checks)) {
    const checks = ev.checks as Record<string, unknown>[];
    const passed = checks.filter((c) => c.outcome === "passed").length;
    lines.push(`${passed}/${checks.length} checks passed`);
    for (const c of checks.filter((c) => c.outcome !== "passed").slice(0, 3)) {
      const why =
        str(c.reason) || (c.exit_code !== undefined && c.exit_code !== null ? `exit ${str(c.exit_code)}` : "");
      lines.push(
        `${str(c.check) || "check"} ${str(c.outcome)}: ${one(str(c.command), 60)}${why ? ` (${one(why, 60)})` : ""}`,
      );
    }
  }
  if (Array.isArray(ev.artifacts) && ev.artifacts.length) {
    const arts = ev.artifacts as Record<string, unknown>[];
    const missing = arts.filter((a) => a && a.exists === false).map((a) => str(a.path));
    lines.push(
      missing.length
        ? `missing artifacts: ${one(missing.join(", "), 100)}`
        : `${plural(arts.length, "artifact")} present`,
    );
  }
  if (typeof ev.score === "number")
    lines.push(`score ${ev.score}${typeof ev.weighted === "number" ? ` (weighted ${ev.weighted.toFixed(2)})` : ""}`);
  if (Array.isArray(ev.votes)) {
    const votes = ev.votes as Record<string, unknown>[];
    const yes = votes.filter((x) => x && x.approved === true).length;
    lines.push(
      `votes ${yes}/${votes.length} approve${typeof ev.majority_ratio === "number" ? ` (ratio ${ev.majority_ratio})` : ""}`,
    );
  }
  if (Array.isArray(ev.reasons)) for (const r of ev.reasons.slice(0, 3)) lines.push(one(str(r), 120));
  if (typeof ev.reasoning === "string" && ev.reasoning) lines.push(one(ev.reasoning, 200));
  if (typeof ev.reason === "string" && ev.reason) lines.push(one(ev.reason, 120));
  if (!lines.length) lines.push(one(JSON.stringify(evidence), 160));
  return lines;
}

type Describer = (d: Record<string, unknown>) => string;
const ac = (d: Record<string, unknown>) => (d.ac_id ? `${str(d.ac_id)} ` : "");

const DESCRIBE: Record<string, Describer> = {
  "orchestrator.session.started": (d) =>
    `session started${d.runtime ? ` on ${str(d.runtime)}` : ""}: ${one(str(d.seed_goal), 80)}`,
  "orchestrator.session.completed": (d) => `session completed${d.summary ? `: ${one(str(d.summary), 80)}` : ""}`,
  "orchestrator.session.failed": (d) =>
    `session ${typeof d.ending === "string" ? d.ending : "failed"}: ${one(str(d.error), 100)}`,
  "orchestrator.session.cancelled": (d) => `session cancelled: ${one(str(d.reason), 80)}`,
  "orchestrator.session.paused": (d) => `session paused: ${one(str(d.reason), 80)}`,
  "orchestrator.session.resumed": () => "session resumed",
  "pipeline.phase.started": (d) => `${ac(d)}phase ${str(d.phase)} started`,
  "pipeline.phase.completed": (d) => `${ac(d)}phase ${str(d.phase)} ${str(d.outcome) || "completed"}`,
  "pipeline.exit_condition.met": (d) => `exit condition met: ${str(d.name)}`,
  "ac.tree.built": (d) => `AC tree built (${Array.isArray(d.nodes) ? d.nodes.length : 0} nodes)`,
  "ac.decomposed": (d) => `${ac(d)}decomposed into ${Array.isArray(d.nodes) ? d.nodes.length : 0} children`,
  "ac.decomposition.decided": (d) => `${ac(d)}${str(d.disposition).toLowerCase()}`,
  "execution.ac.status_changed": (d) => `${ac(d)}${str(d.status)}${d.attempt ? ` (attempt ${str(d.attempt)})` : ""}`,
  "execution.ac.phase.started": (d) => `${ac(d)}${str(d.phase)}`,
  "execution.ac.phase.completed": (d) => `${ac(d)}${str(d.phase)} done`,
  "execution.ac.attempt.dispatched": (d) =>
    `${ac(d)}attempt ${str(d.attempt)} on ${str(d.runtime)}${d.tier ? ` (${str(d.tier)})` : ""}`,
  "routing.decision.made": (d) => `${ac(d)}routed to ${str(d.tier)} (score ${str(d.score)})`,
  "routing.tier.escalated": (d) => `${ac(d)}escalated ${str(d.from)} → ${str(d.to)}`,
  "routing.tier.downgraded": (d) => `${ac(d)}downgraded ${str(d.from)} → ${str(d.to)}`,
  "execution.tool.started": (d) =>
    `${ac(d)}tool ${str(d.tool_name)}${d.tool_detail ? ` ${one(str(d.tool_detail), 80)}` : ""}`,
  "execution.tool.completed": (d) => `${ac(d)}tool ${str(d.tool_name)} ${d.is_error ? "failed" : "done"}`,
  "execution.ac.token_attribution.reported": (d) =>
    `${ac(d)}${str(d.tokens)} tokens, ${formatCost(Number(d.cost_usd) || 0)}`,
  "execution.ac.stall_detected": (d) => `${ac(d)}stalled ${str(d.silent_seconds)}s → ${str(d.action)}`,
  "evaluation.stage.completed": (d) => `${ac(d)}stage ${str(d.stage)} ${str(d.outcome)}`,
  "evaluation.pipeline.completed": (d) =>
    `${ac(d)}evaluation ${d.approved ? "approved" : d.outcome === "unverifiable" ? "unverifiable" : "rejected"}${d.score !== undefined ? ` (score ${str(d.score)})` : ""}`,
  "resilience.stagnation.detected": (d) => `${ac(d)}stagnation: ${str(d.pattern)}`,
  "resilience.lateral.activated": (d) => `${ac(d)}lateral thinking: ${str(d.persona)}`,
  "execution.ac.workspace.changed": (d) =>
    `${ac(d)}observed change: +${(d.added as unknown[] | undefined)?.length ?? 0} ~${(d.modified as unknown[] | undefined)?.length ?? 0} -${(d.deleted as unknown[] | undefined)?.length ?? 0}${d.empty ? " (empty diff)" : ""}`,
  "execution.ac.read_only.violated": (d) => `${ac(d)}read-only turn wrote files (violation)`,
  "pipeline.budget.exceeded": (d) => `budget ${str(d.name)} reached (${str(d.value)} ≥ ${str(d.limit)})`,
  "resilience.lateral.exhausted": (d) => `${ac(d)}lateral personas exhausted`,
};

/**
 * One line for an event: a known describer, else the type. The AC id leads the line unless
 * `withAc` is false (the TUI shows its own short tree label instead).
 */
export function describeEvent(e: Pick<StoredEvent, "type" | "data">, withAc = true): string {
  const f = DESCRIBE[e.type];
  const data = withAc ? e.data : { ...e.data, ac_id: undefined };
  return f ? f(data) : `${ac(data)}${e.type}`;
}
