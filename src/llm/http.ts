/**
 * Direct HTTP backends. Keys come from the environment; base URLs are overridable (config
 * llm.base_url, ANTHROPIC_BASE_URL, OPENAI_BASE_URL) so tests and proxies can point elsewhere.
 * Transient failures (network, 408/429/5xx) retry with backoff; anything else fails at once.
 */
import * as v from "valibot";
import { fail, ok, type Result } from "../errors.ts";
import { redactDeep } from "../security/redact.ts";
// Loading the registry registers the runtimes' key variables with redaction (prompts to the model).
import "../runtime/registry.ts";
import { type ChatMessage, type Completion, type CompleteOptions, CompleteOptionsSchema, type Llm } from "./types.ts";

const JSON_DIRECTIVE = "Respond with a single JSON object and nothing else.";

const AnthropicReply = v.object({
  model: v.optional(v.string(), ""),
  content: v.array(v.looseObject({ type: v.string(), text: v.optional(v.string()) })),
  stop_reason: v.optional(v.nullable(v.string()), null),
  usage: v.optional(
    v.looseObject({ input_tokens: v.optional(v.number(), 0), output_tokens: v.optional(v.number(), 0) }),
    {},
  ),
});

const OpenAiReply = v.object({
  model: v.optional(v.string(), ""),
  choices: v.pipe(
    v.array(
      v.looseObject({
        message: v.looseObject({ content: v.optional(v.nullable(v.string()), "") }),
        finish_reason: v.optional(v.nullable(v.string()), null),
      }),
    ),
    v.minLength(1, "no choices"),
  ),
  usage: v.optional(
    v.looseObject({ prompt_tokens: v.optional(v.number(), 0), completion_tokens: v.optional(v.number(), 0) }),
    {},
  ),
});

interface HttpSpec {
  name: "anthropic" | "openai";
  url: string;
  headers: Record<string, string>;
  model: string;
}

export interface HttpBackendInit {
  name: "anthropic" | "openai";
  apiKey: string;
  baseUrl: string;
  model: string;
  retries?: number;
}

const TRANSIENT = new Set([408, 409, 425, 429, 500, 502, 503, 504, 529]);

export function createHttpBackend(init: HttpBackendInit): Llm {
  const base = init.baseUrl.replace(/\/+$/, "");
  const spec: HttpSpec =
    init.name === "anthropic"
      ? {
          name: "anthropic",
          url: `${base}/v1/messages`,
          headers: { "x-api-key": init.apiKey, "anthropic-version": "2023-06-01" },
          model: init.model,
        }
      : {
          name: "openai",
          url: `${base}/chat/completions`,
          headers: { authorization: `Bearer ${init.apiKey}` },
          model: init.model,
        };
  const retries = init.retries ?? 3;
  return {
    name: init.name,
    target: spec.url,
    // Model-prompt boundary: no credential leaves in a request body (agent CLIs: src/runtime/run.ts).
    complete: (messages, options) => completeHttp(spec, retries, redactDeep(messages), options),
  };
}

function body(
  spec: HttpSpec,
  messages: readonly ChatMessage[],
  o: v.InferOutput<typeof CompleteOptionsSchema>,
  model: string,
): unknown {
  if (spec.name === "openai") {
    return {
      model,
      messages,
      temperature: o.temperature,
      max_tokens: o.max_tokens,
      stream: false,
      ...(o.json ? { response_format: { type: "json_object" } } : {}),
    };
  }
  // Anthropic takes the system text apart and wants alternating user/assistant turns.
  const system = messages.filter((m) => m.role === "system").map((m) => m.content);
  if (o.json) system.push(JSON_DIRECTIVE);
  const turns = messages.filter((m) => m.role !== "system").map((m) => ({ role: m.role, content: m.content }));
  if (turns.length === 0 || turns[0]?.role !== "user") turns.unshift({ role: "user", content: "Begin." });
  return {
    model,
    max_tokens: o.max_tokens,
    temperature: Math.min(o.temperature, 1),
    stream: false,
    ...(system.length ? { system: system.join("\n\n") } : {}),
    messages: turns,
  };
}

function parseReply(spec: HttpSpec, json: unknown): Result<Omit<Completion, "backend">> {
  if (spec.name === "anthropic") {
    const r = v.safeParse(AnthropicReply, json);
    if (!r.success) return fail("failure", `anthropic backend: unexpected reply shape (${r.issues[0]?.message})`);
    const input = r.output.usage.input_tokens;
    const output = r.output.usage.output_tokens;
    const text = r.output.content
      .filter((c) => c.type === "text")
      .map((c) => c.text ?? "")
      .join("");
    const finish = r.output.stop_reason === "max_tokens" ? "length" : (r.output.stop_reason ?? "stop");
    return ok({
      content: text,
      model: r.output.model || spec.model,
      usage: { prompt_tokens: input, completion_tokens: output, total_tokens: input + output },
      finish_reason: finish,
    });
  }
  const r = v.safeParse(OpenAiReply, json);
  if (!r.success) return fail("failure", `openai backend: unexpected reply shape (${r.issues[0]?.message})`);
  const c = r.output.choices[0]!;
  const p = r.output.usage.prompt_tokens;
  const q = r.output.usage.completion_tokens;
  return ok({
    content: c.message.content ?? "",
    model: r.output.model || spec.model,
    usage: { prompt_tokens: p, completion_tokens: q, total_tokens: p + q },
    finish_reason: c.finish_reason ?? "stop",
  });
}

async function completeHttp(
  spec: HttpSpec,
  retries: number,
  messages: readonly ChatMessage[],
  options: CompleteOptions = {},
): Promise<Result<Completion>> {
  const o = v.parse(CompleteOptionsSchema, options);
  const model = o.model ?? spec.model;
  const deadline = AbortSignal.timeout(o.timeout_ms);
  let last = "";
  for (let attempt = 0; attempt <= retries; attempt++) {
    if (attempt > 0) await Bun.sleep(Math.min(2000, 150 * 2 ** attempt));
    if (deadline.aborted) break;
    let res: Response;
    try {
      res = await fetch(spec.url, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json", ...spec.headers },
        body: JSON.stringify(body(spec, messages, o, model)),
        signal: deadline,
      });
    } catch (e) {
      last = deadline.aborted ? `no answer within ${o.timeout_ms} ms` : (e as Error).message;
      continue;
    }
    const text = await res.text().catch(() => "");
    if (!res.ok) {
      last = `HTTP ${res.status}${text ? `: ${text.slice(0, 200).replace(/\s+/g, " ")}` : ""}`;
      if (TRANSIENT.has(res.status)) continue;
      const kind = res.status === 401 || res.status === 403 ? "config" : "failure";
      return fail(
        kind,
        `${spec.name} backend refused the request at ${spec.url}: ${last}`,
        res.status === 401
          ? { hint: `check ${spec.name === "anthropic" ? "ANTHROPIC_API_KEY" : "OPENAI_API_KEY"}` }
          : {},
      );
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return fail("failure", `${spec.name} backend at ${spec.url} answered with non-JSON (${text.slice(0, 80)})`);
    }
    const parsed = parseReply(spec, json);
    return parsed.ok ? { ok: true, value: { ...parsed.value, backend: spec.name } } : parsed;
  }
  return fail(
    "runtimeUnavailable",
    `${spec.name} backend unreachable: tried POST ${spec.url} ${retries + 1}× (${last})`,
    {
      hint: "check the network or set llm.base_url / --llm-backend to another backend",
    },
  );
}
