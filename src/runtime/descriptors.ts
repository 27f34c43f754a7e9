/**
 * Runtime descriptors by name: the built-ins' from the registry, then the runtimes declared in
 * $OUROBOROS_HOME/runtimes/ (declared/load.ts).
 */
import type { RuntimeDescriptor } from "../adapter-kit/contract.ts";
import { fail, ok, type Result } from "../errors.ts";
import { loadDeclarations } from "./declared/load.ts";
import { ADAPTERS, allRuntimeNames, isReservedRuntimeName, isRuntimeName, RUNTIME_NAMES } from "./registry.ts";

export const DESCRIPTORS = Object.fromEntries(RUNTIME_NAMES.map((n) => [n, ADAPTERS[n].descriptor])) as {
  readonly [N in keyof typeof ADAPTERS]: RuntimeDescriptor;
};

/** A built-in or declared runtime's descriptor; a malformed declaration file is a config error. */
export function findDescriptor(name: string, env: NodeJS.ProcessEnv = process.env): Result<RuntimeDescriptor> {
  if (isRuntimeName(name)) return ok(DESCRIPTORS[name]);
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
