#!/usr/bin/env bun
/**
 * CLI entry. The one place where an OuroError becomes a message on stderr and an exit code.
 */
import type { CommandDef } from "citty";
import { join } from "node:path";
import { EXIT, OuroAbort, describeUnknown, type OuroError } from "../errors.ts";
import { loadDotenvFiles } from "../config/dotenv.ts";
import { paths } from "../config/paths.ts";
import { VERSION, versionLine } from "../version.ts";
import { commands, rootUsage } from "./commands/index.ts";
import { colorEnabled, exitCode, flushStdout, log, out } from "./output.ts";

// Handled here for every command; --quiet/--verbose are passed through to the commands that use them.
const GLOBAL_FLAGS = new Set(["--no-color"]);

// A plain CommandDef: citty itself is imported only when a command runs (start-up budget).
export const root: CommandDef = {
  meta: { name: "ouroboros", description: "Spec-first workflow engine for AI coding agents" },
  subCommands: commands,
};

function report(e: OuroError): number {
  const hint = e.hint ? ` (${e.hint})` : "";
  process.stderr.write(`error: ${e.message}${hint}\n`);
  for (const d of e.details ?? []) process.stderr.write(`${d}\n`);
  return EXIT[e.kind];
}

/** Find the deepest command named by argv, for usage output. */
async function resolveCommand(argv: string[]): Promise<[CommandDef, CommandDef | undefined]> {
  let cmd: CommandDef = root;
  let parent: CommandDef | undefined;
  for (const a of argv) {
    if (a.startsWith("-")) break;
    const subs = typeof cmd.subCommands === "function" ? await cmd.subCommands() : await cmd.subCommands;
    const next = subs?.[a];
    if (!next) break;
    parent = cmd;
    cmd = await (typeof next === "function" ? next() : next);
  }
  return [cmd, parent];
}

/** `init "idea"` and a bare `init` mean `init start` (upstream accepts both). */
function shorthands(args: string[]): string[] {
  if (args[0] === "init" && !["start", "resume", "list", "--help", "-h"].includes(args[1] ?? "--help")) return ["init", "start", ...args.slice(1)];
  if (args[0] === "init" && args.length === 1) return ["init", "start"];
  return args;
}

export async function main(argv: string[]): Promise<number> {
  if (argv[0] === "--version" || argv[0] === "-V") {
    out(versionLine());
    return EXIT.ok;
  }
  const args = shorthands(argv.filter((a) => !GLOBAL_FLAGS.has(a)));
  if (argv.includes("--no-color")) process.env.NO_COLOR = "1";
  if (args.length === 0 || args.includes("--help") || args.includes("-h")) {
    const path = args.filter((a) => a !== "--help" && a !== "-h");
    const [cmd, parent] = await resolveCommand(path);
    // The root help is static so that it loads no command module (start-up budget).
    const usage = cmd === root ? rootUsage(VERSION) : await (await import("citty")).renderUsage(cmd, parent);
    // citty colours its usage text unconditionally; keep escapes off pipes and NO_COLOR terminals.
    out(colorEnabled() && process.stdout.isTTY ? usage : Bun.stripANSI(usage));
    return args.length === 0 ? EXIT.usage : EXIT.ok;
  }
  const env = loadDotenvFiles(process.env, join(process.cwd(), ".env"), paths.trustedEnv());
  for (const f of env.malformed) log.warn(`ignored malformed env file ${f}`);
  if (env.refused.length) log.warn(`./.env may not set ${env.refused.join(", ")}; ignored`);
  try {
    const { runCommand } = await import("citty");
    const { result } = await runCommand(root, { rawArgs: args });
    return typeof result === "number" ? result : exitCode();
  } catch (e) {
    if (e instanceof OuroAbort) return report(e.error);
    const msg = describeUnknown(e);
    // citty reports bad usage by throwing CLIError; show it as a usage error with the command's help.
    if ((e as { name?: string }).name === "CLIError") {
      return report({ kind: "badArgs", message: Bun.stripANSI(msg), hint: "see --help" });
    }
    if (process.env.OUROBOROS_DEBUG) process.stderr.write(`${(e as Error).stack}\n`);
    return report({ kind: "failure", message: `unexpected: ${msg}`, hint: "run with OUROBOROS_DEBUG=1 for details" });
  }
}

if (import.meta.main) {
  // Exit only once stdout has drained: a slow reader still gets the last lines.
  main(process.argv.slice(2)).then(async (code) => {
    await flushStdout();
    process.exit(code);
  });
}
