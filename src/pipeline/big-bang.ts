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
  children: v.pipe(
    v.array(v.object({ description: v.pipe(v.string(), v.minLength(1), v.maxLength(500)) })),
    v.minLength(2),
    v.maxLength(5),
  ),
  covers_parent: v.optional(v.boolean(), true),
  rationale: v.optional(v.string(), ""),
});

export async function emitTree(log: SessionLog, tree: AcTree): Promise<void> {
  await log.emit("ac.tree.built", {
    nodes: tree.nodes.map((n) => ({
      ac_id: n.ac_id,
      parent: null,
      depth: 0,
      position: n.index,
      description: n.description,
      level: n.level,
      depends_on: n.depends_on.map((d) => tree.nodes[d]!.ac_id),
    })),
  });
}

/**
 * A criterion that is evidently atomic is not sent to the model: short, one sentence, no list,
 * at most one "and". Everything else is asked about, in one batched call per tree level.
 */
export function evidentlyAtomic(description: string): boolean {
  const d = description.trim();
  if (d.length > 200 || /[;\n]|\s[-*•]\s|\b\d+[.)]\s|\b(as well as|and then|also|additionally)\b/i.test(d))
    return false;
  if ((d.match(/[.!?](\s|$)/g) ?? []).length > 1) return false;
  return (d.match(/\band\b/gi) ?? []).length <= 1;
}

type Node = { ac_id: string; description: string; depth: number };

const Decision = v.union([v.literal("ATOMIC"), SplitSchema]);
const BatchSchema = v.object({ decisions: v.record(v.string(), Decision) });

function batchPrompt(goal: string, nodes: readonly Node[], repair: string | null): string {
  return [
    MARK.decompose,
    `Goal: ${goal}`,
    "For each acceptance criterion below: is it small enough for one focused coding session?",
    ...nodes.map((n) => `- ${n.ac_id} (depth ${n.depth}): ${n.description}`),
    'Reply with one JSON object {"decisions": {"<ac id>": "ATOMIC" | {"children":[{"description":"..."}],"covers_parent":true,"rationale":"..."}}} naming every id; a split has 2 to 5 children that together cover it.',
    ...(repair ? [`Your previous answer was unusable: ${repair}. Answer again.`] : []),
  ].join("\n");
}

/** Decide one level's undecided nodes; returns the child nodes they were split into. */
export async function decideLevel(
  log: SessionLog,
  agent: Agent,
  goal: string,
  nodes: readonly Node[],
  cwd: string,
  signal: AbortSignal,
): Promise<Node[]> {
  const ask = nodes.filter((n) => !evidentlyAtomic(n.description));
  for (const n of nodes)
    if (!ask.includes(n))
      await log.emit("ac.decomposition.decided", {
        ac_id: n.ac_id,
        disposition: "ATOMIC",
        reason: "evidently atomic (no model call)",
      });
  if (!ask.length) return [];
  let repair: string | null = null;
  for (let round = 0; round < 2; round++) {
    const r = await runAgent(agent, { prompt: batchPrompt(goal, ask, repair), cwd, tools: [] }, signal);
    await log.emit("execution.ac.token_attribution.reported", {
      tokens: r.tokens,
      cost_usd: r.costUsd,
      model_calls: 1,
    });
    if (!r.ok) {
      for (const n of ask)
        await log.emit("ac.decomposition.decided", {
          ac_id: n.ac_id,
          disposition: "UNKNOWN",
          reason: `decomposer failed: ${r.error}`,
        });
      return [];
    }
    const parsed = v.safeParse(BatchSchema, extractJson(r.text));
    // A single criterion may also be answered with a bare ATOMIC.
    const bare = ask.length === 1 && /^\W*ATOMIC\W*$/i.test(r.text.trim());
    if (parsed.success || bare) {
      const kids: Node[] = [];
      for (const n of ask) {
        const d = bare ? "ATOMIC" : parsed.success ? parsed.output.decisions[n.ac_id] : undefined;
        if (d === undefined || d === "ATOMIC" || !d.covers_parent) {
          await log.emit("ac.decomposition.decided", {
            ac_id: n.ac_id,
            disposition: d === undefined ? "ESCALATED" : "ATOMIC",
            ...(d === undefined ? { reason: "not answered" } : {}),
          });
          continue;
        }
        const nodes2 = d.children.map((c, k) => ({
          ac_id: `${n.ac_id}.${k + 1}`,
          parent: n.ac_id,
          depth: n.depth + 1,
          position: k,
          description: c.description.trim(),
        }));
        await log.emit("ac.decomposition.decided", {
          ac_id: n.ac_id,
          disposition: "SPLIT",
          reason: d.rationale.slice(0, 500),
        });
        await log.emit("ac.decomposed", { ac_id: n.ac_id, nodes: nodes2 });
        kids.push(...nodes2);
      }
      return kids;
    }
    repair = `expected {"decisions": {...}} (${parsed.issues[0].message})`;
  }
  for (const n of ask)
    await log.emit("ac.decomposition.decided", {
      ac_id: n.ac_id,
      disposition: "ESCALATED",
      reason: repair ?? "unusable answers",
    });
  return [];
}

/** Decompose every undecided node level by level down to the depth cap (0 disables). */
export async function decomposeTree(
  log: SessionLog,
  agent: Agent,
  goal: string,
  cap: number,
  cwd: string,
  signal: AbortSignal,
): Promise<void> {
  if (cap <= 0) return;
  let frontier: Node[] = [...log.state.acs.values()].filter(
    (a) => a.depth < cap && !log.state.decided.has(a.ac_id) && a.children.length === 0,
  );
  while (frontier.length && !signal.aborted) {
    const kids = await decideLevel(log, agent, goal, frontier, cwd, signal);
    frontier = kids
      .filter((k) => k.depth < cap)
      .map((n) => log.state.acs.get(n.ac_id)!)
      .filter(Boolean);
  }
}
