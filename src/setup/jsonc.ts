/**
 * JSON / JSONC for setup, on top of `jsonc-parser` (the parser VS Code uses): its tree keeps every
 * value's offset, so setup replaces or inserts exactly one property and leaves every other byte
 * (comments, spacing, key order) alone. Strict mode (plain .json) refuses comments and trailing
 * commas. Inserted values follow the file's indentation unit and the indentation of the line
 * they land on; removing what we inserted gives back the original bytes.
 *
 * The edits are computed here from the tree's offsets and applied with `applyEdits`, not made by
 * the library's `modify`: with formatting on, `modify` reflows the whole line it touches (a
 * user's `{ "command": "y" }` becomes three lines, so uninstall cannot give the bytes back);
 * without it, removing an array's last item leaves `["a""]` and removing a first property eats
 * the line break before the next one (test/setup/jsonc-diff.test.ts shows the inverses we need).
 */
import { applyEdits, getNodeValue, type Node, type ParseError, parseTree } from "jsonc-parser";

export type JNode = Node;

export interface JsonSyntaxError {
  message: string;
  line: number;
  column: number;
}

export type Parsed = { ok: true; root: JNode | null; value: unknown } | { ok: false; error: JsonSyntaxError };

export function lineCol(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let last = -1;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) !== 10) continue;
    line++;
    last = i;
  }
  return { line, column: offset - last };
}

// jsonc-parser's ParseErrorCode values (a const enum, so spelled out here) → one-line messages.
const MESSAGES: Record<number, string> = {
  1: "unexpected character",
  2: "invalid number",
  3: "expected a property name in double quotes",
  4: "expected a value",
  5: "expected ':'",
  6: "expected ','",
  7: "expected ',' or '}'",
  8: "expected ',' or ']'",
  9: "unexpected text after the end of the document",
  10: "comments are not allowed in JSON",
  11: "unterminated comment",
  12: "unterminated string",
  13: "unexpected end of number",
  14: "invalid unicode escape",
  15: "invalid string escape",
  16: "invalid character in string",
};

function describe(text: string, e: ParseError, root: JNode | undefined): string {
  const at = text[e.offset];
  if ((at === "}" || at === "]") && /,\s*$/.test(text.slice(0, e.offset))) return "trailing comma";
  if (e.offset >= text.length && e.error !== 11 && e.error !== 12) return "unexpected end of file";
  if (root && e.offset >= root.offset + root.length && e.error !== 10)
    return "unexpected text after the end of the document";
  return MESSAGES[e.error] ?? "invalid JSON";
}

/** A leading byte-order mark is whitespace to us; jsonc-parser would call it a symbol. A space keeps offsets. */
const unBom = (text: string) => (text.charCodeAt(0) === 0xfeff ? ` ${text.slice(1)}` : text);

/** The tree, or the first syntax error as a one-line message. */
function tree(text: string, jsonc: boolean): { root: JNode | undefined; error?: ParseError; message?: string } {
  const errors: ParseError[] = [];
  const root = parseTree(unBom(text), errors, {
    allowTrailingComma: jsonc,
    disallowComments: !jsonc,
    allowEmptyContent: true,
  });
  const error = errors[0];
  return error ? { root, error, message: describe(text, error, root) } : { root };
}

/** Parse; an empty (or whitespace/comment-only) text gives root null. */
export function parseJsonc(text: string, jsonc: boolean): Parsed {
  const { root, error, message } = tree(text, jsonc);
  if (error) return { ok: false, error: { message: message!, ...lineCol(text, error.offset) } };
  return { ok: true, root: root ?? null, value: root ? getNodeValue(root) : undefined };
}

const lineStart = (text: string, at: number) => text.lastIndexOf("\n", at - 1) + 1;
const indentAt = (text: string, at: number) => /^[ \t]*/.exec(text.slice(lineStart(text, at), at))![0];
const end = (n: JNode) => n.offset + n.length;
/** Property nodes of an object (each has children [key, value]). */
const props = (obj: JNode) => obj.children ?? [];
/** The value at `path`; with a duplicate key the last one counts, as in JSON.parse. */
function nodeAt(root: JNode | undefined, path: readonly string[]): JNode | undefined {
  let node = root;
  for (const k of path)
    node =
      node?.type === "object" ? props(node).findLast((p) => p.children?.[0]?.value === k)?.children?.[1] : undefined;
  return node;
}

/** The file's indentation unit (first indented property line), default two spaces. */
export function indentUnit(text: string): string {
  return /^([ \t]+)"/m.exec(text)?.[1] ?? "  ";
}

function render(value: unknown, unit: string, base: string): string {
  return JSON.stringify(value, null, unit).replace(/\n/g, `\n${base}`);
}

const nest = (path: readonly string[], value: unknown): unknown =>
  path.reduceRight<unknown>((v, k) => ({ [k]: v }), value);

/**
 * Set `path` to `value`, creating missing objects on the way. Only the text of that one value
 * (or one inserted property) changes. Fails when something on the path is not an object.
 */
export function setPath(
  text: string,
  path: readonly string[],
  value: unknown,
): { ok: true; text: string } | { ok: false; reason: string } {
  const unit = indentUnit(text);
  const { root, error, message } = tree(text, true);
  if (error) return { ok: false, reason: message! };
  if (!root) return { ok: true, text: `${render(nest(path, value), unit, "")}\n` };
  let node = root;
  for (let d = 0; d < path.length; d++) {
    if (node.type !== "object")
      return { ok: false, reason: `'${path.slice(0, d).join(".") || "(root)"}' is not an object` };
    const next = nodeAt(node, [path[d]!]);
    if (!next) return { ok: true, text: insertProp(text, node, path[d]!, nest(path.slice(d + 1), value), unit) };
    node = next;
  }
  // An existing value is replaced in place, laid out like the line it sits on.
  return {
    ok: true,
    text: applyEdits(text, [
      { offset: node.offset, length: node.length, content: render(value, unit, indentAt(text, node.offset)) },
    ]),
  };
}

/** One new property after the last one: on the same line for a one-line object, else on its own line. */
function insertProp(text: string, obj: JNode, key: string, value: unknown, unit: string): string {
  const last = props(obj).at(-1);
  const objEnd = end(obj);
  if (!last) {
    const base = indentAt(text, obj.offset);
    const inner = base + unit;
    return `${text.slice(0, obj.offset + 1)}\n${inner}${JSON.stringify(key)}: ${render(value, unit, inner)}\n${base}${text.slice(objEnd - 1)}`;
  }
  const at = end(last);
  if (lineStart(text, last.offset) <= obj.offset)
    return applyEdits(text, [{ offset: at, length: 0, content: `, ${JSON.stringify(key)}: ${JSON.stringify(value)}` }]);
  const inner = indentAt(text, last.offset);
  return applyEdits(text, [
    { offset: at, length: 0, content: `,\n${inner}${JSON.stringify(key)}: ${render(value, unit, inner)}` },
  ]);
}

/**
 * Remove the property at `path` (the exact inverse of insertProp for a property we added), then
 * drop parents on `path` that became empty. Absent → text unchanged.
 */
export function removePath(text: string, path: readonly string[]): string {
  for (let depth = path.length; depth > 0; depth--) {
    const { root, error } = tree(text, true);
    if (error || !root) return text;
    const obj = nodeAt(root, path.slice(0, depth - 1));
    const all = obj?.type === "object" ? props(obj) : [];
    const idx = all.findLastIndex((p) => p.children?.[0]?.value === path[depth - 1]);
    if (!obj || idx < 0) return text;
    // Only the leaf is always removed; a parent goes only when it is now empty.
    const target = all[idx]!.children?.[1];
    if (depth < path.length && !(target?.type === "object" && props(target).length === 0)) return text;
    text = cut(text, obj, all, idx);
  }
  return text;
}

/**
 * Remove child `idx` of an object or array: the inverse of an insert after the last child (the
 * separator before it goes too); the only child empties the container back to `{}` / `[]`.
 */
function cut(text: string, parent: JNode, kids: JNode[], idx: number): string {
  if (kids.length === 1)
    return applyEdits(text, [{ offset: parent.offset + 1, length: parent.length - 2, content: "" }]);
  const from = idx > 0 ? end(kids[idx - 1]!) : kids[0]!.offset;
  const to = idx > 0 ? end(kids[idx]!) : kids[1]!.offset;
  return applyEdits(text, [{ offset: from, length: to - from, content: "" }]);
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

/** Append a string to the array at `path` (created when absent), touching only that spot. */
export function appendToArray(
  text: string,
  path: readonly string[],
  item: string,
): { ok: true; text: string } | { ok: false; reason: string } {
  const { root, error, message } = tree(text, true);
  if (error) return { ok: false, reason: message! };
  const arr = nodeAt(root, path);
  if (!arr) return setPath(text, path, [item]);
  if (arr.type !== "array") return { ok: false, reason: `'${path.join(".")}' is not an array` };
  const last = arr.children?.at(-1);
  const s = JSON.stringify(item);
  if (!last) return { ok: true, text: applyEdits(text, [{ offset: arr.offset + 1, length: 0, content: s }]) };
  const sep = lineStart(text, last.offset) <= arr.offset ? ", " : `,\n${indentAt(text, last.offset)}`;
  return { ok: true, text: applyEdits(text, [{ offset: end(last), length: 0, content: sep + s }]) };
}

/** Remove every string item of the array at `path` that `match`es; an emptied array goes too. */
export function removeFromArray(text: string, path: readonly string[], match: (s: string) => boolean): string {
  for (;;) {
    const { root, error } = tree(text, true);
    const arr = error ? undefined : nodeAt(root, path);
    if (arr?.type !== "array") return text;
    const it = arr.children ?? [];
    const idx = it.findIndex((n) => n.type === "string" && match(n.value as string));
    if (idx < 0) return it.length ? text : removePath(text, path);
    text = cut(text, arr, it, idx);
  }
}
