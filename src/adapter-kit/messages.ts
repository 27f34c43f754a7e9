/**
 * What an adapter streams while a task runs. valibot schemas are the source of the types; the
 * supervisor validates every message an adapter's parser produces before passing it on.
 * Each execution ends with exactly one `result` (ok or not); `error` messages before it are
 * non-fatal notices (e.g. codex "model metadata not found").
 */
import * as v from "valibot";

export const RUNTIME_ERROR_CODES = [
  "binary_missing",
  "spawn_failed",
  "cwd_unavailable",
  "invalid_task",
  "depth_exceeded",
  "startup_timeout",
  "idle_timeout",
  "total_timeout",
  "cancelled",
  "line_too_long",
  "protocol_error",
  "exit_nonzero",
  "killed_by_signal",
  "cli_error",
  "no_result",
] as const;
export const RuntimeErrorCodeSchema = v.picklist(RUNTIME_ERROR_CODES);
export type RuntimeErrorCode = v.InferOutput<typeof RuntimeErrorCodeSchema>;

export const RuntimeErrorSchema = v.object({
  code: RuntimeErrorCodeSchema,
  message: v.string(),
  hint: v.optional(v.string()),
  exit_code: v.optional(v.nullable(v.number())),
  signal: v.optional(v.nullable(v.string())),
  /** Last stderr lines (bounded), for diagnosis. */
  stderr_tail: v.optional(v.array(v.string())),
  /** Last stdout lines (bounded), for protocol errors. */
  stdout_tail: v.optional(v.array(v.string())),
  /** A failed resume before any backend event: retry the resume, do not mark the session failed. */
  recoverable: v.optional(v.boolean()),
});
export type RuntimeError = v.InferOutput<typeof RuntimeErrorSchema>;

const count = v.pipe(v.number(), v.integer(), v.minValue(0));

export const UsageSchema = v.object({
  input_tokens: count,
  output_tokens: count,
  cached_input_tokens: count,
  total_tokens: count,
  /** null when the CLI reports no cost (codex, gemini, kiro, hermes). */
  cost_usd: v.nullable(v.pipe(v.number(), v.minValue(0))),
  /** Copilot bills premium requests instead of dollars. */
  premium_requests: v.optional(v.number()),
});
export type Usage = v.InferOutput<typeof UsageSchema>;

/** Session ids go into argv, so only a safe alphabet is accepted. */
export const SessionIdSchema = v.pipe(
  v.string(),
  v.regex(/^[A-Za-z0-9_-]{1,200}$/, "session id must match [A-Za-z0-9_-]+"),
);

export const ResumeHandleSchema = v.object({
  runtime: v.string(),
  session_id: SessionIdSchema,
  cwd: v.string(),
});
export type ResumeHandle = v.InferOutput<typeof ResumeHandleSchema>;

export const SessionMessageSchema = v.object({
  type: v.literal("session"),
  session_id: SessionIdSchema,
  handle: ResumeHandleSchema,
});
export const TextMessageSchema = v.object({ type: v.literal("text"), text: v.string() });
export const ToolCallMessageSchema = v.object({
  type: v.literal("tool_call"),
  id: v.nullable(v.string()),
  name: v.string(),
  input: v.record(v.string(), v.unknown()),
  /** Human one-liner such as "Bash: ls -la" (detail ≤ 80 chars). */
  detail: v.string(),
});
export const ToolResultMessageSchema = v.object({
  type: v.literal("tool_result"),
  id: v.nullable(v.string()),
  output: v.string(),
  is_error: v.boolean(),
  /** Set when the runtime reports the shell command's exit status itself (codex). */
  exit_code: v.optional(v.nullable(v.number())),
});
export const UsageMessageSchema = v.object({ type: v.literal("usage"), usage: UsageSchema });
export const ErrorMessageSchema = v.object({ type: v.literal("error"), error: RuntimeErrorSchema });
export const ResultMessageSchema = v.object({
  type: v.literal("result"),
  ok: v.boolean(),
  /** The final answer (empty on failure when the CLI said nothing). */
  text: v.string(),
  session_id: v.nullable(v.string()),
  /** Totals for this execution, when the CLI reports them. */
  usage: v.nullable(UsageSchema),
  error: v.nullable(RuntimeErrorSchema),
  exit_code: v.nullable(v.number()),
});

export const RuntimeMessageSchema = v.variant("type", [
  SessionMessageSchema,
  TextMessageSchema,
  ToolCallMessageSchema,
  ToolResultMessageSchema,
  UsageMessageSchema,
  ErrorMessageSchema,
  ResultMessageSchema,
]);
export type RuntimeMessage = v.InferOutput<typeof RuntimeMessageSchema>;
export type ResultMessage = v.InferOutput<typeof ResultMessageSchema>;
export type ToolCallMessage = v.InferOutput<typeof ToolCallMessageSchema>;

export function runtimeError(
  code: RuntimeErrorCode,
  message: string,
  extra: Partial<Omit<RuntimeError, "code" | "message">> = {},
): RuntimeError {
  return { code, message, ...extra };
}

export function failedResult(
  error: RuntimeError,
  partial: { text?: string; session_id?: string | null; usage?: Usage | null; exit_code?: number | null } = {},
): ResultMessage {
  return {
    type: "result",
    ok: false,
    text: partial.text ?? "",
    session_id: partial.session_id ?? null,
    usage: partial.usage ?? null,
    error,
    exit_code: partial.exit_code ?? null,
  };
}

/** "Calling tool"-style detail: the most telling input field, cut to 80 chars. */
export function toolDetail(name: string, input: Record<string, unknown>): string {
  const keys = ["file_path", "filePath", "path", "pattern", "command", "cmd", "url", "query", "description"];
  const k = keys.find((key) => input[key] !== undefined);
  let d =
    k === undefined ? "" : Array.isArray(input[k]) ? (input[k] as unknown[]).map(String).join(" ") : String(input[k]);
  d = d.replace(/\s+/g, " ").trim();
  if (d.length > 80) d = `${d.slice(0, 77)}...`;
  return d ? `${name}: ${d}` : name;
}
