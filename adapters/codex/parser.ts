/**
 * `codex exec --json` parser. Item `error`s are non-fatal notices;
 * `turn.failed`, top-level `error` and a non-zero exit fail the run. Usage is cumulative over a
 * resumed thread, so the previous total (when the caller knows it) is subtracted.
 */
import * as v from "valibot";
import type { ExitInfo } from "../../src/adapter-kit/adapter.ts";
import {
  runtimeError,
  toolDetail,
  type RuntimeError,
  type RuntimeMessage,
  type Usage,
} from "../../src/adapter-kit/messages.ts";
import { int0, isObj, JsonLinesParser, usageOf, type Obj } from "../../src/adapter-kit/parse-kit.ts";

const ThreadStarted = v.looseObject({ thread_id: v.string() });
const ItemEv = v.looseObject({ item: v.looseObject({ id: v.optional(v.string()), type: v.string() }) });
const TurnCompleted = v.looseObject({ usage: v.record(v.string(), v.unknown()) });
const Failed = v.looseObject({
  error: v.optional(v.looseObject({ message: v.optional(v.string()) })),
  message: v.optional(v.string()),
});

export class CodexParser extends JsonLinesParser {
  private lastMessage = "";
  private usage: Usage | null = null;
  private fatal: RuntimeError | null = null;
  private fatalFromErrorEvent = false;
  private started = new Set<string>();

  constructor(
    cwd: string,
    private readonly resuming: boolean,
    private readonly previousUsage: Usage | null = null,
  ) {
    super("codex", cwd);
  }

  protected onEvent(ev: Obj & { type: string }, line: string): RuntimeMessage[] {
    switch (ev.type) {
      case "thread.started": {
        const t = this.shape(ThreadStarted, ev, line);
        return t ? this.session(t.thread_id) : [];
      }
      case "item.started":
      case "item.completed": {
        const e = this.shape(ItemEv, ev, line);
        return e ? this.item(e.item as Obj & { type: string; id?: string }, ev.type === "item.completed") : [];
      }
      case "turn.completed": {
        const t = this.shape(TurnCompleted, ev, line);
        if (!t) return [];
        const u = t.usage;
        let usage = usageOf(int0(u.input_tokens), int0(u.output_tokens), int0(u.cached_input_tokens), null);
        const prev = this.previousUsage;
        if (prev)
          usage = usageOf(
            Math.max(0, usage.input_tokens - prev.input_tokens),
            Math.max(0, usage.output_tokens - prev.output_tokens),
            Math.max(0, usage.cached_input_tokens - prev.cached_input_tokens),
            null,
          );
        this.usage = usage;
        // A completed turn means an earlier top-level `error` (e.g. a reconnect notice) was survived.
        if (this.fatalFromErrorEvent) this.fatal = null;
        return [{ type: "usage", usage }];
      }
      case "turn.failed":
      case "error": {
        const f = this.shape(Failed, ev, line);
        const msg = f?.error?.message ?? f?.message ?? "codex reported an error";
        if (!this.fatal) {
          this.fatal = runtimeError("cli_error", `codex: ${msg}`);
          this.fatalFromErrorEvent = ev.type === "error";
        }
        return [];
      }
      default:
        return [];
    }
  }

  private item(item: Obj & { type: string; id?: string }, completed: boolean): RuntimeMessage[] {
    const id = item.id ?? null;
    const call = (name: string, input: Obj): RuntimeMessage[] => {
      if (id !== null && this.started.has(id)) return [];
      if (id !== null) this.started.add(id);
      return [{ type: "tool_call", id, name, input, detail: toolDetail(name, input) }];
    };
    switch (item.type) {
      case "agent_message":
        if (!completed || typeof item.text !== "string") return [];
        this.lastMessage = item.text;
        return [{ type: "text", text: item.text }];
      case "command_execution": {
        const out = call("Bash", { command: String(item.command ?? "") });
        if (completed)
          out.push({
            type: "tool_result",
            id,
            output: String(item.aggregated_output ?? ""),
            is_error: typeof item.exit_code === "number" && item.exit_code !== 0,
            exit_code: typeof item.exit_code === "number" ? item.exit_code : null,
          });
        return out;
      }
      case "file_change": {
        const paths = Array.isArray(item.changes)
          ? item.changes.map((c) => (isObj(c) ? String(c.path ?? "") : "")).filter(Boolean)
          : [];
        const out = call("Edit", { file_path: paths.join(", ") });
        if (completed)
          out.push({ type: "tool_result", id, output: paths.join("\n"), is_error: item.status === "failed" });
        return out;
      }
      case "mcp_tool_call": {
        const out = call(
          `mcp__${String(item.server ?? "")}__${String(item.tool ?? "")}`,
          isObj(item.arguments) ? item.arguments : {},
        );
        if (completed)
          out.push({
            type: "tool_result",
            id,
            output: JSON.stringify(item.result ?? item.error ?? null),
            is_error: item.status === "failed",
          });
        return out;
      }
      case "web_search":
        return call("WebSearch", { query: String(item.query ?? "") });
      case "error":
        return completed
          ? [{ type: "error", error: runtimeError("cli_error", `codex notice: ${String(item.message ?? "")}`) }]
          : [];
      default:
        // reasoning, todo_list: progress only.
        return [];
    }
  }

  finish(exit: ExitInfo): RuntimeMessage[] {
    const partial = { usage: this.usage, exit_code: exit.exitCode, text: this.lastMessage };
    const failure =
      this.exitError(exit, this.fatal ? `${this.fatal.message} (exit ${exit.exitCode})` : undefined) ?? this.fatal;
    if (failure) {
      // A resume that died before any event keeps the session resumable (upstream #229).
      if (this.resuming && !this.sawEvent) failure.recoverable = true;
      return [this.failed(failure, partial)];
    }
    if (!this.sessionId)
      return [this.failed(runtimeError("no_result", "codex ended without a thread.started event"), partial)];
    return [this.ok(this.lastMessage, this.usage, exit.exitCode)];
  }
}

export const createParser = (cwd: string, resuming: boolean, previousUsage: Usage | null = null) =>
  new CodexParser(cwd, resuming, previousUsage);
