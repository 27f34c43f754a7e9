/**
 * The runtime contract every adapter under adapters/<runtime>/ implements.
 * Schemas are the single source of the types (valibot → TypeScript).
 */
import * as v from "valibot";

export const RUNTIME_NAMES = ["claude", "codex", "opencode", "gemini", "copilot", "kiro", "hermes"] as const;
export const RuntimeNameSchema = v.picklist(RUNTIME_NAMES);
export type RuntimeName = v.InferOutput<typeof RuntimeNameSchema>;

export const PermissionModeSchema = v.picklist(["default", "acceptEdits", "bypassPermissions"]);
export type PermissionMode = v.InferOutput<typeof PermissionModeSchema>;

const Support = v.picklist(["native", "translated", "ignored"]);

export const CapabilitiesSchema = v.object({
  skill_dispatch: v.boolean(),
  targeted_resume: v.boolean(),
  structured_output: v.boolean(),
  system_prompt_support: Support,
  tool_restriction_support: Support,
  permission_mode_support: Support,
  reasoning_effort_support: Support,
  model_override_support: Support,
  enforceable_reasoning_efforts: v.nullable(v.array(v.string())),
  subagent_orchestration: v.picklist(["none", "internal", "external_host_bridge", "external_leader_driven"]),
  model_discovery: v.boolean(),
  /** Kiro: resume only when the caller already knows the id. */
  partial_resume: v.boolean(),
});
export type Capabilities = v.InferOutput<typeof CapabilitiesSchema>;

/** What the user must have for the CLI to work; never carries secret values. */
export const AuthInfoSchema = v.object({
  method: v.string(),
  env_vars: v.array(v.string()),
  files: v.array(v.string()),
});
export type AuthInfo = v.InferOutput<typeof AuthInfoSchema>;

/** Static facts about a runtime; enough for dry-run, `runtimes` and selection. */
export interface RuntimeDescriptor {
  readonly name: RuntimeName;
  readonly displayName: string;
  /** Executable name looked up on PATH. */
  readonly binary: string;
  /** Env var and config key (orchestrator.<key>) that override the binary path. */
  readonly pathEnv: string;
  readonly pathConfigKey: string;
  /** npm package that ships the CLI, used to read its version without running it. */
  readonly npmPackage?: string;
  readonly versionArgs: readonly string[];
  readonly installHint: string;
  readonly auth: AuthInfo;
  readonly capabilities: Capabilities;
}
