/**
 * A small JSON / JSONC parser that remembers where every value sits in the text, so setup can
 * replace or insert exactly one property and leave every other byte (comments, spacing, key
 * order) alone. Strict mode (plain .json) refuses comments and trailing commas.
 */

export type JNode =
  | { kind: "object"; start: number; end: number; props: JProp[] }
  | { kind: "array"; start: number; end: number; items: JNode[] }
  | { kind: "scalar"; start: number; end: number; value: string | number | boolean | null };
export interface JProp {
  key: string;
  keyStart: number;
  value: JNode;
}

export interface JsonSyntaxError {
  message: string;
  line: number;
  column: number;
}

export type Parsed = { ok: true; root: JNode | null; value: unknown } | { ok: false; error: JsonSyntaxError };

export function lineCol(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let last = -1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) (line++, (last = i));
  return { line, column: offset - last };
}

class Fail extends Error {
  constructor(readonly offset: number, message: string) {
    super(message);
  }
}

/** Parse; an empty (or whitespace/comment-only) text gives root null. */
export function parseJsonc(text: string, jsonc: boolean): Parsed {
  let i = 0;
  const skip = () => {
    for (;;) {
      const c = text[i];
      if (c === " " || c === "\t" || c === "\n" || c === "\r" || c === "\uFEFF") i++;
      else if (c === "/" && (text[i + 1] === "/" || text[i + 1] === "*")) {
        if (!jsonc) throw new Fail(i, "comments are not allowed in JSON");
        if (text[i + 1] === "/") while (i < text.length && text[i] !== "\n") i++;
        else {
          const close = text.indexOf("*/", i + 2);
          if (close < 0) throw new Fail(i, "unterminated comment");
          i = close + 2;
        }
      } else return;
    }
  };
  const str = (): string => {
    const start = i;
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === "\\") i++;
      else if (text[i] === "\n") throw new Fail(i, "unterminated string");
      i++;
    }
    if (i >= text.length) throw new Fail(start, "unterminated string");
    i++;
    try {
      return JSON.parse(text.slice(start, i)) as string;
    } catch {
      throw new Fail(start, "invalid string escape");
    }
  };
  const value = (): JNode => {
    skip();
    const start = i;
    const c = text[i];
    if (c === "{") {
      i++;
      const props: JProp[] = [];
      for (;;) {
        skip();
        if (i >= text.length) throw new Fail(i, "unexpected end of file");
        if (text[i] === "}") break;
        if (props.length) {
          if (text[i] !== ",") throw new Fail(i, "expected ',' or '}'");
          i++;
          skip();
          if (text[i] === "}") {
            if (!jsonc) throw new Fail(i, "trailing comma");
            break;
          }
        }
        if (text[i] !== '"') throw new Fail(i, "expected a property name in double quotes");
        const keyStart = i;
        const key = str();
        skip();
        if (text[i] !== ":") throw new Fail(i, "expected ':'");
        i++;
        props.push({ key, keyStart, value: value() });
      }
      i++;
      return { kind: "object", start, end: i, props };
    }
    if (c === "[") {
      i++;
      const items: JNode[] = [];
      for (;;) {
        skip();
        if (i >= text.length) throw new Fail(i, "unexpected end of file");
        if (text[i] === "]") break;
        if (items.length) {
          if (text[i] !== ",") throw new Fail(i, "expected ',' or ']'");
          i++;
          skip();
          if (text[i] === "]") {
            if (!jsonc) throw new Fail(i, "trailing comma");
            break;
          }
        }
        items.push(value());
      }
      i++;
      return { kind: "array", start, end: i, items };
    }
    if (c === '"') return { kind: "scalar", start, end: (str(), i), value: JSON.parse(text.slice(start, i)) as string };
    const m = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(i, i + 64));
    if (!m) throw new Fail(i, i >= text.length ? "unexpected end of file" : `unexpected character '${c}'`);
    i += m[0].length;
    return { kind: "scalar", start, end: i, value: JSON.parse(m[0]) as string | number | boolean | null };
  };
  try {
    skip();
    if (i >= text.length) return { ok: true, root: null, value: undefined };
    const root = value();
    skip();
    if (i < text.length) throw new Fail(i, "unexpected text after the end of the document");
    return { ok: true, root, value: toValue(root) };
  } catch (e) {
    if (!(e instanceof Fail)) throw e;
    return { ok: false, error: { message: e.message, ...lineCol(text, e.offset) } };
  }
}

export function toValue(n: JNode): unknown {
  if (n.kind === "scalar") return n.value;
  if (n.kind === "array") return n.items.map(toValue);
  const o: Record<string, unknown> = {};
  for (const p of n.props) o[p.key] = toValue(p.value);
  return o;
}

const lineStart = (text: string, at: number) => text.lastIndexOf("\n", at - 1) + 1;
const indentAt = (text: string, at: number) => /^[ \t]*/.exec(text.slice(lineStart(text, at), at))![0];

/** The file's indentation unit (first indented property line), default two spaces. */
export function indentUnit(text: string): string {
  return /^([ \t]+)"/m.exec(text)?.[1] ?? "  ";
}

function render(value: unknown, unit: string, base: string): string {
  return JSON.stringify(value, null, unit).replace(/\n/g, `\n${base}`);
}

/**
 * Set `path` to `value`, creating missing objects on the way. Only the text of that one value
 * (or one inserted property) changes. Fails when something on the path is not an object.
 */
export function setPath(text: string, path: readonly string[], value: unknown): { ok: true; text: string } | { ok: false; reason: string } {
  const unit = indentUnit(text);
  const parsed = parseJsonc(text, true);
  if (!parsed.ok) return { ok: false, reason: parsed.error.message };
  if (!parsed.root) return { ok: true, text: `${render(nest(path, value), unit, "")}\n` };
  let node: JNode = parsed.root;
  for (let d = 0; d < path.length; d++) {
    if (node.kind !== "object") return { ok: false, reason: `'${path.slice(0, d).join(".") || "(root)"}' is not an object` };
    const prop: JProp | undefined = node.props.findLast((p) => p.key === path[d]);
    if (!prop) return { ok: true, text: insertProp(text, node, path[d]!, nest(path.slice(d + 1), value), unit) };
    node = prop.value;
  }
  const base = indentAt(text, node.start);
  return { ok: true, text: text.slice(0, node.start) + render(value, unit, base) + text.slice(node.end) };
}

function nest(path: readonly string[], value: unknown): unknown {
  return path.reduceRight<unknown>((v, k) => ({ [k]: v }), value);
}

function insertProp(text: string, obj: Extract<JNode, { kind: "object" }>, key: string, value: unknown, unit: string): string {
  const last = obj.props.at(-1);
  if (!last) {
    const base = indentAt(text, obj.start);
    const inner = base + unit;
    return `${text.slice(0, obj.start + 1)}\n${inner}${JSON.stringify(key)}: ${render(value, unit, inner)}\n${base}${text.slice(obj.end - 1)}`;
  }
  const oneLine = lineStart(text, last.keyStart) <= obj.start;
  const at = last.value.end;
  if (oneLine) return `${text.slice(0, at)}, ${JSON.stringify(key)}: ${JSON.stringify(value)}${text.slice(at)}`;
  const inner = indentAt(text, last.keyStart);
  return `${text.slice(0, at)},\n${inner}${JSON.stringify(key)}: ${render(value, unit, inner)}${text.slice(at)}`;
}

/**
 * Remove the property at `path` (the exact inverse of insertProp for a property we added), then
 * drop parents on `path` that became empty. Absent → text unchanged.
 */
export function removePath(text: string, path: readonly string[]): string {
  for (let depth = path.length; depth > 0; depth--) {
    const parsed = parseJsonc(text, true);
    if (!parsed.ok || !parsed.root) return text;
    let obj: JNode = parsed.root;
    for (const k of path.slice(0, depth - 1)) {
      const p: JProp | undefined = obj.kind === "object" ? obj.props.findLast((q) => q.key === k) : undefined;
      if (!p) return text;
      obj = p.value;
    }
    if (obj.kind !== "object") return text;
    const idx = obj.props.findLastIndex((p) => p.key === path[depth - 1]);
    if (idx < 0) return text;
    // Only the leaf is always removed; a parent goes only when it is now empty.
    const target = obj.props[idx]!;
    if (depth < path.length && !(target.value.kind === "object" && target.value.props.length === 0)) return text;
    if (obj.props.length === 1) text = text.slice(0, obj.start + 1) + text.slice(obj.end - 1);
    else if (idx > 0) text = text.slice(0, obj.props[idx - 1]!.value.end) + text.slice(target.value.end);
    else text = text.slice(0, target.keyStart) + text.slice(obj.props[1]!.keyStart);
  }
  return text;
}

/** Value at `path` in a parsed document, or undefined. */
export function getPath(value: unknown, path: readonly string[]): unknown {
  let v = value;
  for (const k of path) {
    if (!v || typeof v !== "object" || Array.isArray(v)) return undefined;
    v = (v as Record<string, unknown>)[k];
  }
  return v;
}

function nodeAt(root: JNode | null, path: readonly string[]): JNode | undefined {
  let node: JNode | undefined = root ?? undefined;
  for (const k of path) node = node?.kind === "object" ? node.props.findLast((p) => p.key === k)?.value : undefined;
  return node;
}

/** Append a string to the array at `path` (created when absent), touching only that spot. */
export function appendToArray(text: string, path: readonly string[], item: string): { ok: true; text: string } | { ok: false; reason: string } {
  const parsed = parseJsonc(text, true);
  if (!parsed.ok) return { ok: false, reason: parsed.error.message };
  const arr = nodeAt(parsed.root, path);
  if (!arr) return setPath(text, path, [item]);
  if (arr.kind !== "array") return { ok: false, reason: `'${path.join(".")}' is not an array` };
  const last = arr.items.at(-1);
  const s = JSON.stringify(item);
  if (!last) return { ok: true, text: `${text.slice(0, arr.start + 1)}${s}${text.slice(arr.end - 1)}` };
  const sep = lineStart(text, last.start) <= arr.start ? ", " : `,\n${indentAt(text, last.start)}`;
  return { ok: true, text: text.slice(0, last.end) + sep + s + text.slice(last.end) };
}

/** Remove every string item of the array at `path` that `match`es; an emptied array goes too. */
export function removeFromArray(text: string, path: readonly string[], match: (s: string) => boolean): string {
  for (;;) {
    const parsed = parseJsonc(text, true);
    if (!parsed.ok) return text;
    const arr = nodeAt(parsed.root, path);
    if (arr?.kind !== "array") return text;
    const idx = arr.items.findIndex((n) => n.kind === "scalar" && typeof n.value === "string" && match(n.value));
    if (idx < 0) return arr.items.length ? text : removePath(text, path);
    const it = arr.items;
    if (it.length === 1) text = text.slice(0, arr.start + 1) + text.slice(arr.end - 1);
    else if (idx > 0) text = text.slice(0, it[idx - 1]!.end) + text.slice(it[idx]!.end);
    else text = text.slice(0, it[0]!.start) + text.slice(it[1]!.start);
  }
}
