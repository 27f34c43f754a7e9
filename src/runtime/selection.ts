/**
 * Which runtime runs a seed: --runtime flag > OUROBOROS_AGENT_RUNTIME > OUROBOROS_RUNTIME >
 * config orchestrator.runtime_backend > claude. Names are trimmed and lower-cased; upstream
 * aliases (codex_cli, claude_code, …) map to our names.
 */
import { fail, ok, type Result } from "../errors.ts";
import type { LoadedConfig } from "../config/load.ts";
import { RUNTIME_NAMES, type RuntimeName } from "./contract.ts";

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

export function canonicalRuntime(name: string): RuntimeName | null {
  const n = name.trim().toLowerCase();
  if ((RUNTIME_NAMES as readonly string[]).includes(n)) return n as RuntimeName;
  return ALIASES[n] ?? null;
}

export interface RuntimeChoice {
  name: RuntimeName;
  source: "flag" | "env:OUROBOROS_AGENT_RUNTIME" | "env:OUROBOROS_RUNTIME" | "config" | "default";
}

export function selectRuntime(flag: string | undefined, env: NodeJS.ProcessEnv, cfg: LoadedConfig | null): Result<RuntimeChoice> {
  const candidates: [string | undefined, RuntimeChoice["source"]][] = [
    [flag, "flag"],
    [env.OUROBOROS_AGENT_RUNTIME, "env:OUROBOROS_AGENT_RUNTIME"],
    [env.OUROBOROS_RUNTIME, "env:OUROBOROS_RUNTIME"],
    [cfg?.sources["orchestrator.runtime_backend"] === "config" ? cfg.config.orchestrator.runtime_backend : undefined, "config"],
  ];
  for (const [value, source] of candidates) {
    if (value === undefined || value.trim() === "") continue;
    const name = canonicalRuntime(value);
    if (!name) {
      return fail(source === "config" ? "config" : "badArgs", `unknown runtime '${value}' (from ${source})`, {
        hint: `valid runtimes: ${RUNTIME_NAMES.join(", ")}`,
      });
    }
    return ok({ name, source });
  }
  return ok({ name: "claude", source: "default" });
}
