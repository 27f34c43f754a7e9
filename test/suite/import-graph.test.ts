/**
 * No import circles: between layers (each src/<folder>, each file directly in src/, and
 * adapters/ as one) and between files. A circle means neither side can be read, tested or
 * replaced alone; the failure names the circle and, for folders, one import that makes each step.
 * Static, dynamic and type-only imports all count (see test/lib/import-graph.ts).
 */
import { describe, expect, test } from "bun:test";
import { cycles, folderGraph, type Graph, importGraph } from "../lib/import-graph.ts";
import { ROOT } from "../lib/cli.ts";

const graph = importGraph(ROOT);

describe("import graph of src/ and adapters/", () => {
  test("sees the program: every layer and the adapters' imports of the contract", () => {
    const { graph: folders } = folderGraph(graph);
    expect(graph.size).toBeGreaterThan(200);
    expect(folders.get("adapters")?.size).toBeGreaterThan(0);
    expect([...folders.keys()]).toContain("src/cli");
  });

  test("no circle between folders", () => {
    const { graph: folders, why } = folderGraph(graph);
    const found = cycles(folders).map((c) =>
      [c.join(" → "), ...c.slice(1).map((to, i) => `  ${why.get(`${c[i]} → ${to}`)}`)].join("\n"),
    );
    expect(found).toEqual([]);
  });

  test("no circle between files", () => {
    expect(cycles(graph).map((c) => c.join(" → "))).toEqual([]);
  });
});

describe("the cycle finder", () => {
  test("names a circle and ignores a diamond", () => {
    const g: Graph = new Map([
      ["a", new Set(["b", "c"])],
      ["b", new Set(["d"])],
      ["c", new Set(["d"])],
      ["d", new Set<string>()],
    ]);
    expect(cycles(g)).toEqual([]);
    g.get("d")!.add("a");
    expect(cycles(g)).toEqual([["a", "b", "d", "a"]]);
  });
});
