/**
 * Unified diff of two texts (Myers O(ND) line diff, 3 lines of context), for `setup --dry-run`.
 * Changes are small even in big files (~/.claude.json), so D stays small and this stays fast.
 */

type Op = { type: " " | "-" | "+"; line: string };

function lines(text: string): string[] {
  if (text === "") return [];
  const l = text.split("\n");
  if (l.at(-1) === "") l.pop();
  return l;
}

function myers(a: string[], b: string[]): Op[] {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const v = new Int32Array(2 * max + 2);
  const trace: Int32Array[] = [];
  for (let d = 0; d <= max; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[max + k - 1]! < v[max + k + 1]!) ? v[max + k + 1]! : v[max + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) (x++, y++);
      v[max + k] = x;
      if (x >= n && y >= m) return backtrack(trace, a, b, max, d);
    }
  }
  return [];
}

function backtrack(trace: Int32Array[], a: string[], b: string[], max: number, dEnd: number): Op[] {
  const ops: Op[] = [];
  let x = a.length;
  let y = b.length;
  for (let d = dEnd; d >= 0; d--) {
    const v = trace[d]!;
    const k = x - y;
    const prevK = k === -d || (k !== d && v[max + k - 1]! < v[max + k + 1]!) ? k + 1 : k - 1;
    const prevX = d === 0 ? 0 : v[max + prevK]!;
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) ops.push({ type: " ", line: a[(x--, x)]! }), y--;
    if (d > 0) {
      if (x === prevX) ops.push({ type: "+", line: b[(y--, y)]! });
      else ops.push({ type: "-", line: a[(x--, x)]! });
    }
  }
  return ops.reverse();
}

/** `--- a/path` / `+++ b/path` diff; "" when the texts are equal. null = file absent. */
export function unifiedDiff(path: string, before: string | null, after: string | null, context = 3): string {
  if (before === after) return "";
  const ops = myers(lines(before ?? ""), lines(after ?? ""));
  const out = [`--- ${before === null ? "/dev/null" : `a${path}`}`, `+++ ${after === null ? "/dev/null" : `b${path}`}`];
  let i = 0;
  while (i < ops.length) {
    if (ops[i]!.type === " ") {
      i++;
      continue;
    }
    // One hunk: from `context` lines before this change to `context` lines after the last change
    // that is within 2*context of the previous one.
    let start = Math.max(0, i - context);
    let end = i;
    for (let j = i; j < ops.length; j++) if (ops[j]!.type !== " ") {
      if (j - end > 2 * context) break;
      end = j;
    }
    end = Math.min(ops.length, end + context + 1);
    let aLine = 1;
    let bLine = 1;
    for (let j = 0; j < start; j++) {
      if (ops[j]!.type !== "+") aLine++;
      if (ops[j]!.type !== "-") bLine++;
    }
    const hunk = ops.slice(start, end);
    const aLen = hunk.filter((o) => o.type !== "+").length;
    const bLen = hunk.filter((o) => o.type !== "-").length;
    out.push(`@@ -${aLen ? aLine : aLine - 1},${aLen} +${bLen ? bLine : bLine - 1},${bLen} @@`);
    for (const o of hunk) out.push(`${o.type}${o.line}`);
    i = end;
    start = end;
  }
  return `${out.join("\n")}\n`;
}
