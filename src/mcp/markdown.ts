/** Markdown views of a session's ACs (from the session_acs projection and the judged attempts). */
import type { EventBackend } from "../events/backend.ts";
import type { AcRow, SessionRow } from "../events/read.ts";

const MARK: Record<string, string> = {
  passed: "✅",
  failed: "❌",
  executing: "🔄",
  pending: "⏳",
  skipped: "⏭️",
  blocked: "⛔",
};
const mark = (status: string) => MARK[status] ?? "•";
const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\s+/g, " ");

function header(s: SessionRow): string {
  return `### ${s.goal ?? s.session_id}\n\n\`${s.session_id}\` · **${s.status}**${s.current_phase ? ` · phase ${s.current_phase}` : ""} · ${s.acs_passed}/${s.acs_total} ACs passed${s.acs_failed ? ` · ${s.acs_failed} failed` : ""} · $${s.cost_usd.toFixed(4)}`;
}

export async function acTree(b: EventBackend, s: SessionRow): Promise<string> {
  const acs = await b.sessionAcs(s.session_id);
  const kids = new Map<string | null, AcRow[]>();
  for (const ac of acs) kids.set(ac.parent_id, [...(kids.get(ac.parent_id) ?? []), ac]);
  const lines: string[] = [];
  const walk = (parent: string | null, indent: number) => {
    for (const ac of (kids.get(parent) ?? []).sort((x, y) => x.position - y.position)) {
      const extra = [
        ac.status,
        ac.phase,
        ac.tier,
        ac.attempts ? `${ac.attempts} attempt${ac.attempts > 1 ? "s" : ""}` : null,
      ]
        .filter(Boolean)
        .join(", ");
      lines.push(
        `${"  ".repeat(indent)}- ${mark(ac.status)} **${ac.ac_id}** ${ac.description.split("\n")[0]} _(${extra})_`,
      );
      walk(ac.ac_id, indent + 1);
    }
  };
  walk(null, 0);
  return `${header(s)}\n\n${lines.length ? lines.join("\n") : "_no acceptance criteria recorded yet_"}\n`;
}

export async function acDashboard(b: EventBackend, s: SessionRow): Promise<string> {
  const [acs, judged] = await Promise.all([
    b.sessionAcs(s.session_id),
    b.sessionPayloads(s.session_id, "execution.ac.attempt_judged"),
  ]);
  const history = new Map<string, string[]>();
  for (const j of judged) {
    const d = j as { ac_id: string; outcome: string };
    history.set(d.ac_id, [
      ...(history.get(d.ac_id) ?? []),
      d.outcome === "approved" || d.outcome === "passed" ? "pass" : d.outcome,
    ]);
  }
  const rows = acs.map(
    (ac) =>
      `| ${"· ".repeat(ac.depth)}${ac.ac_id} | ${cell(ac.description.slice(0, 80))} | ${mark(ac.status)} ${ac.status} | ${(history.get(ac.ac_id) ?? []).join(" → ") || "–"} | ${ac.tier ?? "–"} | ${ac.attempts} | $${ac.cost_usd.toFixed(4)} |`,
  );
  return `${header(s)}\n\n| AC | description | status | judged attempts | tier | attempts | cost |\n|---|---|---|---|---|---|---|\n${rows.join("\n")}\n`;
}
