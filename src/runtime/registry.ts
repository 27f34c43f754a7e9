/**
 * Runtime name → adapter: the one list of adapters. Adding a built-in runtime: create
 * adapters/<name>/ (descriptor, argv, parser, setup, index), add its name to RUNTIME_NAMES in
 * contract.ts, one entry below and one in descriptors.ts (the light map the dry-run loads);
 * `satisfies` makes the compiler insist. Runtimes declared in $OUROBOROS_HOME/runtimes/*.yaml
 * are looked up here too, reusing the parsers built-ins offer through `descriptor.output`.
 */
import { err, ok, type Result } from "../errors.ts";
import claude from "../../adapters/claude/index.ts";
import codex from "../../adapters/codex/index.ts";
import copilot from "../../adapters/copilot/index.ts";
import gemini from "../../adapters/gemini/index.ts";
import hermes from "../../adapters/hermes/index.ts";
import kiro from "../../adapters/kiro/index.ts";
import opencode from "../../adapters/opencode/index.ts";
import type { LineParser, RuntimeAdapter } from "./adapter.ts";
import {
  OUTPUT_FORMATS,
  RUNTIME_NAMES,
  type OutputFormat,
  type RuntimeDescriptor,
  type RuntimeName,
  type Task,
} from "./contract.ts";
import { declaredAdapter } from "./declared/adapter.ts";
import { loadDeclarations } from "./declared/load.ts";
import { runtimeError, type RuntimeError } from "./messages.ts";
import { createPlainTextParser } from "./plain-text.ts";
import { allRuntimeNames, isReservedRuntimeName } from "./selection.ts";

export const ADAPTERS = { claude, codex, opencode, gemini, copilot, kiro, hermes } as const satisfies Record<
  RuntimeName,
  RuntimeAdapter
>;

/** The shipped stream parsers a declared runtime may name: each built-in offering its `output`, plus plain text. */
const PARSERS = Object.fromEntries([
  ...Object.values(ADAPTERS).flatMap((a): [OutputFormat, (task: Task) => LineParser][] =>
    a.descriptor.output ? [[a.descriptor.output, (task: Task) => a.createParser(task)]] : [],
  ),
  ["plain-text", (task: Task, runtime: string) => createPlainTextParser(runtime, task.cwd)],
]) as Record<OutputFormat, (task: Task, runtime: string) => LineParser>;
for (const f of OUTPUT_FORMATS) if (!PARSERS[f]) throw new Error(`no shipped parser for output format ${f}`);

export function isRuntimeName(name: string): name is RuntimeName {
  return (RUNTIME_NAMES as readonly string[]).includes(name);
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
