/**
 * The import graph of the program's source (src/ and adapters/), read with Bun's own scanner,
 * for test/suite/import-graph.test.ts. Relative specifiers only: packages and node: builtins
 * cannot close a circle through our files.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

export type Graph = Map<string, Set<string>>;

const SCANNERS = { ts: new Bun.Transpiler({ loader: "ts" }), tsx: new Bun.Transpiler({ loader: "tsx" }) };

function sourceFiles(root: string, dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = join(dir, e.name);
    if (e.isDirectory()) return e.name === "fixtures" ? [] : sourceFiles(root, rel);
    return /\.tsx?$/.test(e.name) && !e.name.endsWith(".d.ts") ? [rel] : [];
  });
}

/**
 * Type-only imports count too: the scanner drops them (they vanish at run time), but a type
 * borrowed from a higher layer ties the layers together as surely as a value does. So `type`
 * markers are erased before scanning, and `import("x").T` type queries are collected by hand.
 */
function specifiers(file: string, source: string): string[] {
  const typeQueries = [...source.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)\s*\./g)].map((m) => m[1]!);
  const erased = source
    .replace(/^#!.*/, "")
    .replace(/\b(import|export)\s+type\s+(?=[{*]|[\w$]+\s+from\b)/g, "$1 ")
    .replace(/([{,]\s*)type\s+(?=[\w$]+\s*(?:,|}|as\b))/g, "$1");
  const scanner = file.endsWith(".tsx") ? SCANNERS.tsx : SCANNERS.ts;
  return [...scanner.scanImports(erased).map((i) => i.path), ...typeQueries];
}

/** File → files it imports (statically, dynamically or for types), as paths relative to `root`. */
export function importGraph(root: string, dirs: readonly string[] = ["src", "adapters"]): Graph {
  const files = dirs.flatMap((d) => sourceFiles(root, d));
  const known = new Set(files);
  const graph: Graph = new Map();
  for (const file of files) {
    const deps = new Set<string>();
    for (const spec of specifiers(file, readFileSync(join(root, file), "utf8"))) {
      if (!spec.startsWith(".")) continue;
      const target = relative(root, resolve(root, dirname(file), spec));
      if (!known.has(target)) throw new Error(`${file}: cannot resolve '${spec}'`);
      deps.add(target);
    }
    graph.set(file, deps);
  }
  return graph;
}

/** The layer a file belongs to: `adapters` as one, each src/<folder>, each file directly in src/. */
export function folderOf(file: string): string {
  const parts = file.split("/");
  if (parts[0] === "adapters") return "adapters";
  return parts.length > 2 ? `${parts[0]}/${parts[1]}` : file;
}

/** The folder graph, each edge with one file import that makes it. */
export function folderGraph(files: Graph): { graph: Graph; why: Map<string, string> } {
  const graph: Graph = new Map();
  const why = new Map<string, string>();
  for (const [from, deps] of files)
    for (const to of deps) {
      const a = folderOf(from);
      const b = folderOf(to);
      if (a === b) continue;
      if (!graph.has(a)) graph.set(a, new Set());
      graph.get(a)!.add(b);
      if (!why.has(`${a} → ${b}`)) why.set(`${a} → ${b}`, `${from} → ${to}`);
    }
  return { graph, why };
}

/** One shortest circle through each strongly connected part of the graph (none when acyclic). */
export function cycles(graph: Graph): string[][] {
  return knots(graph).map((knot) => {
    const inside = new Set(knot);
    const sub: Graph = new Map(knot.map((n) => [n, new Set([...(graph.get(n) ?? [])].filter((m) => inside.has(m)))]));
    return shortestPath(sub, knot[0]!, knot[0]!)!;
  });
}

/** Strongly connected parts with a circle in them (Tarjan), members sorted. */
function knots(graph: Graph): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (n: string) => {
    index.set(n, next);
    low.set(n, next++);
    stack.push(n);
    onStack.add(n);
    for (const m of graph.get(n) ?? []) {
      if (!index.has(m)) {
        visit(m);
        low.set(n, Math.min(low.get(n)!, low.get(m)!));
      } else if (onStack.has(m)) low.set(n, Math.min(low.get(n)!, index.get(m)!));
    }
    if (low.get(n) !== index.get(n)) return;
    const part: string[] = [];
    let m: string;
    do {
      m = stack.pop()!;
      onStack.delete(m);
      part.push(m);
    } while (m !== n);
    if (part.length > 1 || graph.get(n)?.has(n)) found.push(part.sort());
  };
  for (const n of [...graph.keys()].sort()) if (!index.has(n)) visit(n);
  return found;
}

function shortestPath(graph: Graph, from: string, to: string): string[] | null {
  const prev = new Map<string, string>();
  const queue = [from];
  for (let i = 0; i < queue.length; i++) {
    const n = queue[i]!;
    for (const m of graph.get(n) ?? []) {
      if (prev.has(m)) continue;
      prev.set(m, n);
      if (m === to) {
        const path = [to];
        for (let at = prev.get(to)!; at !== from; at = prev.get(at)!) path.unshift(at);
        return [from, ...path];
      }
      queue.push(m);
    }
  }
  return null;
}
