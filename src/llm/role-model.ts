/**
 * Role models: a configured model for one kind of call (interview, judging, QA) applied to every
 * call of that role that does not name its own model. null leaves the backend's default.
 * (The judge's agent gets the same treatment from `agentWithModel` in pipeline/agent.ts.)
 *
 *   const interviewer = llmWithModel(llm, config.clarification.default_model);
 */
import type { Llm } from "./types.ts";

export function llmWithModel(llm: Llm, model: string | null): Llm {
  if (!model) return llm;
  return {
    name: llm.name,
    target: llm.target,
    complete: (messages, options = {}) => llm.complete(messages, { ...options, model: options.model ?? model }),
  };
}
