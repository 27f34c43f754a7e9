/**
 * YAML with positions: parse one document (YAML 1.1 semantics like upstream's safe loader),
 * refuse multi-document files and alias bombs, and map data paths back to line:col.
 */
import type * as v from "valibot";
import {
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseAllDocuments,
  type Document,
  type Node,
  type Tags,
} from "yaml";
import { MAX_NESTING, valueTooDeep, yamlTooDeep } from "./bounded-read.ts";
import type { Problem } from "./problems.ts";

export interface YamlSource {
  file: string;
  doc: Document.Parsed;
  lines: LineCounter;
  data: unknown;
}

/**
 * YAML 1.1 booleans as upstream's loader (PyYAML) reads them: yes/no/on/off/true/false, but not
 * the single letters y/n, which PyYAML keeps as strings (`name: n` must stay "n").
 */
const withoutLetters = (test: RegExp) => new RegExp(test.source.replace("Y|y|", "").replace("N|n|", ""));
const customTags = (tags: Tags): Tags =>
  tags.map((t) =>
    typeof t === "object" && t.tag === "tag:yaml.org,2002:bool" && t.test ? { ...t, test: withoutLetters(t.test) } : t,
  );

/** Upper bound on alias expansions; a legitimate seed uses a handful. */
const MAX_ALIAS_COUNT = 100;

export function parseYaml(file: string, text: string): { source?: YamlSource; problems: Problem[] } {
  const lines = new LineCounter();
  const problem = (offset: number, code: string, message: string): Problem => {
    const pos = lines.linePos(offset);
    return { file, line: pos.line, col: pos.col, path: "", code, message };
  };
  const tooDeep = (offset: number) => ({
    problems: [problem(offset, "yaml.too_deep", `refused: nesting deeper than ${MAX_NESTING} levels`)],
  });
  // Checked before parsing: the parser and everything after it recurse per level.
  const deepAt = yamlTooDeep(text);
  if (deepAt >= 0) {
    lines.addNewLine(0);
    for (let i = text.indexOf("\n"); i >= 0 && i < deepAt; i = text.indexOf("\n", i + 1)) lines.addNewLine(i + 1);
    return tooDeep(deepAt);
  }
  let docs: Document.Parsed[];
  try {
    docs = parseAllDocuments(text, {
      version: "1.1",
      customTags,
      lineCounter: lines,
      uniqueKeys: true,
      prettyErrors: false,
    }) as Document.Parsed[];
  } catch (e) {
    if (e instanceof RangeError) return tooDeep(0);
    return { problems: [problem(0, "yaml.syntax", `YAML parse failed: ${(e as Error).message}`)] };
  }
  if (!Array.isArray(docs)) docs = [docs];
  if (docs.length > 1) {
    return {
      problems: [problem(docs[1]!.range[0], "yaml.multi_document", `expected one YAML document, found ${docs.length}`)],
    };
  }
  const doc = docs[0];
  if (!doc) return { problems: [problem(0, "yaml.empty", "file holds no YAML document")] };
  const problems: Problem[] = doc.errors.map((e) => problem(e.pos[0], "yaml.syntax", e.message.split("\n")[0]!));
  if (problems.length) return { problems };
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    if (e instanceof RangeError) return tooDeep(0);
    const msg = (e as Error).message;
    const bomb = /alias/i.test(msg);
    return {
      problems: [
        problem(
          0,
          bomb ? "yaml.alias_bomb" : "yaml.invalid",
          bomb ? `refused: YAML aliases expand too much (limit ${MAX_ALIAS_COUNT})` : msg,
        ),
      ],
    };
  }
  if (valueTooDeep(data)) return tooDeep(0);
  return { source: { file, doc, lines, data }, problems: [] };
}

/** Position of the node at `path` (or the nearest existing ancestor). `atKey` points at the key itself. */
export function locate(
  src: YamlSource,
  path: readonly (string | number)[],
  atKey = false,
): { line: number; col: number } {
  let node: unknown = src.doc.contents;
  let offset = (node as Node | null)?.range?.[0] ?? 0;
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) break;
      const key = pair.key as Node;
      const value = pair.value as Node | null;
      offset = atKey || !value?.range ? key.range![0] : value.range[0];
      node = value;
      if (atKey) atKey = path[path.length - 1] !== seg;
    } else if (isSeq(node) && typeof seg === "number") {
      const item = node.items[seg] as Node | undefined;
      if (!item?.range) break;
      offset = item.range[0];
      node = item;
    } else break;
  }
  const pos = src.lines.linePos(offset);
  return { line: pos.line, col: pos.col };
}

export function dottedPath(path: readonly (string | number)[]): string {
  return path.map(String).join(".");
}

/** Turn valibot issues into located problems, all at once. */
/**
 * A union (`string | {…}`) that fails inside its object branch names the nested field, not the
 * union: `acceptance_criteria.0.description  expected string`, not "expected a string or an object".
 */
function expandUnion(issue: v.BaseIssue<unknown>): v.BaseIssue<unknown>[] {
  // Sub-issues carry paths relative to the union's input; those with a path come from inside the object branch.
  const nested = issue.type === "union" ? (issue.issues ?? []).filter((s) => s.path?.length) : [];
  return nested.length
    ? nested.flatMap((s) => expandUnion({ ...s, path: [...(issue.path ?? []), ...s.path!] as typeof s.path }))
    : [issue];
}

export function issuesToProblems(
  src: YamlSource,
  issues: readonly v.BaseIssue<unknown>[],
  prefix = "schema",
): Problem[] {
  const out: Problem[] = [];
  for (const issue of issues.flatMap(expandUnion)) {
    const keys = (issue.path ?? []).map((p) => p.key as string | number);
    const unknownKey = issue.type === "never" || (issue.type === "strict_object" && issue.expected === "never");
    const missing = issue.received === "undefined";
    // A missing field is reported at its parent's key: that is where it has to be added.
    const pos = missing && keys.length ? locate(src, keys.slice(0, -1), true) : locate(src, keys, unknownKey);
    let message = issue.message;
    if (unknownKey) message = "unknown key";
    else if (message.startsWith("Invalid type:")) message = `expected ${issue.expected}, found ${issue.received}`;
    else if (missing) message = `required field is missing`;
    out.push({
      file: src.file,
      line: pos.line,
      col: pos.col,
      path: dottedPath(keys),
      code: `${prefix}.${issue.type}`,
      message,
    });
  }
  return out;
}
