/**
 * Strict arguments for every command, derived from each command's citty `args` definition (so a
 * new flag or command is covered without touching this file). citty itself ignores unknown
 * flags; here an unknown flag, a missing or malformed value, an extra argument or an unknown
 * command is a usage error (exit 64) naming it, with the closest valid spelling.
 */
import type { ArgDef, ArgsDef, CommandDef } from "citty";
import { fail, ok, type Result } from "../errors.ts";

/** Accepted by every command: handled by the CLI entry and the logger, not by the commands. */
export const GLOBAL_FLAGS: Record<string, ArgDef> = {
  quiet: { type: "boolean", alias: "q", description: "only the result (no progress on stderr)" },
  "no-color": { type: "boolean", description: "no colour (also NO_COLOR=1)" },
  help: { type: "boolean", alias: "h", description: "this help" },
};

/**
 * A command that dispatches sub-commands itself from its first positional (citty cannot mix
 * an optional positional with sub-commands, e.g. `events [session]` and `events export`).
 */
export type DispatchingCommand = CommandDef & { dispatch?: Record<string, CommandDef<any>> };

const resolve = async <T>(v: T | Promise<T> | (() => T | Promise<T>)): Promise<T> =>
  typeof v === "function" ? (v as () => T | Promise<T>)() : v;

export interface CommandPath {
  /** The command names from the root, e.g. ["events", "export"]. */
  names: string[];
  cmd: CommandDef<any>;
  /** argv after the command names. */
  rest: string[];
  /** Sub-commands of `cmd`, if it is a group. */
  subs: Record<string, CommandDef<any>> | null;
}

async function subCommandsOf(cmd: CommandDef<any>): Promise<Record<string, CommandDef<any>> | null> {
  const subs = (await resolve(cmd.subCommands)) as Record<string, unknown> | undefined;
  const own = (cmd as DispatchingCommand).dispatch;
  if (!subs && !own) return null;
  const all: Record<string, CommandDef<any>> = { ...own };
  for (const [k, v] of Object.entries(subs ?? {})) all[k] = v as CommandDef<any>;
  return all;
}

/** Walk argv down the command tree: the deepest command named, and what follows it. */
export async function walk(root: CommandDef<any>, argv: string[]): Promise<CommandPath> {
  let cmd = root;
  const names: string[] = [];
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    const subs = await subCommandsOf(cmd);
    if (!subs || a.startsWith("-") || !(a in subs)) break;
    cmd = await resolve(subs[a] as CommandDef<any>);
    names.push(a);
  }
  return { names, cmd, rest: argv.slice(i), subs: await subCommandsOf(cmd) };
}

/** Edit distance, for "did you mean". */
export function distance(a: string, b: string): number {
  const d = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0]!;
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = d[j]!;
      d[j] = Math.min(d[j]! + 1, d[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return d[b.length]!;
}

/** The closest candidate, if it is close enough to be a typo (or the typed word is a prefix of it). */
export function closest(word: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestD = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    const d = c.startsWith(word) && word.length >= 2 ? 0.5 : distance(word, c);
    if (d < bestD) [best, bestD] = [c, d];
  }
  return bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

export function aliasesOf(def: ArgDef): string[] {
  const alias = (def as { alias?: string | string[] }).alias;
  return alias === undefined ? [] : Array.isArray(alias) ? alias : [alias];
}

interface FlagInfo {
  name: string;
  def: ArgDef;
}

function flagTable(args: ArgsDef): Map<string, FlagInfo> {
  const table = new Map<string, FlagInfo>();
  for (const [name, def] of Object.entries({ ...GLOBAL_FLAGS, ...args })) {
    if (def.type === "positional") continue;
    table.set(name, { name, def });
    for (const a of aliasesOf(def)) table.set(a, { name, def });
  }
  return table;
}

const usage = (names: string[]) => `ouroboros ${names.join(" ")}`.trim();
const dashed = (n: string) => (n.length === 1 ? `-${n}` : `--${n}`);
const takesValue = (def: ArgDef) => def.type === "string" || def.type === "enum";

/** A value that the definition constrains: `valueHint: "N"` means a whole number ≥ 0; enums their options. */
function checkValue(flag: string, def: ArgDef, value: string, cmd: string): Result<void> {
  if (def.type === "enum" && def.options?.length && !def.options.includes(value)) {
    const near = closest(value, def.options);
    return fail(
      "badArgs",
      `${flag} of \`${cmd}\` must be one of ${def.options.join(", ")}, got '${value}'`,
      near ? { hint: `did you mean ${near}?` } : {},
    );
  }
  if (def.type === "string" && def.valueHint === "N" && !/^\d+$/.test(value))
    return fail("badArgs", `${flag} of \`${cmd}\` must be a whole number, got '${value}'`);
  return ok(undefined);
}

function unknownCommand({ names, subs }: CommandPath, typed: string): Result<void> {
  const where = usage(names);
  const near = closest(typed, Object.keys(subs ?? {}));
  return fail("badArgs", `unknown command '${typed}'${names.length ? ` for \`${where}\`` : ""}`, {
    hint: near ? `did you mean \`${usage([...names, near])}\`?` : `see \`${where} --help\``,
  });
}

/**
 * Check the argv that follows a command path against that command's definition. `--` ends
 * the options; everything after it is positional.
 */
export function checkArgs(path: CommandPath): Result<void> {
  const { cmd, rest, names, subs } = path;
  const where = usage(names);
  const args = (typeof cmd.args === "object" ? cmd.args : {}) as ArgsDef;
  const flags = flagTable(args);
  const longNames = [...flags.keys()].filter((k) => k.length > 1);
  const unknown = (typed: string): Result<void> => {
    const near = closest(typed.replace(/^-+/, ""), longNames);
    return fail("badArgs", `unknown option '${typed}' for \`${where}\``, {
      hint: near ? `did you mean --${near}?` : `see \`${where} --help\``,
    });
  };
  // A group's first word is a command name: a wrong one is reported before its flags.
  if (subs && !cmd.run && rest[0] && !rest[0].startsWith("-")) return unknownCommand(path, rest[0]);
  const positionals: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (a === "--") {
      positionals.push(...rest.slice(i + 1));
      break;
    }
    if (a === "-" || !a.startsWith("-")) {
      positionals.push(a);
      continue;
    }
    if (a.startsWith("--")) {
      const eq = a.indexOf("=");
      const name = a.slice(2, eq < 0 ? undefined : eq);
      const info = flags.get(name);
      if (!info && name.startsWith("no-")) {
        const neg = flags.get(name.slice(3));
        if (neg?.def.type === "boolean") continue;
      }
      if (!info) return unknown(a.slice(0, eq < 0 ? undefined : eq));
      if (!takesValue(info.def)) {
        if (eq >= 0 && !["true", "false"].includes(a.slice(eq + 1)))
          return fail("badArgs", `--${name} of \`${where}\` is a switch; it takes no value`);
        continue;
      }
      const value = eq >= 0 ? a.slice(eq + 1) : rest[i + 1];
      if (value === undefined || (eq < 0 && value.startsWith("--")))
        return fail("badArgs", `--${name} of \`${where}\` needs a value`);
      if (eq < 0) i++;
      const v = checkValue(`--${name}`, info.def, value, where);
      if (!v.ok) return v;
      continue;
    }
    // Short flags: -q, -n, grouped switches (-nq), or a short option with its value (-r claude).
    const letters = a.slice(1);
    for (let j = 0; j < letters.length; j++) {
      const info = flags.get(letters[j]!);
      if (!info) return unknown(`-${letters[j]}`);
      if (!takesValue(info.def)) continue;
      const value = j < letters.length - 1 ? letters.slice(j + 1) : rest[++i];
      if (value === undefined) return fail("badArgs", `${dashed(letters[j]!)} of \`${where}\` needs a value`);
      const v = checkValue(dashed(info.name), info.def, value, where);
      if (!v.ok) return v;
      break;
    }
  }
  if (subs && !cmd.run) {
    if (!positionals.length)
      return fail("badArgs", `\`${where}\` needs a command: ${Object.keys(subs).join(", ")}`, {
        hint: `see \`${where} --help\``,
      });
    return unknownCommand(path, positionals[0]!);
  }
  const defs = Object.values(args).filter((d) => d.type === "positional");
  const missing = Object.entries(args).filter(([, d]) => d.type === "positional" && d.required !== false)[
    positionals.length
  ];
  if (missing)
    return fail(
      "badArgs",
      `\`${where}\` needs <${missing[0]}>${missing[1].description ? `: ${missing[1].description}` : ""}`,
      { hint: `see \`${where} --help\`` },
    );
  const variadic = defs.some((d) => d.valueHint?.endsWith("..."));
  if (!variadic && positionals.length > defs.length && !(cmd as DispatchingCommand).dispatch) {
    return fail("badArgs", `unexpected argument '${positionals[defs.length]}' for \`${where}\``, {
      hint: defs.length
        ? `it takes ${defs.length === 1 ? "one argument" : `${defs.length} arguments`}; quote text with spaces`
        : `see \`${where} --help\``,
    });
  }
  return ok(undefined);
}
