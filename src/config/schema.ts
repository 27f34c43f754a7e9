/**
 * ~/.ouroboros/config.yaml: one valibot schema with every default.
 * Unknown sections are refused so typos surface instead of being ignored.
 */
import * as v from "valibot";
import { DESCRIPTORS } from "../runtime/descriptors.ts";
import { DEFAULT_RUNTIME } from "../runtime/registry.ts";
import { canonicalRuntime } from "../runtime/selection.ts";

const num = (def: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  v.optional(v.pipe(v.number(), v.minValue(min), v.maxValue(max)), def);
const int = (def: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  v.optional(v.pipe(v.number(), v.integer(), v.minValue(min), v.maxValue(max)), def);
const str = (def: string) => v.optional(v.string(), def);
const nstr = () => v.optional(v.nullable(v.string()), null);
const bool = (def: boolean) => v.optional(v.boolean(), def);
/** Endpoints are http(s) only: a `javascript:` or `file:` URL is never a model server. */
const isHttpUrl = (s: string) => {
  try {
    const u = new URL(s);
    return (u.protocol === "http:" || u.protocol === "https:") && u.hostname !== "";
  } catch {
    return false;
  }
};
const urlOrNull = () =>
  v.optional(v.nullable(v.pipe(v.string(), v.check(isHttpUrl, "must be an http:// or https:// URL"))), null);
// Every entry has a default, so `{}` parses to a complete section.
const section = <T extends v.ObjectEntries>(entries: T) =>
  v.optional(v.strictObject(entries), {} as v.InferInput<v.StrictObjectSchema<T, undefined>>);

export const TIERS = ["frugal", "standard", "frontier"] as const;
export const TierSchema = v.picklist(TIERS);
export type Tier = v.InferOutput<typeof TierSchema>;

/** Model per tier per runtime: economics.models.<runtime>.<tier>. */
const tierModels = v.optional(
  v.record(v.string(), v.partial(v.object({ frugal: v.string(), standard: v.string(), frontier: v.string() }))),
  // Each built-in's own defaults (descriptor.tierModels).
  () =>
    Object.fromEntries(
      Object.values(DESCRIPTORS).flatMap((d) => (d.tierModels ? [[d.name, { ...d.tierModels }]] : [])),
    ),
);

const cliPathKeys = Object.fromEntries(
  Object.values(DESCRIPTORS).flatMap((d) => (d.pathConfigKey ? [[d.pathConfigKey, nstr()]] : [])),
) as Record<`${string}cli_path`, ReturnType<typeof nstr>>;

export const ConfigSchema = v.strictObject({
  orchestrator: section({
    /** A runtime name or an upstream alias (codex_cli, claude_code, …), like --runtime accepts; stored canonical. */
    runtime_backend: v.optional(
      v.pipe(
        v.string(),
        v.check(
          (n) => canonicalRuntime(n) !== null,
          (i) => `unknown runtime '${String(i.input)}' (\`ouroboros runtimes\` lists them)`,
        ),
        v.transform((n) => canonicalRuntime(n)!),
      ),
      DEFAULT_RUNTIME,
    ),
    opencode_mode: v.optional(v.nullable(v.picklist(["plugin", "subprocess"])), null),
    /** Each built-in runtime's CLI path, under its descriptor's key (cli_path, codex_cli_path, …). */
    ...cliPathKeys,
    /** Model picked by `setup --runtime copilot` from live discovery; copilot runs with it unless a tier or execution model is set. */
    copilot_model: nstr(),
    max_parallel_workers: int(3, 1, 64),
    max_decomposition_depth: int(2, 0, 4),
    /** A running session's lease on the event database: renewed every third of this; another machine may take over once it lapses. */
    lease_ttl_seconds: int(30, 1, 3600),
  }),
  llm: section({
    backend: str("claude_code"),
    base_url: urlOrNull(),
    model: nstr(),
    /** Model for the QA tool's judge calls; null = the backend's default. */
    qa_model: nstr(),
  }),
  economics: section({
    /** Tier of work the router never scored (the secondary loop's deferred TODOs). */
    default_tier: v.optional(TierSchema, "frugal"),
    escalation_threshold: int(2, 1),
    downgrade_success_streak: int(5, 1),
    models: tierModels,
  }),
  clarification: section({
    ambiguity_threshold: num(0.2, 0, 1),
    /** Model for the interview and seed generation calls; null = the backend's default. */
    default_model: nstr(),
  }),
  execution: section({
    ac_retry_attempts: int(2, 0, 10),
    verify_command_timeout_seconds: int(600, 1),
    stall_timeout_seconds: int(900, 1),
    heartbeat_seconds: int(30, 1),
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
    /** Model for the judge calls (semantic stage 2, consensus, judged exit conditions); null = the runtime's default. */
    semantic_model: nstr(),
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
});

export type Config = v.InferOutput<typeof ConfigSchema>;
export const defaultConfig = (): Config => v.parse(ConfigSchema, {});
