/**
 * Claude Code stream-json parser. Fail-closed: one terminal `result`,
 * one session id, known events in the expected shape; a non-zero exit beats a success envelope.
 */
import * as v from "valibot";
import type { ExitInfo } from "../../src/adapter-kit/adapter.ts";
import { runtimeError, toolDetail, type RuntimeMessage, type Usage } from "../../src/adapter-kit/messages.ts";
import { int0, isObj, JsonLinesParser, usageOf, type Obj } from "../../src/adapter-kit/parse-kit.ts";

const Content = v.array(v.looseObject({ type: v.string() }));
const AssistantEv = v.looseObject({ message: v.looseObject({ content: Content }) });
const UserEv = v.looseObject({ message: v.looseObject({ content: v.union([v.string(), Content]) }) });
const ResultEv = v.looseObject({
  subtype: v.string(),
  is_error: v.optional(v.boolean()),
  result: v.optional(v.string()),
  session_id: v.optional(v.string()),
  total_cost_usd: v.optional(v.number()),
  usage: v.optional(v.record(v.string(), v.unknown())),
});
type Result = v.InferOutput<typeof ResultEv>;

function resultText(c: unknown): string {
  if (typeof c === "string") return c;
  if (Array.isArray(c)) return c.map((p) => (isObj(p) && typeof p.text === "string" ? p.text : "")).join("");
  return "";
}

export class ClaudeParser extends JsonLinesParser {
  private result: Result | null = null;
  private texts: string[] = [];

  constructor(cwd: string) {
    super("claude", cwd);
  }

  protected onEvent(ev: Obj & { type: string }, line: string): RuntimeMessage[] {
    if (this.result) return this.fail("claude wrote events after its result", line);
    const out = this.session(ev.session_id);
    switch (ev.type) {
      case "assistant": {
        const a = this.shape(AssistantEv, ev, line);
        if (!a) return [];
        for (const block of a.message.content) {
          if (block.type === "text" && typeof block.text === "string" && block.text) {
            this.texts.push(block.text);
            out.push({ type: "text", text: block.text });
          } else if (block.type === "tool_use") {
            const input = isObj(block.input) ? block.input : {};
            const name = typeof block.name === "string" ? block.name : "tool";
            out.push({
              type: "tool_call",
              id: typeof block.id === "string" ? block.id : null,
              name,
              input,
              detail: toolDetail(name, input),
            });
          }
        }
        return out;
      }
      case "user": {
        const u = this.shape(UserEv, ev, line);
        if (!u || typeof u.message.content === "string") return out;
        for (const block of u.message.content) {
          if (block.type !== "tool_result") continue;
          out.push({
            type: "tool_result",
            id: typeof block.tool_use_id === "string" ? block.tool_use_id : null,
            output: resultText(block.content),
            is_error: block.is_error === true,
          });
        }
        return out;
      }
      case "result":
        this.result = this.shape(ResultEv, ev, line);
        return out;
      default:
        // system/init, stream_event, rate_limit_event …: only the session id matters.
        return out;
    }
  }

  finish(exit: ExitInfo): RuntimeMessage[] {
    const r = this.result;
    const usage = r ? this.usage(r) : null;
    const pre: RuntimeMessage[] = usage ? [{ type: "usage", usage }] : [];
    const exitErr = this.exitError(
      exit,
      r?.result && (r.is_error || r.subtype !== "success")
        ? `claude failed (exit ${exit.exitCode}): ${r.result}`
        : undefined,
    );
    if (exitErr) return [...pre, this.failed(exitErr, { usage, exit_code: exit.exitCode })];
    if (!r)
      return [
        ...pre,
        this.failed(runtimeError("no_result", "claude ended without a result event"), { exit_code: exit.exitCode }),
      ];
    if (r.is_error || r.subtype !== "success") {
      return [
        ...pre,
        this.failed(runtimeError("cli_error", `claude reported ${r.subtype}${r.result ? `: ${r.result}` : ""}`), {
          usage,
          exit_code: exit.exitCode,
        }),
      ];
    }
    return [...pre, this.ok(r.result ?? this.texts.at(-1) ?? "", usage, exit.exitCode)];
  }

  private usage(r: Result): Usage | null {
    if (!r.usage) return null;
    const u = r.usage;
    const cached = int0(u.cache_read_input_tokens) + int0(u.cache_creation_input_tokens);
    return usageOf(
      int0(u.input_tokens),
      int0(u.output_tokens),
      cached,
      typeof r.total_cost_usd === "number" ? r.total_cost_usd : null,
    );
  }
}

export const createParser = (cwd: string) => new ClaudeParser(cwd);
