/**
 * The YAML edit for Hermes (~/.hermes/config.yaml `mcp_servers.ouroboros`) and its inverse.
 * Text edits located through the YAML parser's source ranges, so the user's lines (comments,
 * flow style, quoting) stay byte for byte; only a flow-style or empty parent map falls back to
 * re-printing the document with the yaml Document API (comments still kept).
 */
import { Document, isMap, parseDocument } from "yaml";
import { bad, type Edit, okText, sameJson } from "./edits.ts";

type Ranged = { range?: [number, number, number] | null };
type YPair = { key: Ranged & { value?: unknown }; value: (Ranged & { items?: YPair[]; flow?: boolean }) | null };

function yamlDoc(text: string): { ok: true; doc: ReturnType<typeof parseDocument> } | { ok: false; error: string } {
  const doc = parseDocument(text);
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    return { ok: false, error: `${e.linePos?.[0].line ?? 1}:${e.linePos?.[0].col ?? 1}: ${e.message.split("\n")[0]}` };
  }
  if (doc.contents && !isMap(doc.contents)) return { ok: false, error: "1:1: expected a mapping at the top level" };
  return { ok: true, doc };
}

const pairOf = (map: unknown, key: string): YPair | undefined =>
  isMap(map) ? (map.items as unknown as YPair[]).find((p) => (p.key as { value?: unknown })?.value === key) : undefined;
const lineStartOf = (text: string, at: number) => text.lastIndexOf("\n", at - 1) + 1;
/** From the start of the pair's key line to the end of its value (the next line's start). */
function pairSpan(text: string, p: YPair): [number, number] | null {
  const k = p.key.range;
  const v = p.value?.range;
  if (!k || !v) return null;
  return [lineStartOf(text, k[0]), v[1]];
}
function renderPair(key: string, value: unknown, indent: string): string {
  const body = new Document({ [key]: value }).toString();
  return body
    .split("\n")
    .map((l) => (l ? indent + l : l))
    .join("\n");
}

export const yamlEntry = {
  install(text: string | null, path: readonly [string, string], entry: Record<string, unknown>): Edit {
    const t = text ?? "";
    const parsed = yamlDoc(t);
    if (!parsed.ok) return bad(parsed.error);
    const doc = parsed.doc;
    const current = doc.getIn([...path], true) as { toJSON?: () => unknown } | undefined;
    if (current && sameJson(current.toJSON?.() ?? current, entry)) return okText(text);
    const [parentKey, key] = path;
    const parentPair = pairOf(doc.contents, parentKey);
    const parent = parentPair?.value;
    const ours = pairOf(parent, key);
    const span = ours && pairSpan(t, ours);
    if (span)
      return okText(
        t.slice(0, span[0]) + renderPair(key, entry, t.slice(span[0], ours.key.range![0])) + t.slice(span[1]),
      );
    if (!parentPair) {
      const base = t === "" || t.endsWith("\n") ? t : `${t}\n`;
      return okText(base + renderPair(parentKey, { [key]: entry }, ""));
    }
    const last = isMap(parent) && !parent.flow ? (parent.items as unknown as YPair[]).at(-1) : undefined;
    const lastSpan = last && pairSpan(t, last);
    if (last && lastSpan) {
      const indent = t.slice(lineStartOf(t, last.key.range![0]), last.key.range![0]);
      const at = lastSpan[1];
      const pre = at === t.length && !t.endsWith("\n") ? "\n" : "";
      return okText(t.slice(0, at) + pre + renderPair(key, entry, indent) + t.slice(at));
    }
    // Flow-style or empty parent: let the document API place it (that map is re-printed).
    if (!doc.contents) doc.contents = doc.createNode({}) as unknown as typeof doc.contents;
    doc.setIn([...path], doc.createNode(entry));
    return okText(doc.toString());
  },
  uninstall(text: string | null, path: readonly [string, string]): Edit {
    if (text === null) return okText(null);
    const parsed = yamlDoc(text);
    if (!parsed.ok) return bad(parsed.error);
    const doc = parsed.doc;
    const [parentKey, key] = path;
    const parentPair = pairOf(doc.contents, parentKey);
    const parent = parentPair?.value;
    const ours = pairOf(parent, key);
    if (!ours) return okText(text);
    const only = isMap(parent) && parent.items.length === 1;
    const span = only ? pairSpan(text, parentPair!) : pairSpan(text, ours);
    let out: string;
    if (span && !(parent as { flow?: boolean }).flow) out = text.slice(0, span[0]) + text.slice(span[1]);
    else {
      doc.deleteIn([...path]);
      if (only) doc.deleteIn([parentKey]);
      out = doc.toString();
    }
    return okText(out.trim() === "" || out.trim() === "{}" ? null : out);
  },
};
