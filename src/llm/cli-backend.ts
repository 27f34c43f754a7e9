/**
 * One-shot completions through an agent CLI the user is already logged into (claude, codex, …):
 * the conversation becomes one transcript prompt, the CLI runs with no
 * tools in a scratch directory, and its final answer is the completion.
 */
import { mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as v from "valibot";
import type { Config } from "../config/schema.ts";
import { fail, ok, type Result } from "../errors.ts";
import { resolveBinary } from "../runtime/binary.ts";
import { descriptorOf, type RuntimeName } from "../runtime/registry.ts";
import { runTaskToResult } from "../runtime/run.ts";
import { type ChatMessage, type Completion, CompleteOptionsSchema, type Llm } from "./types.ts";

export function transcriptPrompt(messages: readonly ChatMessage[], json: boolean): string {
  const system = messages.filter((m) => m.role === "system").map((m) => m.content.trim());
  const parts: string[] = [];
  if (system.length) parts.push("## System Instructions", system.join("\n\n"), "");
  parts.push(
    "## Tool Constraints",
    "Do not use any tools, do not read or write files. Answer from this text alone.",
    "",
  );
  parts.push(
    "## Response Format",
    json ? "Reply with a single JSON object and nothing else." : "Reply with the answer only, no preamble.",
    "",
  );
  parts.push("## Conversation");
  for (const m of messages)
    if (m.role !== "system") parts.push(`${m.role === "user" ? "User" : "Assistant"}: ${m.content}`);
  parts.push("Assistant:");
  return parts.join("\n");
}

export function createCliBackend(runtime: RuntimeName, env: NodeJS.ProcessEnv, config: Config): Result<Llm> {
  const d = descriptorOf(runtime);
  const bin = resolveBinary(runtime, env, config);
  if (!bin) {
    return fail(
      "runtimeUnavailable",
      `LLM backend '${runtime}' needs the ${d.displayName} CLI '${d.binary}', not found (checked ${d.pathEnv}, orchestrator.${d.pathConfigKey}, PATH)`,
      {
        hint: `${d.installHint}, or choose another backend with --llm-backend (anthropic, openai, …)`,
      },
    );
  }
  // A scratch directory: the CLI must not see (or touch) the user's project for a completion.
  const cwd = join(tmpdir(), "ouroboros-llm");
  return ok({
    name: runtime,
    target: `${d.binary} (${bin.path})`,
    async complete(messages, options = {}) {
      const o = v.parse(CompleteOptionsSchema, options);
      mkdirSync(cwd, { recursive: true });
      const { result } = await runTaskToResult(
        runtime,
        {
          prompt: transcriptPrompt(messages, o.json),
          cwd,
          permission_mode: "default",
          model: o.model ?? config.llm.model ?? null,
          tools: [],
          timeouts: { total_ms: o.timeout_ms },
        },
        { env, config, binary: bin.path },
      );
      if (!result.ok) {
        const e = result.error;
        return fail(
          "runtimeUnavailable",
          `LLM backend '${runtime}' failed: ${e?.message ?? "no answer"}`,
          e?.hint ? { hint: e.hint } : {},
        );
      }
      const u = result.usage;
      const completion: Completion = {
        content: result.text,
        model: o.model ?? config.llm.model ?? runtime,
        usage: {
          prompt_tokens: u?.input_tokens ?? 0,
          completion_tokens: u?.output_tokens ?? 0,
          total_tokens: u?.total_tokens ?? 0,
        },
        finish_reason: "stop",
        backend: runtime,
      };
      return ok(completion);
    },
  });
}
