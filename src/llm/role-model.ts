/**
 * Role models: a configured model for one kind of call (interview, judging, QA) applied to every
 * call of that role that does not name its own model. null leaves the backend's default.
 *
 *   const interviewer = llmWithModel(llm, config.clarification.default_model);
 *   const judge = agentWithModel(agent, config.evaluation.semantic_model);
 */
import type { Agent } from "../pipeline/agent.ts";
import type { Llm } from "./types.ts";

export function llmWithModel(llm: Llm, model: string | null): Llm {
  if (!model) return llm;
  return {
    name: llm.name,
    target: llm.target,
    complete: (messages, options = {}) => llm.complete(messages, { ...options, model: options.model ?? model }),
  };
}

export function agentWithModel(agent: Agent, model: string | null): Agent {
  if (!model) return agent;
  return {
    name: agent.name,
    canResume: agent.canResume,
    run: (task, signal) => agent.run({ ...task, model: task.model ?? model }, signal),
  };
}
