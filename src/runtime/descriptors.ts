/**
 * Static descriptors only (no parsers, no argv builders), so the dry-run and `runtimes` load a
 * few small files. A new built-in runtime adds one line here and one in registry.ts; both are
 * checked for completeness by the compiler (`satisfies`) and for agreement by the unit tests.
 * Runtimes declared in $OUROBOROS_HOME/runtimes/ join them at run time (declared/load.ts).
 */
import { descriptor as claude } from "../../adapters/claude/descriptor.ts";
import { descriptor as codex } from "../../adapters/codex/descriptor.ts";
import { descriptor as copilot } from "../../adapters/copilot/descriptor.ts";
import { descriptor as gemini } from "../../adapters/gemini/descriptor.ts";
import { descriptor as hermes } from "../../adapters/hermes/descriptor.ts";
import { descriptor as kiro } from "../../adapters/kiro/descriptor.ts";
import { descriptor as opencode } from "../../adapters/opencode/descriptor.ts";
import { fail, ok, type Result } from "../errors.ts";
import type { RuntimeDescriptor, RuntimeName } from "./contract.ts";
import { loadDeclarations } from "./declared/load.ts";
import { allRuntimeNames, isReservedRuntimeName } from "./selection.ts";

export const DESCRIPTORS = { claude, codex, opencode, gemini, copilot, kiro, hermes } as const satisfies Record<
  RuntimeName,
  RuntimeDescriptor
>;

/** A built-in or declared runtime's descriptor; a malformed declaration file is a config error. */
export function findDescriptor(name: string, env: NodeJS.ProcessEnv = process.env): Result<RuntimeDescriptor> {
  if (Object.hasOwn(DESCRIPTORS, name)) return ok(DESCRIPTORS[name as RuntimeName]);
  const decl = loadDeclarations(env, isReservedRuntimeName);
  if (!decl.ok) return decl;
  const d = decl.value.find((x) => x.name === name);
  return d
    ? ok(d.descriptor)
    : fail("badArgs", `unknown runtime '${name}'`, { hint: `valid runtimes: ${allRuntimeNames(env).join(", ")}` });
}

/** Built-in descriptors in registry order, then the declared ones. */
export function allDescriptors(env: NodeJS.ProcessEnv = process.env): Result<RuntimeDescriptor[]> {
  const decl = loadDeclarations(env, isReservedRuntimeName);
  if (!decl.ok) return decl;
  return ok([...Object.values(DESCRIPTORS), ...decl.value.map((d) => d.descriptor)]);
}
