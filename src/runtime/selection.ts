/**
 * Which runtime runs a seed: --runtime flag > OUROBOROS_AGENT_RUNTIME > OUROBOROS_RUNTIME >
 * config orchestrator.runtime_backend > claude. Names are trimmed and lower-cased; upstream
 * aliases (codex_cli, claude_code, …) map to our names; runtimes declared in
 * $OUROBOROS_HOME/runtimes/<name>.yaml are chosen by their file name.
 */
import { fail, ok, type Result } from "../errors.ts";
import type { LoadedConfig } from "../config/load.ts";
import { RUNTIME_NAMES, type RuntimeName } from "./contract.ts";
import { declaredNames, loadDeclarations } from "./declared/load.ts";

const ALIASES: Record<string, RuntimeName> = {
  claude_code: "claude",
  "claude-cli": "claude",
  codex_cli: "codex",
  opencode_cli: "opencode",
  gemini_cli: "gemini",
  copilot_cli: "copilot",
  kiro_cli: "kiro",
  "kiro-cli": "kiro",
  hermes_cli: "hermes",
};

/** A built-in runtime's canonical name for `name` or one of its aliases. */
export function builtinRuntime(name: string): RuntimeName | null {
  const n = name.trim().toLowerCase();
  if ((RUNTIME_NAMES as readonly string[]).includes(n)) return n as RuntimeName;
  return ALIASES[n] ?? null;
}

/** Names a declared runtime file may not take. */
export const isReservedRuntimeName = (name: string): boolean => builtinRuntime(name) !== null;

/** The canonical name: a built-in (or alias), else a runtime declared in a file; null when unknown. */
export function canonicalRuntime(name: string, env: NodeJS.ProcessEnv = process.env): string | null {
  const builtin = builtinRuntime(name);
  if (builtin) return builtin;
  const n = name.trim().toLowerCase();
  return declaredNames(env).includes(n) ? n : null;
}

/** Every runtime name: built-ins in registry order, then declared ones. */
export function allRuntimeNames(env: NodeJS.ProcessEnv = process.env): string[] {
  return [...RUNTIME_NAMES, ...declaredNames(env).filter((n) => !isReservedRuntimeName(n))];
}

export interface RuntimeChoice {
  name: string;
  source: "flag" | "env:OUROBOROS_AGENT_RUNTIME" | "env:OUROBOROS_RUNTIME" | "config" | "default";
}

export function selectRuntime(
  flag: string | undefined,
  env: NodeJS.ProcessEnv,
  cfg: LoadedConfig | null,
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
  return ok({ name: "claude", source: "default" });
}
