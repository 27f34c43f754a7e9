/**
 * The runtime contract every adapter under adapters/<runtime>/ implements.
 * Schemas are the single source of the types (valibot → TypeScript).
 */
import * as v from "valibot";
import { UsageSchema } from "./messages.ts";

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

/**
 * The stream parsers a runtime declared in a file may name (`output:`): the shipped per-CLI
 * parsers (a built-in descriptor names its own in `output`) plus a generic plain-text one.
 */
export const OUTPUT_FORMATS = [
  "claude-stream-json",
  "codex-jsonl",
  "opencode-json",
  "gemini-stream-json",
  "copilot-json",
  "plain-text",
] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** Static facts about a runtime; enough for dry-run, `runtimes` and selection. */
export interface RuntimeDescriptor {
  /** A built-in runtime's registry name, or the file name of a runtime declared in $OUROBOROS_HOME/runtimes/. */
  readonly name: string;
  readonly displayName: string;
  /** Other names accepted for a built-in (upstream's codex_cli, claude_code, …). */
  readonly aliases?: readonly string[];
  /** Executable name looked up on PATH. */
  readonly binary: string;
  /** Env var and config key (orchestrator.<key>; null for declared runtimes) that override the binary path. */
  readonly pathEnv: string;
  readonly pathConfigKey: string | null;
  /** The shipped stream parser this runtime's output is read with, when others may reuse it. */
  readonly output?: OutputFormat;
  /** Default model per routing tier (config economics.models.<runtime> overrides it). */
  readonly tierModels?: { readonly frugal: string; readonly standard: string; readonly frontier: string };
  /** Declared runtimes: the file that declares it. */
  readonly declaredIn?: string;
  /** npm package that ships the CLI, used to read its version without running it. */
  readonly npmPackage?: string;
  readonly versionArgs: readonly string[];
  readonly installHint: string;
  readonly auth: AuthInfo;
  readonly capabilities: Capabilities;
  /** Which variables of our environment the child sees. */
  readonly env: EnvRules;
  /**
   * The variables that carry this CLI's credentials: their values are redacted from events, logs,
   * errors and prompts, and no child gets them unless its own `env` rules pass them. Names the
   * generic rules miss (e.g. not ending in _API_KEY / _TOKEN) are redacted only when listed here.
   */
  readonly secretEnv: readonly string[];
  /** Startup/idle/total guards used when the task gives none. */
  readonly defaultTimeouts: Timeouts;
}

/** Child-environment policy: a small common base plus what this CLI needs for auth and config. */
export interface EnvRules {
  /** Exact variable names passed through. */
  readonly pass: readonly string[];
  /** Name prefixes passed through (e.g. "ANTHROPIC_"). */
  readonly passPrefixes: readonly string[];
  /** Removed even when a pass rule matches. */
  readonly strip: readonly string[];
  /** Set on every spawn. */
  readonly set: Readonly<Record<string, string>>;
}

/** Milliseconds; 0 disables a guard. */
export const TimeoutsSchema = v.object({
  /** Spawn until the first stdout byte. */
  startup_ms: v.pipe(v.number(), v.minValue(0)),
  /** Longest silence between stdout chunks (stall watchdog). */
  idle_ms: v.pipe(v.number(), v.minValue(0)),
  /** Whole execution. */
  total_ms: v.pipe(v.number(), v.minValue(0)),
});
export type Timeouts = v.InferOutput<typeof TimeoutsSchema>;

/** One unit of work for an agent CLI. */
export const TaskSchema = v.object({
  prompt: v.pipe(v.string(), v.minLength(1, "prompt must not be empty")),
  /** Absolute workspace directory the CLI runs in. */
  cwd: v.pipe(v.string(), v.minLength(1)),
  permission_mode: v.optional(PermissionModeSchema, "acceptEdits"),
  model: v.optional(v.nullable(v.string()), null),
  system_prompt: v.optional(v.nullable(v.string()), null),
  /** null = the runtime's default tools; [] = no tools at all. */
  tools: v.optional(v.nullable(v.array(v.string())), null),
  /** A turn that must not write: each adapter uses its runtime's read-only switch where it has one. */
  read_only: v.optional(v.boolean(), false),
  /** Continue this native session (runtimes with targeted or partial resume). */
  resume: v.optional(
    v.nullable(
      v.object({
        session_id: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,200}$/, "session id must match [A-Za-z0-9_-]+")),
        /** Totals of the session so far: codex reports cumulative usage on resume, so it is subtracted. */
        previous_usage: v.optional(v.nullable(UsageSchema), null),
      }),
    ),
    null,
  ),
  reasoning_effort: v.optional(v.nullable(v.string()), null),
  /** Per-guard overrides; missing ones come from the runtime's defaults. */
  timeouts: v.optional(v.partial(TimeoutsSchema), {}),
});
export type TaskInput = v.InferInput<typeof TaskSchema>;
export type Task = v.InferOutput<typeof TaskSchema>;
