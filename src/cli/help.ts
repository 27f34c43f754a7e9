/**
 * One help style for every command, rendered from the same citty definitions the parser uses:
 * the top-level help and `ouroboros <command> --help` (or `ouroboros help <command>`) look alike.
 */
import type { ArgDef, ArgsDef, CommandDef } from "citty";
import { aliasesOf, GLOBAL_FLAGS } from "./argv.ts";

const cols = (rows: [string, string][]): string[] => {
  const width = Math.max(...rows.map(([l]) => l.length));
  return rows.map(([l, r]) => (r ? `  ${l.padEnd(width)}  ${r}` : `  ${l}`));
};

const flagLabel = (name: string, def: ArgDef): string => {
  const names = [name, ...aliasesOf(def)].map((n) => (n.length === 1 ? `-${n}` : `--${n}`)).join(", ");
  if (def.type === "enum" && def.options?.length) return `${names} <${def.options.join("|")}>`;
  return def.type === "string" ? `${names} <${def.valueHint ?? "value"}>` : names;
};
const globalLine = (root: boolean) =>
  `GLOBAL  ${Object.entries(GLOBAL_FLAGS)
    .map(([n, d]) => flagLabel(n, d).replace(", ", "/"))
    .join("  ")}${root ? "  --version/-V" : ""}`;

export interface HelpInput {
  /** Command names from the root, e.g. ["events", "export"]; empty for the root. */
  names: string[];
  cmd: CommandDef<any>;
  /** name → one-line description of each sub-command (groups and the root). */
  subs?: [string, string][];
  /** Shown after the name on the first line (the root shows its version). */
  title?: string;
}

/** Help text for a command: usage line, arguments, options, sub-commands, global flags. */
export function renderHelp({ names, cmd, subs, title }: HelpInput): string {
  const meta = (typeof cmd.meta === "object" ? cmd.meta : {}) as { description?: string };
  const args = (typeof cmd.args === "object" ? cmd.args : {}) as ArgsDef;
  const entries = Object.entries(args);
  const positionals = entries.filter(([, d]) => d.type === "positional");
  const options = entries.filter(([, d]) => d.type !== "positional");
  const run = Boolean(cmd.run);
  const name = ["ouroboros", ...names].join(" ");
  const usage = [name];
  if (subs?.length && !run) usage.push("<command>");
  for (const [n, d] of positionals) usage.push(d.required === false ? `[${n}]` : `<${n}>`);
  if (subs?.length && run) usage.push(`| ${name} <command>`);
  usage.push("[options]");
  const lines = [
    `${title ?? name}${meta.description ? ` — ${meta.description}` : ""}`,
    "",
    `USAGE  ${usage.join(" ")}`,
  ];
  if (positionals.length) lines.push("", "ARGUMENTS", ...cols(positionals.map(([n, d]) => [n, d.description ?? ""])));
  if (options.length)
    lines.push("", "OPTIONS", ...cols(options.map(([n, d]) => [flagLabel(n, d), d.description ?? ""])));
  if (subs?.length) lines.push("", "COMMANDS", ...cols(subs));
  lines.push("", globalLine(names.length === 0));
  if (subs?.length)
    lines.push(
      `Use \`${name} <command> --help\` (or \`ouroboros help ${[...names, "<command>"].join(" ")}\`) for a command's options.`,
    );
  return lines.join("\n");
}

/** Descriptions of a command's sub-commands (loads them: only for help). */
export async function describeSubs(subs: Record<string, CommandDef<any>> | null): Promise<[string, string][]> {
  const rows: [string, string][] = [];
  for (const [n, s] of Object.entries(subs ?? {})) {
    const def = (typeof s === "function" ? await (s as () => Promise<CommandDef<any>>)() : s) as CommandDef<any>;
    const meta = (typeof def.meta === "function" ? await def.meta() : await def.meta) as
      | { description?: string }
      | undefined;
    rows.push([n, meta?.description ?? ""]);
  }
  return rows;
}
