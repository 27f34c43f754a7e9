/**
 * What `ouroboros runtimes` reports: for each runtime whether its CLI is installed (path,
 * version), how it authenticates and whether credentials are visible — by name only, values are
 * never read into the report.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { ok, type Result } from "../errors.ts";
import type { Capabilities } from "../adapter-kit/contract.ts";
import { describeRuntimes, resolveBinary, type RuntimeConfig, runtimeVersion } from "./binary.ts";

export interface RuntimeReport {
  name: string;
  display_name: string;
  found: boolean;
  path: string | null;
  path_source: "env" | "config" | "PATH" | "declared" | null;
  version: string | null;
  auth_method: string;
  /** Names of credential env vars that are set, and credential files that exist. */
  credentials_visible: string[];
  capabilities: Capabilities;
  install_hint: string;
  /** Runtimes declared in $OUROBOROS_HOME/runtimes/: the file. */
  declared_in: string | null;
}

function expand(p: string, env: Readonly<Record<string, string | undefined>>): string {
  const home = env.HOME ?? "";
  const codexHome = env.CODEX_HOME ?? join(home, ".codex");
  return p.replace(/^\$CODEX_HOME/, codexHome).replace(/^~(?=\/|$)/, home);
}

export function inspectRuntimes(
  env: Readonly<Record<string, string | undefined>>,
  config: RuntimeConfig | null,
): Result<RuntimeReport[]> {
  const all = describeRuntimes(env as NodeJS.ProcessEnv);
  if (!all.ok) return all;
  return ok(
    all.value.map((d) => {
      const bin = resolveBinary(d.name, env, config);
      const visible = [
        ...d.auth.env_vars.filter((k) => (env[k] ?? "").trim() !== ""),
        ...d.auth.files.filter((f) => env.HOME && existsSync(expand(f, env))),
      ];
      return {
        name: d.name,
        display_name: d.display_name,
        found: bin !== null,
        path: bin?.path ?? null,
        path_source: bin?.source ?? null,
        version: bin ? runtimeVersion(bin.path, d.version_args) : null,
        auth_method: d.auth.method,
        credentials_visible: visible,
        capabilities: d.capabilities,
        install_hint: d.install_hint,
        declared_in: d.declared_in,
      };
    }),
  );
}

/** Compact capability summary for tables: the true flags and the non-native support levels. */
export function capabilitySummary(c: Capabilities): string {
  const flags = [
    c.skill_dispatch && "skills",
    c.targeted_resume && "resume",
    c.partial_resume && "resume-by-known-id",
    c.structured_output && "structured",
    c.model_discovery && "model-discovery",
  ].filter(Boolean);
  const levels = [
    `system-prompt:${c.system_prompt_support}`,
    `tools:${c.tool_restriction_support}`,
    `effort:${c.reasoning_effort_support}`,
  ];
  if (c.subagent_orchestration !== "none") levels.push(`subagents:${c.subagent_orchestration}`);
  return [...flags, ...levels].join(", ");
}
