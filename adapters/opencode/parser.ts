/**
 * `opencode run --format json` parser. Every event carries `sessionID`;
 * tokens and cost are summed over `step_finish` parts (upstream ignored them); an `error` event
 * or a non-zero exit fails the run. The answer is the text of the last step that had text.
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
import { addUsage, int0, isObj, JsonLinesParser, usageOf, type Obj } from "../../src/adapter-kit/parse-kit.ts";

const TextEv = v.looseObject({ part: v.looseObject({ text: v.string() }) });
const ToolEv = v.looseObject({
  part: v.looseObject({
    tool: v.string(),
    callID: v.optional(v.string()),
    state: v.looseObject({
      status: v.string(),
      input: v.optional(v.record(v.string(), v.unknown())),
      output: v.optional(v.unknown()),
      error: v.optional(v.unknown()),
    }),
  }),
});
const StepFinish = v.looseObject({
  part: v.looseObject({
    tokens: v.optional(
      v.looseObject({
        input: v.optional(v.number()),
        output: v.optional(v.number()),
        cache: v.optional(v.record(v.string(), v.unknown())),
      }),
    ),
    cost: v.optional(v.number()),
  }),
});
const ErrorEv = v.looseObject({ error: v.optional(v.unknown()) });

/** OpenCode tool names → the contract's names. */
const TOOL_NAMES: Record<string, string> = {
  bash: "Bash",
  read: "Read",
  edit: "Edit",
  write: "Write",
  glob: "Glob",
  grep: "Grep",
  list: "LS",
  webfetch: "WebFetch",
  todowrite: "TodoWrite",
  task: "Task",
};

export class OpenCodeParser extends JsonLinesParser {
  private usage: Usage | null = null;
  private stepTexts: string[] = [];
  private answer: string[] = [];
  private fatal: RuntimeError | null = null;

  constructor(cwd: string) {
    super("opencode", cwd);
  }

  protected onEvent(ev: Obj & { type: string }, line: string): RuntimeMessage[] {
    const out = this.session(ev.sessionID);
    switch (ev.type) {
      case "step_start":
        this.stepTexts = [];
        return out;
      case "text": {
        const t = this.shape(TextEv, ev, line);
        if (!t?.part.text) return out;
        this.stepTexts.push(t.part.text);
        this.answer = this.stepTexts;
        out.push({ type: "text", text: t.part.text });
        return out;
      }
      case "tool_use": {
        const t = this.shape(ToolEv, ev, line);
        if (!t) return out;
        const { tool, callID, state } = t.part;
        const name = TOOL_NAMES[tool] ?? tool;
        const input = state.input ?? {};
        out.push({ type: "tool_call", id: callID ?? null, name, input, detail: toolDetail(name, input) });
        if (state.status === "completed" || state.status === "error") {
          const output =
            state.status === "error"
              ? String(state.error ?? "")
              : typeof state.output === "string"
                ? state.output
                : JSON.stringify(state.output ?? "");
          out.push({ type: "tool_result", id: callID ?? null, output, is_error: state.status === "error" });
        }
        return out;
      }
      case "step_finish": {
        const s = this.shape(StepFinish, ev, line);
        if (!s) return out;
        const tk = s.part.tokens ?? {};
        const cache = isObj(tk.cache) ? tk.cache : {};
        const step = usageOf(
          int0(tk.input),
          int0(tk.output),
          int0(cache.read) + int0(cache.write),
          typeof s.part.cost === "number" ? s.part.cost : null,
        );
        this.usage = addUsage(this.usage, step);
        out.push({ type: "usage", usage: step });
        return out;
      }
      case "error": {
        const e = this.shape(ErrorEv, ev, line);
        const err = isObj(e?.error) ? e.error : {};
        const data = isObj(err.data) ? err.data : {};
        const msg =
          typeof data.message === "string" ? data.message : typeof err.name === "string" ? err.name : "unknown error";
        this.fatal ??= runtimeError("cli_error", `opencode: ${msg}`);
        return out;
      }
      default:
        // reasoning and future event types: progress only.
        return out;
    }
  }

  finish(exit: ExitInfo): RuntimeMessage[] {
    const text = this.answer.join("");
    const partial = { usage: this.usage, exit_code: exit.exitCode, text };
    const failure = this.fatal ?? this.exitError(exit);
    if (failure) return [this.failed(failure, partial)];
    if (!this.sessionId)
      return [this.failed(runtimeError("no_result", "opencode ended without any session event"), partial)];
    return [this.ok(text, this.usage, exit.exitCode)];
  }
}

export const createParser = (cwd: string) => new OpenCodeParser(cwd);
