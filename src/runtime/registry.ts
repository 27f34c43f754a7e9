/**
 * Runtime name → adapter. Adding a runtime: create adapters/<name>/ (descriptor, argv, parser,
 * setup, index), add its name to RUNTIME_NAMES in contract.ts, one entry below and one in
 * descriptors.ts (the light map the dry-run loads); `satisfies` makes the compiler insist.
 */
import { err, ok, type Result } from "../errors.ts";
import claude from "../../adapters/claude/index.ts";
import codex from "../../adapters/codex/index.ts";
import copilot from "../../adapters/copilot/index.ts";
import gemini from "../../adapters/gemini/index.ts";
import hermes from "../../adapters/hermes/index.ts";
import kiro from "../../adapters/kiro/index.ts";
import opencode from "../../adapters/opencode/index.ts";
import type { RuntimeAdapter } from "./adapter.ts";
import { RUNTIME_NAMES, type RuntimeDescriptor, type RuntimeName } from "./contract.ts";
import { runtimeError, type RuntimeError } from "./messages.ts";

export const ADAPTERS = { claude, codex, opencode, gemini, copilot, kiro, hermes } as const satisfies Record<RuntimeName, RuntimeAdapter>;

export function isRuntimeName(name: string): name is RuntimeName {
  return (RUNTIME_NAMES as readonly string[]).includes(name);
}

/** The adapter for `name`, or an error value listing the valid names. */
export function getAdapter(name: string): Result<RuntimeAdapter, RuntimeError> {
  const n = name.trim().toLowerCase();
  if (isRuntimeName(n)) return ok(ADAPTERS[n]);
  return err(runtimeError("invalid_task", `unknown runtime '${name}'`, { hint: `valid runtimes: ${RUNTIME_NAMES.join(", ")}` }));
}

export function descriptorOf(name: RuntimeName): RuntimeDescriptor {
  return ADAPTERS[name].descriptor;
}
