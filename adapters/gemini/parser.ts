/**
 * `gemini -o stream-json` parser. The answer is the concatenation of
 * assistant `delta` messages (the stream's `result` has no `response`); `error` events are
 * non-fatal; `result.status == "error"` or a non-zero exit fails the run.
 */
import * as v from "valibot";
import type { ExitInfo } from "../../src/adapter-kit/adapter.ts";
import { runtimeError, toolDetail, type RuntimeMessage, type Usage } from "../../src/adapter-kit/messages.ts";
import { int0, JsonLinesParser, usageOf, type Obj } from "../../src/adapter-kit/parse-kit.ts";

const Init = v.looseObject({ session_id: v.string() });
const Message = v.looseObject({ role: v.string(), content: v.string() });
const ToolUse = v.looseObject({
  tool_name: v.string(),
  tool_id: v.optional(v.string()),
  parameters: v.optional(v.record(v.string(), v.unknown())),
});
const ToolResult = v.looseObject({
  tool_id: v.optional(v.string()),
  status: v.string(),
  output: v.optional(v.unknown()),
  error: v.optional(v.unknown()),
});
const Result = v.looseObject({
  status: v.string(),
  stats: v.optional(v.record(v.string(), v.unknown())),
  error: v.optional(v.unknown()),
});

/** Gemini tool names → the contract's names. */
const TOOL_NAMES: Record<string, string> = {
  run_shell_command: "Bash",
  read_file: "Read",
  write_file: "Write",
  replace: "Edit",
  glob: "Glob",
  search_file_content: "Grep",
  list_directory: "LS",
  web_fetch: "WebFetch",
  google_web_search: "WebSearch",
};

export class GeminiParser extends JsonLinesParser {
  private answer = "";
  private result: v.InferOutput<typeof Result> | null = null;

  constructor(cwd: string) {
    super("gemini", cwd);
  }

  protected onEvent(ev: Obj & { type: string }, line: string): RuntimeMessage[] {
    switch (ev.type) {
      case "init": {
        const i = this.shape(Init, ev, line);
        return i ? this.session(i.session_id) : [];
      }
      case "message": {
        const m = this.shape(Message, ev, line);
        if (m?.role !== "assistant" || !m.content) return [];
        this.answer += m.content;
        return [{ type: "text", text: m.content }];
      }
      case "tool_use": {
        const t = this.shape(ToolUse, ev, line);
        if (!t) return [];
        const name = TOOL_NAMES[t.tool_name] ?? t.tool_name;
        const input = t.parameters ?? {};
        return [{ type: "tool_call", id: t.tool_id ?? null, name, input, detail: toolDetail(name, input) }];
      }
      case "tool_result": {
        const t = this.shape(ToolResult, ev, line);
        if (!t) return [];
        const isError = t.status !== "success";
        const raw = isError ? (t.error ?? t.output) : t.output;
        return [
          {
            type: "tool_result",
            id: t.tool_id ?? null,
            output: typeof raw === "string" ? raw : JSON.stringify(raw ?? ""),
            is_error: isError,
          },
        ];
      }
      case "error":
        return [{ type: "error", error: runtimeError("cli_error", `gemini notice: ${String(ev.message ?? "")}`) }];
      case "result":
        this.result = this.shape(Result, ev, line);
        return [];
      default:
        return [];
    }
  }

  finish(exit: ExitInfo): RuntimeMessage[] {
    const r = this.result;
    const usage: Usage | null = r?.stats
      ? usageOf(int0(r.stats.input_tokens), int0(r.stats.output_tokens), int0(r.stats.cached), null)
      : null;
    const pre: RuntimeMessage[] = usage ? [{ type: "usage", usage }] : [];
    const partial = { usage, exit_code: exit.exitCode, text: this.answer };
    const exitErr = this.exitError(exit);
    if (exitErr) return [...pre, this.failed(exitErr, partial)];
    if (!r) return [...pre, this.failed(runtimeError("no_result", "gemini ended without a result event"), partial)];
    if (r.status !== "success") {
      const detail =
        typeof r.error === "object" && r.error !== null && "message" in r.error
          ? String((r.error as { message: unknown }).message)
          : r.status;
      return [...pre, this.failed(runtimeError("cli_error", `gemini reported ${detail}`), partial)];
    }
    return [...pre, this.ok(this.answer, usage, exit.exitCode)];
  }
}

export const createParser = (cwd: string) => new GeminiParser(cwd);
