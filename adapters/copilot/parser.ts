/**
 * `copilot --output-format json` parser. The session id and exit
 * code come from the final `result` event; cost is `premiumRequests`. Ephemeral deltas are
 * ignored because `assistant.message` carries the full text.
 */
import * as v from "valibot";
import type { ExitInfo } from "../../src/adapter-kit/adapter.ts";
import { runtimeError, toolDetail, type RuntimeMessage, type Usage } from "../../src/adapter-kit/messages.ts";
import { JsonLinesParser, usageOf, type Obj } from "../../src/adapter-kit/parse-kit.ts";

const AssistantMessage = v.looseObject({ data: v.looseObject({ content: v.optional(v.string()) }) });
const ToolStart = v.looseObject({
  data: v.looseObject({ toolCallId: v.optional(v.string()), toolName: v.string(), arguments: v.optional(v.unknown()) }),
});
const ToolDone = v.looseObject({
  data: v.looseObject({
    toolCallId: v.optional(v.string()),
    success: v.optional(v.boolean()),
    result: v.optional(v.unknown()),
    error: v.optional(v.unknown()),
  }),
});
const Result = v.looseObject({
  sessionId: v.optional(v.string()),
  exitCode: v.optional(v.number()),
  usage: v.optional(v.looseObject({ premiumRequests: v.optional(v.number()) })),
});

const TOOL_NAMES: Record<string, string> = {
  bash: "Bash",
  view: "Read",
  create: "Write",
  edit: "Edit",
  grep: "Grep",
  glob: "Glob",
};

export class CopilotParser extends JsonLinesParser {
  private answer = "";
  private result: v.InferOutput<typeof Result> | null = null;
  private errorText: string | null = null;

  constructor(cwd: string) {
    super("copilot", cwd);
  }

  protected onEvent(ev: Obj & { type: string }, line: string): RuntimeMessage[] {
    switch (ev.type) {
      case "assistant.message": {
        const m = this.shape(AssistantMessage, ev, line);
        if (!m?.data.content) return [];
        this.answer = m.data.content;
        return [{ type: "text", text: m.data.content }];
      }
      case "tool.execution_start": {
        const t = this.shape(ToolStart, ev, line);
        if (!t) return [];
        const name = TOOL_NAMES[t.data.toolName] ?? t.data.toolName;
        const input =
          typeof t.data.arguments === "object" && t.data.arguments !== null ? (t.data.arguments as Obj) : {};
        return [{ type: "tool_call", id: t.data.toolCallId ?? null, name, input, detail: toolDetail(name, input) }];
      }
      case "tool.execution_complete": {
        const t = this.shape(ToolDone, ev, line);
        if (!t) return [];
        const r = t.data.result as { content?: unknown } | undefined;
        const output = typeof r?.content === "string" ? r.content : JSON.stringify(t.data.error ?? r ?? "");
        return [{ type: "tool_result", id: t.data.toolCallId ?? null, output, is_error: t.data.success === false }];
      }
      case "session.error":
      case "error": {
        const d = ev.data as Obj | undefined;
        this.errorText ??=
          typeof d?.message === "string"
            ? d.message
            : typeof ev.message === "string"
              ? ev.message
              : "copilot reported an error";
        return [];
      }
      case "result": {
        this.result = this.shape(Result, ev, line);
        return this.result ? this.session(this.result.sessionId) : [];
      }
      default:
        return [];
    }
  }

  finish(exit: ExitInfo): RuntimeMessage[] {
    const r = this.result;
    const premium = r?.usage?.premiumRequests;
    const usage: Usage | null = r?.usage
      ? usageOf(0, 0, 0, null, premium === undefined ? {} : { premium_requests: premium })
      : null;
    const pre: RuntimeMessage[] = usage ? [{ type: "usage", usage }] : [];
    const partial = { usage, exit_code: exit.exitCode, text: this.answer };
    const exitErr = this.exitError(
      exit,
      this.errorText ? `copilot failed (exit ${exit.exitCode}): ${this.errorText}` : undefined,
    );
    if (exitErr) return [...pre, this.failed(exitErr, partial)];
    if (!r) return [...pre, this.failed(runtimeError("no_result", "copilot ended without a result event"), partial)];
    if ((r.exitCode ?? 0) !== 0 || this.errorText)
      return [
        ...pre,
        this.failed(
          runtimeError(
            "cli_error",
            `copilot reported exit ${r.exitCode ?? 0}${this.errorText ? `: ${this.errorText}` : ""}`,
          ),
          partial,
        ),
      ];
    return [...pre, this.ok(this.answer, usage, exit.exitCode)];
  }
}

export const createParser = (cwd: string) => new CopilotParser(cwd);
