/**
 * Choose the LLM backend: flag > OUROBOROS_LLM_BACKEND > config llm.backend. HTTP backends need
 * their key in the environment; CLI backends need the CLI installed. Failures name what was tried.
 */
import type { Config } from "../config/schema.ts";
import { fail, type Result } from "../errors.ts";
import { RUNTIME_NAMES, type RuntimeName } from "../runtime/registry.ts";
import { createCliBackend } from "./cli-backend.ts";
import { createHttpBackend } from "./http.ts";
import { BACKEND_ALIASES, type Llm } from "./types.ts";

export type { ChatMessage, Completion, CompleteOptions, Llm } from "./types.ts";

export const BACKEND_NAMES = ["anthropic", "openai", ...RUNTIME_NAMES, ...Object.keys(BACKEND_ALIASES)] as const;

export function normaliseBackend(name: string): string {
  const n = name.trim().toLowerCase();
  return BACKEND_ALIASES[n] ?? n;
}

export function createLlm(config: Config, env: NodeJS.ProcessEnv, override?: string | null): Result<Llm> {
  const requested = override?.trim() || config.llm.backend;
  const name = normaliseBackend(requested);
  if (name === "anthropic") {
    const key = env.ANTHROPIC_API_KEY;
    if (!key)
      return fail("config", "LLM backend 'anthropic' needs ANTHROPIC_API_KEY", {
        hint: "export ANTHROPIC_API_KEY=… or choose a CLI backend (--llm-backend claude)",
      });
    const baseUrl = config.llm.base_url ?? env.ANTHROPIC_BASE_URL ?? "https://api.anthropic.com";
    return {
      ok: true,
      value: createHttpBackend({ name, apiKey: key, baseUrl, model: config.llm.model ?? "claude-opus-5" }),
    };
  }
  if (name === "openai") {
    const key = env.OPENAI_API_KEY ?? env.OPENROUTER_API_KEY;
    if (!key)
      return fail("config", "LLM backend 'openai' needs OPENAI_API_KEY (or OPENROUTER_API_KEY)", {
        hint: "export OPENAI_API_KEY=… ; set llm.base_url for any OpenAI-compatible server",
      });
    const baseUrl =
      config.llm.base_url ??
      env.OPENAI_BASE_URL ??
      (env.OPENAI_API_KEY ? "https://api.openai.com/v1" : "https://openrouter.ai/api/v1");
    return { ok: true, value: createHttpBackend({ name, apiKey: key, baseUrl, model: config.llm.model ?? "gpt-5.2" }) };
  }
  if ((RUNTIME_NAMES as readonly string[]).includes(name)) return createCliBackend(name as RuntimeName, env, config);
  return fail("badArgs", `unknown LLM backend '${requested}'`, {
    hint: `choose one of: anthropic, openai, ${RUNTIME_NAMES.join(", ")} (aliases: ${Object.keys(BACKEND_ALIASES).join(", ")})`,
  });
}
