#!/usr/bin/env bun
/**
 * CLI entry. The one place where an OuroError becomes a message on stderr and an exit code.
 */
import type { CommandDef } from "citty";
import { EXIT, OuroAbort, describeUnknown, type OuroError } from "../errors.ts";
import type { DotenvReport } from "../config/dotenv.ts";
import { VERSION, versionLine } from "../version.ts";
import { checkArgs, walk } from "./argv.ts";
import { commands, DESCRIPTIONS } from "./commands/index.ts";
import { describeSubs, renderHelp } from "./help.ts";
import { redactText } from "../security/redact.ts";
import { provideSkillRunner } from "../runtime/skill-runner.ts";

/**
 * Start-up budget: in a compiled Bun, creating process.stdout (output.ts does on load) and loading
 * node:fs each cost about as much as the whole bare runtime start. --version and help print through
 * console.log and load neither; every other module is imported where needed.
 */
const writeStdout = (text: string) => console.log(text.replace(/\n$/, ""));
/** Set once output.ts is loaded: the exit path then waits for stdout to drain. */
let flushStdout: (() => Promise<void>) | null = null;

// Handled here for every command; --quiet is passed through (the logger and some commands read it).
const STRIPPED_FLAGS = new Set(["--no-color"]);

// A plain CommandDef: citty itself is imported only when a command runs (start-up budget).
export const root: CommandDef = {
  meta: { name: "ouroboros", description: "Spec-first workflow engine for AI coding agents" },
  subCommands: commands,
};

function report(e: OuroError): number {
  const hint = e.hint ? ` (${e.hint})` : "";
  process.stderr.write(redactText(`error: ${e.message}${hint}\n`));
  for (const d of e.details ?? []) process.stderr.write(redactText(`${d}\n`));
  return EXIT[e.kind];
}

/** `init "idea"` and a bare `init` mean `init start` (upstream accepts both). */
function shorthands(args: string[]): string[] {
  if (args[0] === "init" && !["start", "resume", "list", "--help", "-h"].includes(args[1] ?? "--help"))
    return ["init", "start", ...args.slice(1)];
  if (args[0] === "init" && args.length === 1) return ["init", "start"];
  return args;
}

export async function main(argv: string[]): Promise<number> {
  if (argv[0] === "--version" || argv[0] === "-V") {
    writeStdout(versionLine());
    return EXIT.ok;
  }
  let args = shorthands(argv.filter((a) => !STRIPPED_FLAGS.has(a)));
  if (argv.includes("--no-color")) process.env.NO_COLOR = "1";
  // `ouroboros help [command...]` is `ouroboros [command...] --help`.
  if (args[0] === "help") args = [...args.slice(1), "--help"];
  const end = args.includes("--") ? args.indexOf("--") : args.length;
  const wantsHelp = args.length === 0 || args.slice(0, end).some((a) => a === "--help" || a === "-h");
  const copied = wantsHelp ? null : await copyPlainLog(args);
  if (copied !== null) return copied;
  const path = await walk(root, wantsHelp ? args.filter((a) => a !== "--help" && a !== "-h") : args);
  if (wantsHelp) {
    const named = path.rest.find((a) => !a.startsWith("-"));
    const unknown = path.subs && !path.cmd.run && named ? checkArgs(path) : null;
    if (unknown && !unknown.ok) return report(unknown.error);
    // The root lists its commands from DESCRIPTIONS so that its help loads no command module.
    const subs = path.names.length
      ? await describeSubs(path.subs)
      : Object.keys(commands).map((n): [string, string] => [n, DESCRIPTIONS[n] ?? ""]);
    writeStdout(
      renderHelp({
        names: path.names,
        cmd: path.cmd,
        subs,
        title: path.names.length ? undefined : `ouroboros ${VERSION}`,
      }),
    );
    return args.length === 0 ? EXIT.usage : EXIT.ok;
  }
  const checked = checkArgs(path);
  if (!checked.ok) return report(checked.error);
  const [output, env] = await Promise.all([import("./output.ts"), loadEnv()]);
  const { exitCode, log } = output;
  flushStdout = output.flushStdout;
  for (const f of env.malformed) log.warn(`ignored malformed env file ${f}`);
  if (env.refused.length) log.warn(`./.env may not set ${env.refused.join(", ")}; ignored`);
  // `ooo <skill>` prompts to a runtime that dispatches skills run the MCP tools in this process.
  provideSkillRunner(async (call, signal) => (await import("../mcp/skill-call.ts")).runSkillCall(call, signal));
  try {
    const { runCommand } = await import("citty");
    const { result } = await runCommand(root, { rawArgs: args });
    return typeof result === "number" ? result : exitCode();
  } catch (e) {
    return thrown(e);
  }
}

/** What a command threw, as a message and an exit code. */
function thrown(e: unknown): number {
  if (e instanceof OuroAbort) return report(e.error);
  const msg = describeUnknown(e);
  // citty reports bad usage by throwing CLIError; show it as a usage error with the command's help.
  if ((e as { name?: string }).name === "CLIError") {
    return report({ kind: "badArgs", message: Bun.stripANSI(msg), hint: "see --help" });
  }
  if (process.env.OUROBOROS_DEBUG) process.stderr.write(`${(e as Error).stack}\n`);
  return report({ kind: "failure", message: `unexpected: ${msg}`, hint: "run with OUROBOROS_DEBUG=1 for details" });
}

/** The .env files merged into process.env, once: the plain log copy needs them before the rest. */
let dotenv: Promise<DotenvReport> | undefined;
const loadEnv = () =>
  (dotenv ??= Promise.all([import("../config/dotenv.ts"), import("../config/paths.ts"), import("node:path")]).then(
    ([{ loadDotenvFiles }, { paths }, { join }]) =>
      loadDotenvFiles(process.env, join(process.cwd(), ".env"), paths.trustedEnv()),
  ));

/** `events --json` alone or with `--db VALUE`: its database argument; null for any other command line. */
function plainEventsJson(args: readonly string[]): { db?: string } | null {
  if (args[0] !== "events") return null;
  let json = false;
  let db: string | undefined;
  for (let i = 1; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--json" && !json) json = true;
    else if (a === "--db" && db === undefined && i + 1 < args.length) db = args[++i];
    else if (a.startsWith("--db=") && db === undefined) db = a.slice(5);
    else return null;
  }
  return json ? { db } : null;
}

/**
 * The plain copy of the whole log skips the command machinery (copy-log.ts); null when the
 * general command should answer (a .env to warn about, PostgreSQL, no database yet).
 */
async function copyPlainLog(args: string[]): Promise<number | null> {
  const plain = plainEventsJson(args);
  if (!plain) return null;
  const env = await loadEnv();
  if (env.malformed.length || env.refused.length) return null;
  try {
    return await (await import("./copy-log.ts")).copyLogToStdout(plain.db);
  } catch (e) {
    return thrown(e);
  }
}

if (import.meta.main) {
  // Exit only once stdout has drained: a slow reader still gets the last lines.
  main(process.argv.slice(2)).then(async (code) => {
    await flushStdout?.();
    process.exit(code);
  });
}
