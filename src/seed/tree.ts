/**
 * The acceptance-criteria tree before any model call: roots with ids and dependency levels.
 * Composite children are added later by decomposition, with the same id scheme.
 */
import type { Problem } from "../util/problems.ts";
import { displayPath } from "./ids.ts";
import type { AcceptanceCriterion } from "./schema.ts";

export interface AcNode {
  /** Stable id used in events: the semantic key, suffixed when two ACs share one. */
  ac_id: string;
  index: number;
  path: number[];
  display_path: string;
  depth: number;
  parent: string | null;
  description: string;
  semantic_ac_key: string;
  verify_command: string | null;
  depends_on: number[];
  level: number;
  kind: "atomic" | "composite";
}

export interface AcTree {
  nodes: AcNode[];
  levels: number[][];
}

/** Build roots, resolve depends_on (1-based numbers or keys) and group into Kahn levels. */
export function buildAcTree(acs: readonly AcceptanceCriterion[]): {
  tree?: AcTree;
  problems: { index: number; message: string }[];
} {
  const problems: { index: number; message: string }[] = [];
  const seen = new Map<string, number>();
  const nodes: AcNode[] = acs.map((ac, i) => {
    const n = (seen.get(ac.semantic_ac_key) ?? 0) + 1;
    seen.set(ac.semantic_ac_key, n);
    return {
      ac_id: n === 1 ? ac.semantic_ac_key : `${ac.semantic_ac_key}_${n}`,
      index: i,
      path: [i],
      display_path: displayPath([i]),
      depth: 0,
      parent: null,
      description: ac.description,
      semantic_ac_key: ac.semantic_ac_key,
      verify_command: ac.verify_command,
      depends_on: [],
      level: 0,
      kind: "atomic",
    };
  });
  const byKey = new Map(nodes.map((n) => [n.semantic_ac_key, n.index]));
  acs.forEach((ac, i) => {
    for (const dep of ac.depends_on) {
      const target = typeof dep === "number" ? dep - 1 : byKey.get(dep);
      if (target === undefined || target < 0 || target >= acs.length)
        problems.push({ index: i, message: `depends_on '${dep}' names no acceptance criterion` });
      else if (target === i) problems.push({ index: i, message: "an acceptance criterion cannot depend on itself" });
      else nodes[i]!.depends_on.push(target);
    }
  });
  if (problems.length) return { problems };
  // Kahn levels: a level holds every AC whose dependencies all sit in earlier levels.
  const remaining = new Set(nodes.map((n) => n.index));
  const levels: number[][] = [];
  while (remaining.size) {
    const ready = [...remaining].filter((i) => nodes[i]!.depends_on.every((d) => !remaining.has(d)));
    if (!ready.length) {
      const cycle = [...remaining].map((i) => i + 1).join(", ");
      return {
        problems: [...remaining]
          .map((i) => ({ index: i, message: `dependency cycle among acceptance criteria ${cycle}` }))
          .slice(0, 1),
      };
    }
    for (const i of ready) {
      nodes[i]!.level = levels.length;
      remaining.delete(i);
    }
    levels.push(ready);
  }
  return { tree: { nodes, levels }, problems: [] };
}

export function treeProblems(
  file: string,
  locateAc: (i: number) => { line: number; col: number },
  ps: { index: number; message: string }[],
): Problem[] {
  return ps.map((p) => ({
    file,
    ...locateAc(p.index),
    path: `acceptance_criteria.${p.index}.depends_on`,
    code: "seed.dependency",
    message: p.message,
  }));
}
