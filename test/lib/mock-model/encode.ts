/**
 * Encode a model answer in each wire dialect, as SSE frames (stream) or one JSON body.
 * Usage numbers are fixed (10 in, 2 out) so tests can assert them.
 */
import type { Dialect } from "./types.ts";

export interface ToolCallOut {
  name: string;
  args: Record<string, unknown>;
  /** Responses dialect: the `namespace` group the called tool was offered in. */
  namespace?: string;
}
export interface Answer {
  text: string;
  tool: ToolCallOut | null;
  model: string;
}

export const USAGE = { input: 10, output: 2 } as const;
let seq = 0;
const id = (p: string) => `${p}_mock${++seq}`;

const sse = (data: unknown, event?: string) =>
  `${event ? `event: ${event}\n` : ""}data: ${typeof data === "string" ? data : JSON.stringify(data)}\n\n`;

function anthropicFrames(a: Answer): string[] {
  const msgId = id("msg");
  const f = [
    sse(
      {
        type: "message_start",
        message: {
          id: msgId,
          type: "message",
          role: "assistant",
          model: a.model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: {
            input_tokens: USAGE.input,
            output_tokens: 1,
            cache_creation_input_tokens: 0,
            cache_read_input_tokens: 0,
          },
        },
      },
      "message_start",
    ),
  ];
  let i = 0;
  if (a.text) {
    f.push(
      sse({ type: "content_block_start", index: i, content_block: { type: "text", text: "" } }, "content_block_start"),
    );
    f.push(
      sse(
        { type: "content_block_delta", index: i, delta: { type: "text_delta", text: a.text } },
        "content_block_delta",
      ),
    );
    f.push(sse({ type: "content_block_stop", index: i++ }, "content_block_stop"));
  }
  if (a.tool) {
    f.push(
      sse(
        {
          type: "content_block_start",
          index: i,
          content_block: { type: "tool_use", id: id("toolu"), name: a.tool.name, input: {} },
        },
        "content_block_start",
      ),
    );
    f.push(
      sse(
        {
          type: "content_block_delta",
          index: i,
          delta: { type: "input_json_delta", partial_json: JSON.stringify(a.tool.args) },
        },
        "content_block_delta",
      ),
    );
    f.push(sse({ type: "content_block_stop", index: i }, "content_block_stop"));
  }
  f.push(
    sse(
      {
        type: "message_delta",
        delta: { stop_reason: a.tool ? "tool_use" : "end_turn", stop_sequence: null },
        usage: { output_tokens: USAGE.output },
      },
      "message_delta",
    ),
  );
  f.push(sse({ type: "message_stop" }, "message_stop"));
  return f;
}

function anthropicJson(a: Answer): unknown {
  const content: unknown[] = [];
  if (a.text) content.push({ type: "text", text: a.text });
  if (a.tool) content.push({ type: "tool_use", id: id("toolu"), name: a.tool.name, input: a.tool.args });
  return {
    id: id("msg"),
    type: "message",
    role: "assistant",
    model: a.model,
    content,
    stop_reason: a.tool ? "tool_use" : "end_turn",
    stop_sequence: null,
    usage: { input_tokens: USAGE.input, output_tokens: USAGE.output },
  };
}

function chatFrames(a: Answer): string[] {
  const base = {
    id: id("chatcmpl"),
    object: "chat.completion.chunk",
    created: Math.floor(Date.now() / 1000),
    model: a.model,
  };
  const f = [sse({ ...base, choices: [{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }] })];
  if (a.text) f.push(sse({ ...base, choices: [{ index: 0, delta: { content: a.text }, finish_reason: null }] }));
  if (a.tool) {
    const tc = {
      index: 0,
      id: id("call"),
      type: "function",
      function: { name: a.tool.name, arguments: JSON.stringify(a.tool.args) },
    };
    f.push(sse({ ...base, choices: [{ index: 0, delta: { tool_calls: [tc] }, finish_reason: null }] }));
  }
  f.push(sse({ ...base, choices: [{ index: 0, delta: {}, finish_reason: a.tool ? "tool_calls" : "stop" }] }));
  f.push(
    sse({
      ...base,
      choices: [],
      usage: { prompt_tokens: USAGE.input, completion_tokens: USAGE.output, total_tokens: USAGE.input + USAGE.output },
    }),
  );
  f.push(sse("[DONE]"));
  return f;
}

function chatJson(a: Answer): unknown {
  const message: Record<string, unknown> = { role: "assistant", content: a.text || null };
  if (a.tool)
    message.tool_calls = [
      { id: id("call"), type: "function", function: { name: a.tool.name, arguments: JSON.stringify(a.tool.args) } },
    ];
  return {
    id: id("chatcmpl"),
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model: a.model,
    choices: [{ index: 0, message, finish_reason: a.tool ? "tool_calls" : "stop" }],
    usage: { prompt_tokens: USAGE.input, completion_tokens: USAGE.output, total_tokens: USAGE.input + USAGE.output },
  };
}

function responsesOutput(a: Answer): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  if (a.text)
    out.push({
      type: "message",
      id: id("msg"),
      role: "assistant",
      status: "completed",
      content: [{ type: "output_text", text: a.text, annotations: [] }],
    });
  if (a.tool)
    out.push({
      type: "function_call",
      id: id("fc"),
      call_id: id("call"),
      name: a.tool.name,
      ...(a.tool.namespace ? { namespace: a.tool.namespace } : {}),
      arguments: JSON.stringify(a.tool.args),
      status: "completed",
    });
  return out;
}

function responsesFrames(a: Answer): string[] {
  const rid = id("resp");
  const head = {
    id: rid,
    object: "response",
    created_at: Math.floor(Date.now() / 1000),
    model: a.model,
    status: "in_progress",
    output: [],
  };
  const f = [sse({ type: "response.created", response: head }, "response.created")];
  const output = responsesOutput(a);
  output.forEach((item, i) => {
    const start = item.type === "message" ? { ...item, status: "in_progress", content: [] } : item;
    f.push(sse({ type: "response.output_item.added", output_index: i, item: start }, "response.output_item.added"));
    if (item.type === "message")
      f.push(
        sse(
          { type: "response.output_text.delta", item_id: item.id, output_index: i, content_index: 0, delta: a.text },
          "response.output_text.delta",
        ),
      );
    f.push(sse({ type: "response.output_item.done", output_index: i, item }, "response.output_item.done"));
  });
  const usage = {
    input_tokens: USAGE.input,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: USAGE.output,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: USAGE.input + USAGE.output,
  };
  f.push(
    sse(
      { type: "response.completed", response: { ...head, status: "completed", output, usage } },
      "response.completed",
    ),
  );
  return f;
}

function geminiJson(a: Answer): Record<string, unknown> {
  const parts: unknown[] = [];
  if (a.text) parts.push({ text: a.text });
  if (a.tool) parts.push({ functionCall: { name: a.tool.name, args: a.tool.args } });
  return {
    candidates: [{ content: { role: "model", parts }, finishReason: "STOP", index: 0 }],
    usageMetadata: {
      promptTokenCount: USAGE.input,
      candidatesTokenCount: USAGE.output,
      totalTokenCount: USAGE.input + USAGE.output,
    },
    modelVersion: a.model,
  };
}

/** Every SSE frame of a streamed answer. */
export function frames(d: Dialect, a: Answer): string[] {
  if (d === "anthropic") return anthropicFrames(a);
  if (d === "chat") return chatFrames(a);
  if (d === "responses") return responsesFrames(a);
  return [sse(geminiJson(a))];
}

/** One JSON body for a non-streamed answer. */
export function json(d: Dialect, a: Answer): unknown {
  if (d === "anthropic") return anthropicJson(a);
  if (d === "chat") return chatJson(a);
  if (d === "responses")
    return {
      id: id("resp"),
      object: "response",
      status: "completed",
      model: a.model,
      output: responsesOutput(a),
      usage: { input_tokens: USAGE.input, output_tokens: USAGE.output, total_tokens: USAGE.input + USAGE.output },
    };
  return geminiJson(a);
}

/** The first frame only: what a stalled stream sends before going silent. */
export function headFrame(d: Dialect, model: string): string {
  return frames(d, { text: "", tool: null, model })[0]!;
}

/** An HTTP error body in the dialect's shape. */
export function errorBody(d: Dialect, status: number, message: string): unknown {
  if (d === "anthropic")
    return { type: "error", error: { type: status >= 500 ? "api_error" : "invalid_request_error", message } };
  if (d === "gemini")
    return { error: { code: status, message, status: status >= 500 ? "INTERNAL" : "INVALID_ARGUMENT" } };
  return { error: { message, type: status >= 500 ? "server_error" : "invalid_request_error", code: null } };
}
