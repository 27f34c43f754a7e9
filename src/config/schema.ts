/**
 * ~/.ouroboros/config.yaml: one valibot schema with every default (spec cli.md §4).
 * Unknown sections are refused so typos surface instead of being ignored.
 */
import * as v from "valibot";
import { RUNTIME_NAMES } from "../runtime/contract.ts";

const num = (def: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  v.optional(v.pipe(v.number(), v.minValue(min), v.maxValue(max)), def);
const int = (def: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  v.optional(v.pipe(v.number(), v.integer(), v.minValue(min), v.maxValue(max)), def);
const str = (def: string) => v.optional(v.string(), def);
const nstr = () => v.optional(v.nullable(v.string()), null);
const bool = (def: boolean) => v.optional(v.boolean(), def);
// Every entry has a default, so `{}` parses to a complete section.
const section = <T extends v.ObjectEntries>(entries: T) => v.optional(v.strictObject(entries), {} as v.InferInput<v.StrictObjectSchema<T, undefined>>);

export const TIERS = ["frugal", "standard", "frontier"] as const;
export const TierSchema = v.picklist(TIERS);
export type Tier = v.InferOutput<typeof TierSchema>;

/** Model per tier per runtime: economics.models.<runtime>.<tier>. */
const tierModels = v.optional(v.record(v.string(), v.partial(v.object({ frugal: v.string(), standard: v.string(), frontier: v.string() }))), {
  claude: { frugal: "claude-haiku-4-5", standard: "claude-sonnet-4-6", frontier: "claude-opus-5" },
  codex: { frugal: "gpt-5.1-codex-mini", standard: "gpt-5-codex", frontier: "gpt-5.2" },
  gemini: { frugal: "gemini-2.0-flash", standard: "gemini-2.5-pro", frontier: "gemini-2.5-pro" },
});

export const ConfigSchema = v.strictObject({
  orchestrator: section({
    runtime_backend: v.optional(v.picklist(RUNTIME_NAMES), "claude"),
    permission_mode: v.optional(v.picklist(["default", "acceptEdits", "bypassPermissions"]), "acceptEdits"),
    opencode_permission_mode: v.optional(v.picklist(["default", "acceptEdits", "bypassPermissions"]), "bypassPermissions"),
    opencode_mode: v.optional(v.nullable(v.picklist(["plugin", "subprocess"])), null),
    cli_path: nstr(),
    codex_cli_path: nstr(),
    opencode_cli_path: nstr(),
    gemini_cli_path: nstr(),
    copilot_cli_path: nstr(),
    kiro_cli_path: nstr(),
    hermes_cli_path: nstr(),
    /** Model picked by `setup --runtime copilot` from live discovery (spec runtimes.md §5). */
    copilot_model: nstr(),
    default_max_turns: int(10, 1),
    max_parallel_workers: int(3, 1, 64),
    max_decomposition_depth: int(2, 0, 4),
  }),
  llm: section({
    backend: str("claude_code"),
    base_url: nstr(),
    model: nstr(),
    qa_model: str("claude-sonnet-4-6"),
  }),
  economics: section({
    default_tier: v.optional(TierSchema, "frugal"),
    escalation_threshold: int(2, 1),
    downgrade_success_streak: int(5, 1),
    models: tierModels,
  }),
  clarification: section({
    ambiguity_threshold: num(0.2, 0, 1),
    max_interview_rounds: int(10, 1),
    default_model: str("claude-opus-5"),
  }),
  execution: section({
    ac_retry_attempts: int(2, 0, 10),
    verify_command_timeout_seconds: int(600, 1),
    stall_timeout_seconds: int(900, 1),
    heartbeat_seconds: int(30, 1),
    auto_evaluate: bool(true),
    auto_evolve: bool(true),
    default_model: nstr(),
    /** Budgets: no seed loops unbounded. A fired budget ends the session as `stopped` (exit 3). */
    max_cost_usd: num(50, 0),
    timeout_seconds: int(14_400, 1),
    max_turns_per_ac: int(12, 1),
    max_turns_per_session: int(200, 1),
  }),
  evaluation: section({
    satisfaction_threshold: num(0.8, 0, 1),
    reward_hacking_veto: num(0.7, 0, 1),
    semantic_model: str("claude-opus-5"),
  }),
  resilience: section({
    lateral_budget: int(3, 0, 10),
    stagnation_enabled: bool(true),
  }),
  evolution: section({
    max_generations: int(3, 1, 30),
    convergence_threshold: num(0.95, 0, 1),
    stagnation_window: int(3, 1),
  }),
  seed: section({
    verify_command_gate: v.optional(v.picklist(["warn", "block"]), "warn"),
  }),
  logging: section({
    level: v.optional(v.picklist(["silent", "error", "warn", "info", "debug", "trace"]), "info"),
  }),
});

export type Config = v.InferOutput<typeof ConfigSchema>;
export const defaultConfig = (): Config => v.parse(ConfigSchema, {});
