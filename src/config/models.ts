/**
 * Which model each call runs with, from config alone (so the dry-run shows what the run uses).
 * Coding turns: execution.default_model (pins every AC) > economics.models.<runtime>.<tier> >
 * the runtime's own picked model (Copilot: orchestrator.copilot_model from the setup picker) >
 * null (the CLI's default). Role models (clarification.default_model, evaluation.semantic_model,
 * llm.qa_model) are applied by the callers of those roles; null means the backend's default.
 */
import type { Config, Tier } from "./schema.ts";

/** Config keys holding a model picked for one runtime by `setup` (e.g. the Copilot picker). */
const PICKED_MODEL: Readonly<Record<string, keyof Config["orchestrator"]>> = { copilot: "copilot_model" };

export function executionModel(config: Config, runtime: string, tier: Tier): string | null {
  const picked = PICKED_MODEL[runtime];
  const fromPicker = picked ? config.orchestrator[picked] : null;
  return (
    config.execution.default_model ??
    config.economics.models[runtime]?.[tier] ??
    (typeof fromPicker === "string" ? fromPicker : null)
  );
}
