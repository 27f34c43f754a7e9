import { describe, expect, test } from "bun:test";
import { acSemanticKey, executionNodeId } from "../../src/seed/ids.ts";
import { loadSeedFile } from "../../src/seed/load.ts";
import { buildAcTree } from "../../src/seed/tree.ts";
import { normalizeWeights, parseExitCriteria } from "../../src/seed/exit-conditions.ts";
import { route } from "../../src/pipeline/router.ts";
import { fixture } from "../lib/cli.ts";

describe("identifiers (spec vectors)", () => {
  test("AC semantic keys", () => {
    expect(
      acSemanticKey({
        description: "Tasks can be created",
        expected_artifacts: [],
        output_assertion: null,
        verify_command: null,
      }),
    ).toBe("ac_051d1d09e0a583a2");
    expect(
      acSemanticKey({
        description: "Über",
        verify_command: "pytest -q",
        expected_artifacts: ["src/a.py"],
        output_assertion: "2 passed",
      }),
    ).toBe("ac_5c553d124b291281");
  });
  test("execution node id", () => {
    expect(executionNodeId("exec_1", [0, 1])).toBe("node_LF2A6IOZLWRIQ");
  });
});

describe("AC tree", () => {
  const ac = (description: string, depends_on: (number | string)[] = []) => ({
    description,
    depends_on,
    expected_artifacts: [],
    output_assertion: null,
    verify_command: null,
    verify_exemption_reason: null,
    investment: null,
    semantic_ac_key: acSemanticKey({
      description,
      expected_artifacts: [],
      output_assertion: null,
      verify_command: null,
    }),
  });
  test("dependency levels (Kahn)", () => {
    const r = buildAcTree([ac("a"), ac("b", [1]), ac("c", [1]), ac("d", [2, 3])]);
    expect(r.tree!.levels).toEqual([[0], [1, 2], [3]]);
    expect(r.tree!.nodes.map((n) => n.display_path)).toEqual(["1", "2", "3", "4"]);
  });
  test("duplicate semantic keys get distinct ids", () => {
    const r = buildAcTree([ac("same"), ac("same")]);
    expect(r.tree!.nodes[1]!.ac_id).toBe(`${r.tree!.nodes[0]!.ac_id}_2`);
  });
  test("a cycle is an error, not a warning", () => {
    const load = loadSeedFile(fixture("seeds/cycle.yaml"));
    const r = buildAcTree(load.seed!.acceptance_criteria);
    expect(r.tree).toBeUndefined();
    expect(r.problems[0]!.message).toContain("dependency cycle");
  });
  test("unknown dependency", () => {
    expect(buildAcTree([ac("a", [7])]).problems[0]!.message).toContain("names no acceptance criterion");
  });
});

describe("principles and exit conditions", () => {
  test("weights normalise; all-zero is an error", () => {
    expect(normalizeWeights([{ weight: 0.7 }, { weight: 0.3 }]).items.map((p) => p.normalized)).toEqual([0.7, 0.3]);
    expect(normalizeWeights([{ weight: 2 }, { weight: 2 }]).items.map((p) => p.normalized)).toEqual([0.5, 0.5]);
    expect(normalizeWeights([{ weight: 0 }, { weight: 0 }]).error).toContain("zero");
  });
  test("machine predicates, judged text and malformed predicates", () => {
    expect(parseExitCriteria("all_acs_passed").predicate).toEqual({ kind: "all_acs_passed" });
    expect(parseExitCriteria("score >= 0.85").predicate).toEqual({ kind: "score", min: 0.85 });
    expect(parseExitCriteria("generations >= 3").predicate).toEqual({ kind: "generations", min: 3 });
    expect(parseExitCriteria("elapsed_seconds >= 600").predicate).toEqual({ kind: "elapsed_seconds", min: 600 });
    expect(parseExitCriteria("cost_usd >= 2.5").predicate).toEqual({ kind: "cost_usd", min: 2.5 });
    expect(parseExitCriteria("command: test -f 'out file.txt'").predicate).toEqual({
      kind: "command",
      argv: ["test", "-f", "out file.txt"],
    });
    expect(parseExitCriteria("The app feels complete").predicate).toEqual({
      kind: "judged",
      text: "The app feels complete",
    });
    expect(parseExitCriteria("score > 0.8").error).toContain("malformed");
    expect(parseExitCriteria("score >= 7").error).toContain("0..1");
    expect(parseExitCriteria("command: make && rm -rf /").error).toContain("shell operators");
  });
});

describe("PAL router golden cases", () => {
  const cases: [number, number, number, number, "frugal" | "standard" | "frontier"][] = [
    [100, 0, 1, 0.0875, "frugal"],
    [1000, 1, 2, 0.295, "frugal"],
    [0, 0, 5, 0.4, "standard"],
    [2000, 2, 3, 0.51, "standard"],
    [4000, 0, 5, 0.7, "frontier"],
    [5000, 4, 5, 0.94, "frontier"],
  ];
  for (const [tokens, tools, depth, score, tier] of cases) {
    test(`(${tokens}, ${tools}, ${depth}) → ${score} ${tier}`, () => {
      const r = route({ tokens, tools, depth });
      expect(r.score).toBe(score);
      expect(r.tier).toBe(tier);
    });
  }
});
