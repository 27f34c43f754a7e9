/**
 * Phase 1, Big Bang: the seed's AC tree as events, then composite criteria split into sub-ACs
 * through the model (2–5 children, one repair prompt, depth cap), each decision an event.
 */
import * as v from "valibot";
import type { AcTree } from "../seed/tree.ts";
import { extractJson } from "../util/extract-json.ts";
import { MARK, runAgent, type Agent } from "./agent.ts";
import type { SessionLog } from "./session.ts";

const SplitSchema = v.object({
  children: v.pipe(v.array(v.object({ description: v.pipe(v.string(), v.minLength(1), v.maxLength(500)) })), v.minLength(2), v.maxLength(5)),
  covers_parent: v.optional(v.boolean(), true),
  rationale: v.optional(v.string(), ""),
});

export function emitTree(log: SessionLog, tree: AcTree): void {
  log.emit("ac.tree.built", {
    nodes: tree.nodes.map((n) => ({ ac_id: n.ac_id, parent: null, depth: 0, position: n.index, description: n.description, level: n.level, depends_on: n.depends_on.map((d) => tree.nodes[d]!.ac_id) })),
  });
}

function prompt(goal: string, description: string, depth: number, repair: string | null): string {
  return [
    MARK.decompose,
    `Goal: ${goal}`,
    `Acceptance criterion (depth ${depth}): ${description}`,
    "Is this criterion small enough for one focused coding session? If yes answer exactly ATOMIC.",
    'Otherwise answer JSON {"children":[{"description":"..."}],"covers_parent":true,"rationale":"..."} with 2 to 5 children that together cover it.',
    ...(repair ? [`Your previous answer was unusable: ${repair}. Answer again.`] : []),
  ].join("\n");
}

/** Decide one node; returns the child nodes it was split into (empty when atomic). */
export async function decompose(log: SessionLog, agent: Agent, goal: string, node: { ac_id: string; description: string; depth: number }, cwd: string, signal: AbortSignal): Promise<{ ac_id: string; description: string; depth: number }[]> {
  let repair: string | null = null;
  for (let round = 0; round < 2; round++) {
    const r = await runAgent(agent, { prompt: prompt(goal, node.description, node.depth, repair), cwd, tools: [] }, signal);
    log.emit("execution.ac.token_attribution.reported", { ac_id: node.ac_id, tokens: r.tokens, cost_usd: r.costUsd });
    if (!r.ok) {
      log.emit("ac.decomposition.decided", { ac_id: node.ac_id, disposition: "UNKNOWN", reason: `decomposer failed: ${r.error}` });
      return [];
    }
    if (/^\s*ATOMIC\b/i.test(r.text.trim()) || /^\W*ATOMIC\W*$/i.test(r.text.trim())) {
      log.emit("ac.decomposition.decided", { ac_id: node.ac_id, disposition: "ATOMIC" });
      return [];
    }
    const parsed = v.safeParse(SplitSchema, extractJson(r.text));
    if (parsed.success && parsed.output.covers_parent) {
      const nodes = parsed.output.children.map((c, k) => ({ ac_id: `${node.ac_id}.${k + 1}`, parent: node.ac_id, depth: node.depth + 1, position: k, description: c.description.trim() }));
      log.emit("ac.decomposition.decided", { ac_id: node.ac_id, disposition: "SPLIT", reason: parsed.output.rationale.slice(0, 500) });
      log.emit("ac.decomposed", { ac_id: node.ac_id, nodes });
      return nodes;
    }
    repair = parsed.success ? "children do not cover the parent" : `expected ATOMIC or the JSON object (${parsed.issues[0].message})`;
  }
  log.emit("ac.decomposition.decided", { ac_id: node.ac_id, disposition: "ESCALATED", reason: repair ?? "unusable answers" });
  return [];
}

/** Decompose every undecided node breadth-first down to the depth cap (0 disables). */
export async function decomposeTree(log: SessionLog, agent: Agent, goal: string, cap: number, cwd: string, signal: AbortSignal): Promise<void> {
  if (cap <= 0) return;
  let frontier = [...log.state.acs.values()].filter((a) => a.depth < cap && !log.state.decided.has(a.ac_id) && a.children.length === 0);
  while (frontier.length && !signal.aborted) {
    const next: { ac_id: string; description: string; depth: number }[] = [];
    for (const node of frontier) {
      if (signal.aborted) return;
      const kids = await decompose(log, agent, goal, node, cwd, signal);
      next.push(...kids.filter((k) => k.depth < cap));
    }
    frontier = next.map((n) => log.state.acs.get(n.ac_id)!).filter(Boolean);
  }
}
