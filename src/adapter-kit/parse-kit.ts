/**
 * Shared pieces of the per-CLI parsers: fail-closed JSON line decoding with valibot shapes,
 * session-id bookkeeping (one consistent id), usage building. Parsers stay pure state machines.
 */
import * as v from "valibot";
import type { ExitInfo, LineParser } from "./adapter.ts";
import {
  failedResult,
  runtimeError,
  type ResultMessage,
  type RuntimeError,
  type RuntimeMessage,
  type Usage,
} from "./messages.ts";

export type Obj = Record<string, unknown>;
const SAFE_ID = /^[A-Za-z0-9_-]{1,200}$/;

export const int0 = (x: unknown): number => (typeof x === "number" && Number.isFinite(x) && x >= 0 ? Math.floor(x) : 0);

export function usageOf(
  input: number,
  output: number,
  cached: number,
  cost: number | null,
  extra: Partial<Usage> = {},
): Usage {
  return {
    input_tokens: input,
    output_tokens: output,
    cached_input_tokens: cached,
    total_tokens: input + output,
    cost_usd: cost,
    ...extra,
  };
}

export function addUsage(a: Usage | null, b: Usage): Usage {
  if (!a) return b;
  const cost = a.cost_usd === null && b.cost_usd === null ? null : (a.cost_usd ?? 0) + (b.cost_usd ?? 0);
  return {
    input_tokens: a.input_tokens + b.input_tokens,
    output_tokens: a.output_tokens + b.output_tokens,
    cached_input_tokens: a.cached_input_tokens + b.cached_input_tokens,
    total_tokens: a.total_tokens + b.total_tokens,
    cost_usd: cost,
    ...(a.premium_requests !== undefined || b.premium_requests !== undefined
      ? { premium_requests: (a.premium_requests ?? 0) + (b.premium_requests ?? 0) }
      : {}),
  };
}

/** Base of every parser: holds session, failure and the common finish rules. */
export abstract class BaseParser implements LineParser {
  sessionId: string | null = null;
  failure: RuntimeError | null = null;
  /** Any event from the CLI at all (a resume that fails before one is recoverable). */
  protected sawEvent = false;

  constructor(
    protected readonly runtime: string,
    protected readonly cwd: string,
  ) {}

  abstract feed(line: string): RuntimeMessage[];
  abstract finish(exit: ExitInfo): RuntimeMessage[];

  feedStderr(_line: string): RuntimeMessage[] {
    return [];
  }

  protected fail(message: string, line?: string): RuntimeMessage[] {
    this.failure ??= runtimeError(
      "protocol_error",
      message,
      line === undefined ? {} : { stdout_tail: [line.length > 500 ? `${line.slice(0, 500)}…` : line] },
    );
    return [];
  }

  /** Record the session id; a second, different id is a protocol error (fail closed). */
  protected session(id: unknown): RuntimeMessage[] {
    if (typeof id !== "string" || id === "") return [];
    if (this.sessionId === id) return [];
    if (this.sessionId !== null)
      return this.fail(`${this.runtime} reported two session ids (${this.sessionId}, ${id})`);
    if (!SAFE_ID.test(id)) return this.fail(`${this.runtime} reported an unsafe session id`);
    this.sessionId = id;
    return [{ type: "session", session_id: id, handle: { runtime: this.runtime, session_id: id, cwd: this.cwd } }];
  }

  protected failed(
    error: RuntimeError,
    partial: { text?: string; usage?: Usage | null; exit_code?: number | null } = {},
  ): ResultMessage {
    return failedResult(error, { session_id: this.sessionId, ...partial });
  }

  protected ok(text: string, usage: Usage | null, exitCode: number | null): ResultMessage {
    return { type: "result", ok: true, text, session_id: this.sessionId, usage, error: null, exit_code: exitCode };
  }

  /** Non-zero exit or death by signal, as a typed error. */
  protected exitError(exit: ExitInfo, message?: string): RuntimeError | null {
    const tail = exit.stderrTail
      .filter((l) => l.trim() !== "")
      .slice(-5)
      .join("\n");
    if (exit.signal)
      return runtimeError(
        "killed_by_signal",
        message ?? `${this.runtime} was killed by ${exit.signal}${tail ? `: ${tail}` : ""}`,
        { signal: exit.signal, exit_code: exit.exitCode },
      );
    if (exit.exitCode !== 0)
      return runtimeError(
        "exit_nonzero",
        message ?? `${this.runtime} exited with status ${exit.exitCode}${tail ? `: ${tail}` : ""}`,
        { exit_code: exit.exitCode },
      );
    return null;
  }
}

/** Base for CLIs that print one JSON object per line. */
export abstract class JsonLinesParser extends BaseParser {
  feed(line: string): RuntimeMessage[] {
    if (this.failure) return [];
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch {
      return this.fail(`${this.runtime} wrote a line that is not JSON`, line);
    }
    if (typeof obj !== "object" || obj === null || Array.isArray(obj) || typeof (obj as Obj).type !== "string")
      return this.fail(`${this.runtime} wrote a JSON line without a "type"`, line);
    this.sawEvent = true;
    return this.onEvent(obj as Obj & { type: string }, line);
  }

  protected abstract onEvent(ev: Obj & { type: string }, line: string): RuntimeMessage[];

  /** Validate a known event's shape at the boundary; a mismatch fails the run. */
  protected shape<S extends v.GenericSchema>(schema: S, ev: unknown, line: string): v.InferOutput<S> | null {
    // Fast path: the schemas only check (no transforms), so a valid event is its own output.
    if (v.is(schema, ev)) return ev as v.InferOutput<S>;
    const r = v.safeParse(schema, ev);
    if (r.success) return r.output;
    const issue = r.issues[0];
    const path = issue?.path?.map((p) => String(p.key)).join(".") ?? "";
    this.fail(
      `${this.runtime} event has an unexpected shape${path ? ` at ${path}` : ""}: ${issue?.message ?? "invalid"}`,
      line,
    );
    return null;
  }
}

/** Strip ANSI CSI/OSC sequences. */
export function stripAnsi(s: string): string {
  // biome-ignore lint: control characters are the point here
  return s.replace(/\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)/g, "");
}

export const isObj = (x: unknown): x is Obj => typeof x === "object" && x !== null && !Array.isArray(x);
