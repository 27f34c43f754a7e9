/**
 * Format-aware edits of host files, each with its exact inverse for `--uninstall`:
 * a managed markdown section, a managed TOML block, a YAML map entry, a JSON/JSONC property, and
 * whole managed files. Pure: text in, text out (null = the file is absent / should be deleted).
 * A malformed input gives `{ ok: false, error: "line:col message" }`, never a partial edit.
 */
import { basename } from "node:path";
import { parse as parseToml } from "smol-toml";
import { appendToArray, getPath, parseJsonc, removeFromArray, removePath, setPath } from "./jsonc.ts";

export type Edit = { ok: true; text: string | null } | { ok: false; error: string };
export const okText = (text: string | null): Edit => ({ ok: true, text });
export const bad = (error: string): Edit => ({ ok: false, error });

/** Marks whole files we own; only files carrying it are ever overwritten or deleted. */
export const MANAGED_MARK = "ouroboros:managed";
export const MD_START = "<!-- ouroboros:skill-capability-guide:start -->";
export const MD_END = "<!-- ouroboros:skill-capability-guide:end -->";
export const TOML_START =
  "# >>> ouroboros:managed mcp server (written by `ouroboros setup`; edits here are replaced) >>>";
export const TOML_END = "# <<< ouroboros:managed mcp server <<<";

/** Replace the text between markers, or append the block after a blank line. */
function upsertBlock(text: string | null, start: string, end: string, block: string): string {
  const t = text ?? "";
  const s = t.indexOf(start);
  const e = s >= 0 ? t.indexOf(end, s) : -1;
  if (s >= 0 && e >= 0) return t.slice(0, s) + block + t.slice(e + end.length);
  if (t.trim() === "") return `${block}\n`;
  return `${t.endsWith("\n") ? t : `${t}\n`}\n${block}\n`;
}

/** Inverse of upsertBlock: drops the block, its newline and the blank line we added before it. */
function removeBlock(text: string | null, start: string, end: string): string | null {
  if (text === null) return null;
  const s = text.indexOf(start);
  const e = s >= 0 ? text.indexOf(end, s) : -1;
  if (s < 0 || e < 0) return text;
  let from = s;
  let to = e + end.length;
  if (text[to] === "\n") to++;
  if (from >= 2 && text[from - 1] === "\n" && text[from - 2] === "\n") from--;
  const rest = text.slice(0, from) + text.slice(to);
  return rest.trim() === "" ? null : rest;
}

export const markdownSection = {
  install: (text: string | null, body: string): Edit =>
    okText(upsertBlock(text, MD_START, MD_END, `${MD_START}\n${body.trimEnd()}\n${MD_END}`)),
  uninstall: (text: string | null): Edit => okText(removeBlock(text, MD_START, MD_END)),
};

/** A whole file we own: written when absent or ours; a user's file of the same name is refused. */
export const managedFile = {
  install: (text: string | null, content: string, path: string): Edit =>
    text === null || text.includes(MANAGED_MARK)
      ? okText(content)
      : bad(`${path} exists and is not managed by ouroboros; move it away first`),
  uninstall: (text: string | null): Edit => okText(text?.includes(MANAGED_MARK) ? null : text),
};

// ---- TOML (codex config.toml) --------------------------------------------------------------

export function tomlError(text: string): string | null {
  try {
    parseToml(text);
    return null;
  } catch (e) {
    const t = e as { line?: number; column?: number; message?: string };
    const first = (t.message ?? String(e)).split("\n")[0]!.replace(/^Invalid TOML document: /, "");
    return t.line ? `${t.line}:${t.column ?? 1}: ${first}` : first;
  }
}

const TABLE_HEADER = /^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$/;
const normKey = (k: string) =>
  k
    .split(".")
    .map((p) => p.trim().replace(/^["']|["']$/g, ""))
    .join(".");

/** Remove `[mcp_servers.ouroboros]` and its sub-tables written outside our markers (an upstream entry). */
function dropUnmanagedTables(text: string, key: string): string {
  const out: string[] = [];
  let skipping = false;
  for (const line of text.split("\n")) {
    const m = TABLE_HEADER.exec(line);
    if (m) {
      const k = normKey(m[1]!);
      skipping = k === key || k.startsWith(`${key}.`);
    }
    if (!skipping) out.push(line);
  }
  return out.join("\n");
}

export interface TomlServer {
  command: string;
  args: readonly string[];
  env: Readonly<Record<string, string>>;
}

const tomlStr = (s: string) => JSON.stringify(s);
export function renderTomlServer(key: string, s: TomlServer): string {
  return [
    TOML_START,
    `[${key}]`,
    `command = ${tomlStr(s.command)}`,
    `args = [${s.args.map(tomlStr).join(", ")}]`,
    "",
    `[${key}.env]`,
    ...Object.entries(s.env).map(([k, v]) => `${k} = ${tomlStr(v)}`),
    TOML_END,
  ].join("\n");
}

// Upstream's launchers, plus Bun: setup run from a source checkout registers
// `bun src/cli/main.ts mcp serve`, which a later compiled setup must replace.
const KNOWN_LAUNCHERS = new Set(["uvx", "pipx", "uv", "ouroboros", "python", "python3", "bun", "bun.exe"]);
/** Commands we may replace: known launchers and our own binary, by basename. */
export const isKnownLauncher = (command: unknown, ours: string): boolean =>
  typeof command === "string" && (command === ours || KNOWN_LAUNCHERS.has(basename(command)));

export type McpMode = "auto" | "stdio" | "preserve";

/**
 * Codex: our server as a marked block. An unmarked entry is replaced when it uses a known launcher
 * (or `stdio` mode forces it); a user-managed one (URL, foreign command) is left alone.
 */
export const tomlServerBlock = {
  install(text: string | null, key: string, server: TomlServer, mode: McpMode): Edit & { note?: string } {
    const t = text ?? "";
    const before = tomlError(t);
    if (before) return bad(before);
    const doc = parseToml(t) as Record<string, unknown>;
    const existing = getPath(doc, key.split(".")) as Record<string, unknown> | undefined;
    const marked = t.includes(TOML_START);
    if (mode === "preserve") {
      if (existing && (existing.command || existing.url)) return okText(t === "" ? null : t);
      return bad(`no [${key}] entry with a command or url to preserve`);
    }
    let base = t;
    if (existing && !marked) {
      if (mode !== "stdio" && !isKnownLauncher(existing.command, server.command)) {
        return {
          ok: true,
          text: text,
          note: `[${key}] is user-managed (command ${JSON.stringify(existing.command ?? existing.url)}); left alone (use --mcp-mode stdio to replace it)`,
        };
      }
      base = dropUnmanagedTables(t, key);
      if (getPath(parseToml(base), key.split(".")) !== undefined)
        return bad(`[${key}] is defined inline; edit it by hand or remove it`);
    }
    const next = upsertBlock(base, TOML_START, TOML_END, renderTomlServer(key, server));
    const after = tomlError(next);
    return after ? bad(`would write invalid TOML (${after})`) : okText(next);
  },
  uninstall(text: string | null): Edit {
    if (text === null) return okText(null);
    const e = tomlError(text);
    return e ? bad(e) : okText(removeBlock(text, TOML_START, TOML_END));
  },
};

// ---- JSON / JSONC MCP entries ---------------------------------------------------------------

export interface JsonEntryOptions {
  /** The property path of our entry, e.g. ["mcpServers", "ouroboros"]. */
  path: readonly string[];
  desired: Record<string, unknown>;
  /** Key holding the command (string, or string[] for OpenCode whose first item is the command). */
  commandKey: string;
  envKey: string;
  jsonc: boolean;
}

function commandOf(entry: Record<string, unknown>, key: string): unknown {
  const c = entry[key];
  return Array.isArray(c) ? c[0] : c;
}

const isObj = (x: unknown): x is Record<string, unknown> => !!x && typeof x === "object" && !Array.isArray(x);

/** Our entry merged into an existing one: user keys and env kept, ours set; foreign command kept. */
export function mergeEntry(
  existing: unknown,
  o: Pick<JsonEntryOptions, "desired" | "commandKey" | "envKey">,
): { entry: Record<string, unknown>; userCommand: boolean } {
  if (!isObj(existing)) return { entry: o.desired, userCommand: false };
  const ours = commandOf(o.desired, o.commandKey) as string;
  const userCommand =
    !isKnownLauncher(commandOf(existing, o.commandKey), ours) &&
    (existing[o.commandKey] !== undefined || existing.url !== undefined);
  const entry: Record<string, unknown> = { ...existing, ...o.desired };
  if (userCommand) {
    for (const k of [o.commandKey, "args", "url"]) {
      if (k in existing) entry[k] = existing[k];
      else delete entry[k];
    }
  }
  entry[o.envKey] = {
    ...(isObj(existing[o.envKey]) ? (existing[o.envKey] as object) : {}),
    ...(o.desired[o.envKey] as object),
  };
  return { entry, userCommand };
}

export const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export const jsonEntry = {
  install(text: string | null, o: JsonEntryOptions): Edit & { note?: string } {
    const parsed = parseJsonc(text ?? "", o.jsonc);
    if (!parsed.ok) return bad(`${parsed.error.line}:${parsed.error.column}: ${parsed.error.message}`);
    if (parsed.root && parsed.root.type !== "object") return bad("1:1: expected a JSON object at the top level");
    const existing = getPath(parsed.value, o.path);
    const { entry, userCommand } = mergeEntry(existing, o);
    const note = userCommand ? `${o.path.join(".")} uses a user-managed command; kept it, merged env only` : undefined;
    if (sameJson(existing, entry)) return { ok: true, text, note };
    const set = setPath(text ?? "", o.path, entry);
    return set.ok ? { ok: true, text: set.text, note } : bad(`1:1: ${set.reason}`);
  },
  uninstall(text: string | null, o: Pick<JsonEntryOptions, "path" | "jsonc">): Edit {
    if (text === null) return okText(null);
    const parsed = parseJsonc(text, o.jsonc);
    if (!parsed.ok) return bad(`${parsed.error.line}:${parsed.error.column}: ${parsed.error.message}`);
    const next = removePath(text, o.path);
    if (next === text) return okText(text);
    const left = parseJsonc(next, o.jsonc);
    // A file that held nothing but our entry (we created it) goes away entirely.
    return okText(left.ok && isObj(left.value) && Object.keys(left.value).length === 0 ? null : next);
  },
  /** Add `item` to the array at `path` unless present, dropping stale matches (OpenCode `plugin[]`). */
  addToArray(
    text: string,
    path: readonly string[],
    item: string,
    matches: (s: string) => boolean,
    jsonc: boolean,
  ): Edit {
    const parsed = parseJsonc(text, jsonc);
    if (!parsed.ok) return bad(`${parsed.error.line}:${parsed.error.column}: ${parsed.error.message}`);
    const cur = getPath(parsed.value, path);
    if (Array.isArray(cur) && cur.filter((x) => typeof x === "string" && matches(x)).length === 1 && cur.includes(item))
      return okText(text);
    const set = appendToArray(removeFromArray(text, path, matches), path, item);
    return set.ok ? okText(set.text) : bad(`1:1: ${set.reason}`);
  },
  removeFromArray(text: string | null, path: readonly string[], matches: (s: string) => boolean, jsonc: boolean): Edit {
    if (text === null) return okText(null);
    const parsed = parseJsonc(text, jsonc);
    if (!parsed.ok) return bad(`${parsed.error.line}:${parsed.error.column}: ${parsed.error.message}`);
    const next = removeFromArray(text, path, matches);
    if (next === text) return okText(text);
    const left = parseJsonc(next, jsonc);
    return okText(left.ok && isObj(left.value) && Object.keys(left.value).length === 0 ? null : next);
  },
};
