/**
 * One completion interface for the interview, seed generation and judging:
 * `complete(messages, options)` over direct HTTP (Anthropic Messages, OpenAI-compatible Chat
 * Completions) or one-shot through an agent CLI the user is already logged into.
 */
import * as v from "valibot";
import type { Result } from "../errors.ts";

export const ChatMessageSchema = v.object({
  role: v.picklist(["system", "user", "assistant"]),
  content: v.string(),
});
export type ChatMessage = v.InferOutput<typeof ChatMessageSchema>;

export const CompleteOptionsSchema = v.object({
  model: v.optional(v.nullable(v.string()), null),
  temperature: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(2)), 0.7),
  max_tokens: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1)), 4096),
  /** Ask for a JSON object answer (native where the API has it, a directive otherwise). */
  json: v.optional(v.boolean(), false),
  /** Whole call, all retries included. */
  timeout_ms: v.optional(v.pipe(v.number(), v.minValue(1)), 120_000),
});
export type CompleteOptions = v.InferInput<typeof CompleteOptionsSchema>;

export const UsageSchema = v.object({
  prompt_tokens: v.number(),
  completion_tokens: v.number(),
  total_tokens: v.number(),
});

export interface Completion {
  content: string;
  model: string;
  usage: v.InferOutput<typeof UsageSchema>;
  /** "stop", "length" (cut off), … as the backend reports it. */
  finish_reason: string;
  backend: string;
}

export interface Llm {
  /** Backend name as configured (anthropic, openai, claude, codex, …). */
  readonly name: string;
  /** Where requests go, for error messages and `--json` output. */
  readonly target: string;
  complete(messages: readonly ChatMessage[], options?: CompleteOptions): Promise<Result<Completion>>;
}

/** The HTTP backends and the agent CLIs usable as one-shot backends. */
export const HTTP_BACKENDS = ["anthropic", "openai"] as const;
export const BACKEND_ALIASES: Readonly<Record<string, string>> = {
  claude_code: "claude",
  litellm: "openai",
  openrouter: "openai",
};
