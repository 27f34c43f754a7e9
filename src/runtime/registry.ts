/**
 * The built-in runtimes: `ADAPTERS` is the one list. A built-in runtime is a folder
 * adapters/<name>/ (descriptor, argv, parser, setup, index) plus its entry here; its name, aliases
 * (descriptor.aliases), config key (descriptor.pathConfigKey), flag help and setup all come from
 * that entry. Runtimes declared in $OUROBOROS_HOME/runtimes/*.yaml are looked up here too, reusing
 * the parsers built-ins offer through `descriptor.output`.
 */
import claude from "../../adapters/claude/index.ts";
import codex from "../../adapters/codex/index.ts";
import copilot from "../../adapters/copilot/index.ts";
import gemini from "../../adapters/gemini/index.ts";
import hermes from "../../adapters/hermes/index.ts";
import kiro from "../../adapters/kiro/index.ts";
import opencode from "../../adapters/opencode/index.ts";
import type { LineParser, RuntimeAdapter } from "../adapter-kit/adapter.ts";
import { OUTPUT_FORMATS, type OutputFormat, type RuntimeDescriptor, type Task } from "../adapter-kit/contract.ts";
import { runtimeError, type RuntimeError } from "../adapter-kit/messages.ts";
import { err, ok, type Result } from "../errors.ts";
import { registerCredentialNames } from "../security/redact.ts";
import { declaredAdapter } from "./declared/adapter.ts";
import { declaredNames, loadDeclarations } from "./declared/load.ts";
import { createPlainTextParser } from "./plain-text.ts";

/** In the order `runtimes`, help texts and error hints list them. */
export const ADAPTERS = { claude, codex, opencode, gemini, copilot, kiro, hermes } satisfies Record<
  string,
  RuntimeAdapter
>;
export type RuntimeName = keyof typeof ADAPTERS;
export const RUNTIME_NAMES = Object.keys(ADAPTERS) as readonly RuntimeName[];
/** What runs when neither a flag, the environment nor config.yaml names a runtime. */
export const DEFAULT_RUNTIME: RuntimeName = "claude";

// Redaction and the child-environment policy learn each built-in's key variables here, on load:
// whatever can spawn an agent has imported this module, and so has every event append (events/store.ts).
registerCredentialNames(Object.values(ADAPTERS).flatMap((a) => a.descriptor.secretEnv));

/** The shipped stream parsers a declared runtime may name: each built-in offering its `output`, plus plain text. */
const PARSERS = Object.fromEntries([
  ...Object.values(ADAPTERS).flatMap((a): [OutputFormat, (task: Task) => LineParser][] =>
    a.descriptor.output ? [[a.descriptor.output, (task: Task) => a.createParser(task)]] : [],
  ),
  ["plain-text", (task: Task, runtime: string) => createPlainTextParser(runtime, task.cwd)],
]) as Record<OutputFormat, (task: Task, runtime: string) => LineParser>;
for (const f of OUTPUT_FORMATS) if (!PARSERS[f]) throw new Error(`no shipped parser for output format ${f}`);

export function isRuntimeName(name: string): name is RuntimeName {
  return Object.hasOwn(ADAPTERS, name);
}

/** A built-in runtime's canonical name for `name` or one of its aliases (codex_cli, claude_code, …). */
export function builtinRuntime(name: string): RuntimeName | null {
  const n = name.trim().toLowerCase();
  if (isRuntimeName(n)) return n;
  return RUNTIME_NAMES.find((r) => ADAPTERS[r].descriptor.aliases?.includes(n)) ?? null;
}

/** Names a declared runtime file may not take. */
export const isReservedRuntimeName = (name: string): boolean => builtinRuntime(name) !== null;

/** Every runtime name: built-ins in registry order, then declared ones. */
export function allRuntimeNames(env: NodeJS.ProcessEnv = process.env): string[] {
  return [...RUNTIME_NAMES, ...declaredNames(env).filter((n) => !isReservedRuntimeName(n))];
}

/** The adapter for `name` (built-in, or declared in $OUROBOROS_HOME/runtimes/), or an error value listing the valid names. */
export function getAdapter(name: string, env: NodeJS.ProcessEnv = process.env): Result<RuntimeAdapter, RuntimeError> {
  const n = name.trim().toLowerCase();
  if (isRuntimeName(n)) return ok(ADAPTERS[n]);
  const decl = loadDeclarations(env, isReservedRuntimeName);
  if (!decl.ok)
    return err(runtimeError("invalid_task", decl.error.message, decl.error.hint ? { hint: decl.error.hint } : {}));
  const d = decl.value.find((x) => x.name === n);
  if (d) return ok(declaredAdapter(d, PARSERS));
  return err(
    runtimeError("invalid_task", `unknown runtime '${name}'`, {
      hint: `valid runtimes: ${allRuntimeNames(env).join(", ")}`,
    }),
  );
}

export function descriptorOf(name: RuntimeName): RuntimeDescriptor {
  return ADAPTERS[name].descriptor;
}
