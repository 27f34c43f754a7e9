/**
 * Exit conditions take effect: machine predicates are evaluated deterministically from the
 * replayed state; judged ones ask the model a yes/no question with evidence.
 */
import type { Seed } from "../seed/schema.ts";
import { parseExitCriteria, type ExitPredicate } from "../seed/exit-conditions.ts";
import { MARK, runAgent, type Agent } from "./agent.ts";
import { runCheck } from "./mechanical.ts";
import { leaves, rollUp, roots, type SessionState } from "../events/session-state.ts";

export interface ExitHit {
  name: string;
  evidence: Record<string, unknown>;
}

export function overallScore(s: SessionState): number {
  const scores = leaves(s).map((a) => (a.status === "passed" ? (a.lastScore ?? 1) : (a.lastScore ?? 0)));
  return scores.length ? Math.round((scores.reduce((x, y) => x + y, 0) / scores.length) * 10000) / 10000 : 0;
}

export const allPassed = (s: SessionState) =>
  roots(s).length > 0 && roots(s).every((r) => rollUp(s, r.ac_id) === "passed");

interface CheckContext {
  cwd: string;
  agent: Agent | null;
  signal: AbortSignal;
  /** Told about every model call a judged condition makes (for the session's accounting). */
  onModelCall?: (tokens: number, costUsd: number) => unknown;
}

async function check(
  p: ExitPredicate,
  s: SessionState,
  ctx: CheckContext & { goal: string },
): Promise<Record<string, unknown> | null> {
  switch (p.kind) {
    case "all_acs_passed":
      return allPassed(s) ? { passed: roots(s).length } : null;
    case "score": {
      const score = overallScore(s);
      return score >= p.min ? { score, min: p.min } : null;
    }
    case "generations":
      return s.generation >= p.min ? { generations: s.generation } : null;
    case "elapsed_seconds": {
      const elapsed = s.startedAt ? Math.round((Date.now() - s.startedAt) / 1000) : 0;
      return elapsed >= p.min ? { elapsed_seconds: elapsed } : null;
    }
    case "cost_usd":
      return s.costUsd >= p.min ? { cost_usd: Math.round(s.costUsd * 1e6) / 1e6 } : null;
    case "command": {
      const ev = await runCheck(
        "exit_condition",
        p.argv.map((a) => (/\s/.test(a) ? `'${a}'` : a)).join(" "),
        ctx.cwd,
        60_000,
        [],
        ctx.signal,
      );
      delete ev.output;
      return ev.outcome === "passed" ? { ...ev } : null;
    }
    case "judged": {
      if (!ctx.agent) return null;
      const status = [...s.acs.values()].map((a) => `${a.ac_id}: ${a.status}`).join("\n");
      const r = await runAgent(
        ctx.agent,
        {
          prompt: `${MARK.exitJudge}\nGoal: ${ctx.goal}\nCondition: ${p.text}\nAC status:\n${status}\nAnswer YES or NO first, then one line of evidence.`,
          cwd: ctx.cwd,
          tools: [],
        },
        ctx.signal,
      );
      await ctx.onModelCall?.(r.tokens, r.costUsd);
      return r.ok && /^\s*YES\b/i.test(r.text) ? { judge: r.text.slice(0, 300) } : null;
    }
  }
}

/**
 * The first met condition, or null. `judged` conditions are asked only when `allowJudged`
 * (at generation boundaries), because each costs a model call.
 */
export async function firstMet(
  seed: Seed,
  s: SessionState,
  ctx: CheckContext & { allowJudged: boolean },
): Promise<ExitHit | null> {
  for (const e of seed.exit_conditions) {
    const parsed = parseExitCriteria(e.criteria).predicate;
    if (!parsed || (parsed.kind === "judged" && !ctx.allowJudged)) continue;
    const evidence = await check(parsed, s, { ...ctx, goal: seed.goal });
    if (evidence) return { name: e.name, evidence: { kind: parsed.kind, ...evidence } };
  }
  return null;
}
