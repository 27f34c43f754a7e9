/**
 * Is a runtime's CLI installed, and which version? Thin view over binary.ts kept for the dry-run
 * (which passes BINARY_FACTS[name]).
 */
import type { Config } from "../config/schema.ts";
import type { RuntimeName } from "./contract.ts";
import { resolveBinary as resolveByName, runtimeVersion } from "./binary.ts";
import { DESCRIPTORS } from "./descriptors.ts";

export interface BinaryFacts {
  name: RuntimeName;
  binary: string;
  pathEnv: string;
  pathConfigKey: keyof Config["orchestrator"];
}

/** Binary names and override keys per runtime (spec runtimes.md §1.5), from the descriptors. */
export const BINARY_FACTS = Object.fromEntries(
  Object.values(DESCRIPTORS).map((d) => [d.name, { name: d.name, binary: d.binary, pathEnv: d.pathEnv, pathConfigKey: d.pathConfigKey as keyof Config["orchestrator"] }]),
) as Record<RuntimeName, BinaryFacts>;

export interface RuntimeProbe {
  found: boolean;
  binary: string | null;
  binary_source: "env" | "config" | "PATH" | null;
  version: string | null;
}

export function resolveBinary(facts: BinaryFacts, env: NodeJS.ProcessEnv, config: Config): Pick<RuntimeProbe, "binary" | "binary_source"> {
  const r = resolveByName(facts.name, env, config);
  return r ? { binary: r.path, binary_source: r.source } : { binary: null, binary_source: null };
}

export const binaryVersion = runtimeVersion;

export function probeBinary(facts: BinaryFacts, env: NodeJS.ProcessEnv, config: Config): RuntimeProbe {
  const r = resolveBinary(facts, env, config);
  if (!r.binary) return { found: false, binary: null, binary_source: null, version: null };
  return { found: true, ...r, version: runtimeVersion(r.binary) };
}

export type { RuntimeName };
