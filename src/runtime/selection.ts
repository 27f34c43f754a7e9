/**
 * Which runtime runs a seed: --runtime flag > OUROBOROS_AGENT_RUNTIME > OUROBOROS_RUNTIME >
 * config orchestrator.runtime_backend > the registry's DEFAULT_RUNTIME. Names are trimmed and lower-cased; upstream
 * aliases (codex_cli, claude_code, … in each descriptor) map to our names; runtimes declared in
 * $OUROBOROS_HOME/runtimes/<name>.yaml are chosen by their file name.
 */
import { fail, ok, type Result } from "../errors.ts";
import { declaredNames, loadDeclarations } from "./declared/load.ts";
import { allRuntimeNames, builtinRuntime, DEFAULT_RUNTIME, isReservedRuntimeName } from "./registry.ts";

/** The canonical name: a built-in (or alias), else a runtime declared in a file; null when unknown. */
export function canonicalRuntime(name: string, env: NodeJS.ProcessEnv = process.env): string | null {
  const builtin = builtinRuntime(name);
  if (builtin) return builtin;
  const n = name.trim().toLowerCase();
  return declaredNames(env).includes(n) ? n : null;
}

/** What selection reads of the loaded config (config/ sits above this layer). */
export interface ConfiguredRuntime {
  readonly sources: Readonly<Record<string, string>>;
  readonly config: { readonly orchestrator: { readonly runtime_backend: string } };
}

export interface RuntimeChoice {
  name: string;
  source: "flag" | "env:OUROBOROS_AGENT_RUNTIME" | "env:OUROBOROS_RUNTIME" | "config" | "default";
}

export function selectRuntime(
  flag: string | undefined,
  env: NodeJS.ProcessEnv,
  cfg: ConfiguredRuntime | null,
): Result<RuntimeChoice> {
  const candidates: [string | undefined, RuntimeChoice["source"]][] = [
    [flag, "flag"],
    [env.OUROBOROS_AGENT_RUNTIME, "env:OUROBOROS_AGENT_RUNTIME"],
    [env.OUROBOROS_RUNTIME, "env:OUROBOROS_RUNTIME"],
    [
      cfg?.sources["orchestrator.runtime_backend"] === "config" ? cfg.config.orchestrator.runtime_backend : undefined,
      "config",
    ],
  ];
  for (const [value, source] of candidates) {
    if (value === undefined || value.trim() === "") continue;
    const name = canonicalRuntime(value, env);
    if (!name) {
      return fail(source === "config" ? "config" : "badArgs", `unknown runtime '${value}' (from ${source})`, {
        hint: `valid runtimes: ${allRuntimeNames(env).join(", ")}`,
      });
    }
    // A declared runtime's file must be valid before anything runs (exit 78 naming file:line:col).
    if (!builtinRuntime(name)) {
      const decl = loadDeclarations(env, isReservedRuntimeName);
      if (!decl.ok) return decl;
    }
    return ok({ name, source });
  }
  return ok({ name: DEFAULT_RUNTIME, source: "default" });
}
