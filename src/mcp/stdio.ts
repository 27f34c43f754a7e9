/**
 * The MCP stdio transport: newline-delimited JSON-RPC on stdin/stdout, implementing the SDK's
 * Transport interface so the SDK Server stays in charge of the protocol. It exists because the
 * SDK's own stdio transport drops malformed messages without an answer and, on a line over its
 * read limit, closes itself and pauses stdin, after which the process never sees end of input.
 *
 * Here every line gets exactly one outcome: handed to the server, or answered with the JSON-RPC
 * error the spec names (-32700 parse error, -32600 invalid request, -32602 invalid params; the
 * server itself answers -32601 for unknown methods). A line over the cap is skipped as it streams
 * in (never buffered whole), answered with -32600, and the next line is served as usual.
 */
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import * as types from "@modelcontextprotocol/sdk/types.js";
import { jsonTooDeep, MAX_NESTING } from "../util/bounded-read.ts";

export const PARSE_ERROR = -32700;
export const INVALID_REQUEST = -32600;
export const INVALID_PARAMS = -32602;

type Id = string | number | null;
interface Sink {
  write(s: string): boolean;
  once(event: "drain", cb: () => void): void;
}

/** Request methods the server handles, with the SDK schema their params must satisfy. */
const REQUEST_SCHEMAS: Record<
  string,
  { safeParse(x: unknown): { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } } }
> = {
  initialize: types.InitializeRequestSchema,
  ping: types.PingRequestSchema,
  "tools/list": types.ListToolsRequestSchema,
  "tools/call": types.CallToolRequestSchema,
  "resources/list": types.ListResourcesRequestSchema,
  "resources/templates/list": types.ListResourceTemplatesRequestSchema,
  "resources/read": types.ReadResourceRequestSchema,
};

const isId = (x: unknown): x is string | number =>
  typeof x === "string" || (typeof x === "number" && Number.isInteger(x));
const kindOf = (x: unknown) =>
  x === null ? "null" : Array.isArray(x) ? "an array" : typeof x === "object" ? "an object" : `a ${typeof x}`;

type Verdict = { ok: true; message: JSONRPCMessage } | { ok: false; id: Id; code: number; message: string };

/** Classify one parsed line: a message for the server, the error to answer with, or null (ignore). */
export function checkMessage(m: unknown): Verdict | null {
  const bad = (code: number, message: string, id: Id = null): Verdict => ({ ok: false, id, code, message });
  if (Array.isArray(m))
    return bad(
      INVALID_REQUEST,
      m.length
        ? "Invalid Request: batches are not supported; send one message per line"
        : "Invalid Request: empty batch",
    );
  if (m === null || typeof m !== "object")
    return bad(INVALID_REQUEST, `Invalid Request: a message must be a JSON object, got ${kindOf(m)}`);
  const o = m as Record<string, unknown>;
  const hasId = "id" in o;
  if (hasId && !isId(o.id))
    return bad(INVALID_REQUEST, `Invalid Request: id must be a string or an integer, got ${kindOf(o.id)}`);
  const id = hasId ? (o.id as string | number) : null;
  if (o.jsonrpc !== "2.0") return bad(INVALID_REQUEST, `Invalid Request: jsonrpc must be "2.0"`, id);
  if ("method" in o) {
    if (typeof o.method !== "string" || o.method === "")
      return bad(INVALID_REQUEST, "Invalid Request: method must be a non-empty string", id);
    if ("params" in o && (o.params === null || typeof o.params !== "object"))
      return bad(INVALID_REQUEST, `Invalid Request: params must be an object, got ${kindOf(o.params)}`, id);
    // A well-formed notification is never answered (JSON-RPC), even when its params are wrong.
    if (!hasId && Array.isArray(o.params)) return null;
    if (Array.isArray(o.params))
      return bad(INVALID_PARAMS, `Invalid params: ${o.method} takes named params (an object), not an array`, id);
    const schema = REQUEST_SCHEMAS[o.method];
    if (hasId && schema) {
      const r = schema.safeParse(o);
      if (!r.success) {
        const i = r.error!.issues[0]!;
        const where = i.path.map(String).join(".");
        return bad(INVALID_PARAMS, `Invalid params for ${o.method}: ${where ? `${where}: ` : ""}${i.message}`, id);
      }
    }
  } else if (!hasId) return bad(INVALID_REQUEST, "Invalid Request: neither a method nor an id");
  else if ("result" in o === "error" in o)
    return bad(INVALID_REQUEST, "Invalid Request: a response needs exactly one of result or error", id);
  const whole = types.JSONRPCMessageSchema.safeParse(m);
  if (!whole.success && !hasId && "method" in o) return null;
  if (!whole.success) {
    const i = whole.error.issues[0]!;
    return bad(INVALID_REQUEST, `Invalid Request: ${i.path.map(String).join(".") || "message"}: ${i.message}`, id);
  }
  return { ok: true, message: whole.data };
}

/** Parse one raw line (bytes, without its newline) into a verdict. */
export function checkLine(bytes: Uint8Array): Verdict | null {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return { ok: false, id: null, code: PARSE_ERROR, message: "Parse error: the line is not valid UTF-8" };
  }
  if (text.endsWith("\r")) text = text.slice(0, -1);
  if (text.trim() === "") return null;
  if (jsonTooDeep(text) >= 0)
    return {
      ok: false,
      id: null,
      code: INVALID_REQUEST,
      message: `Invalid Request: nesting deeper than ${MAX_NESTING} levels`,
    };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    return { ok: false, id: null, code: PARSE_ERROR, message: `Parse error: ${(e as Error).message}` };
  }
  return checkMessage(parsed);
}

export class LineTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: <T extends JSONRPCMessage>(message: T) => void;
  /** End of input (stdin EOF), reported once, after the last line was handled. */
  onend?: () => void;
  private parts: Buffer[] = [];
  private size = 0;
  /** Inside an oversize line: its bytes are dropped until the next newline. */
  private skipping = false;
  private closed = false;
  /** Requests handed to the server and not answered yet (so EOF can let them finish). */
  private readonly pending = new Set<string | number>();
  private drainWaiters: (() => void)[] = [];

  constructor(
    private readonly stdin: NodeJS.ReadableStream,
    private readonly out: Sink,
    private readonly maxLineBytes: number,
  ) {}

  private readonly ondata = (chunk: Buffer | string) => {
    const buf = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    let start = 0;
    while (start <= buf.length) {
      const nl = buf.indexOf(10, start);
      const piece = buf.subarray(start, nl < 0 ? buf.length : nl);
      if (!this.skipping && this.size + piece.length > this.maxLineBytes) {
        this.skipping = true;
        this.parts = [];
        this.size = 0;
        this.reply(
          null,
          INVALID_REQUEST,
          `Invalid Request: message is over the ${this.maxLineBytes}-byte line limit (OUROBOROS_MAX_MCP_LINE_BYTES); it was skipped`,
        );
      }
      if (!this.skipping && piece.length) {
        this.parts.push(piece);
        this.size += piece.length;
      }
      if (nl < 0) break;
      if (this.skipping) this.skipping = false;
      else this.flushLine();
      start = nl + 1;
    }
  };

  private flushLine(): void {
    const line = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts);
    this.parts = [];
    this.size = 0;
    const v = checkLine(line);
    if (!v) return;
    if (!v.ok) {
      this.reply(v.id, v.code, v.message);
      return;
    }
    const m = v.message as { id?: string | number; method?: string };
    if (m.method !== undefined && m.id !== undefined) this.pending.add(m.id);
    try {
      this.onmessage?.(v.message);
    } catch (e) {
      this.onerror?.(e as Error);
    }
  }

  /** A last line without a newline still counts. */
  private ended = false;
  private readonly onstdinend = () => {
    if (this.ended) return;
    this.ended = true;
    if (!this.skipping && this.size > 0) this.flushLine();
    this.onend?.();
  };

  private readonly onstreamerror = (e: Error) => this.onerror?.(e);

  private reply(id: Id, code: number, message: string): void {
    void this.send({ jsonrpc: "2.0", id, error: { code, message } } as unknown as JSONRPCMessage);
  }

  async start(): Promise<void> {
    this.stdin.on("data", this.ondata);
    this.stdin.on("end", this.onstdinend);
    this.stdin.on("error", this.onstreamerror);
    if ((this.stdin as { readableEnded?: boolean }).readableEnded) queueMicrotask(this.onstdinend);
  }

  /** Resolves once every request handed to the server has been answered. */
  answered(): Promise<void> {
    if (this.pending.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  send(message: JSONRPCMessage): Promise<void> {
    const m = message as { id?: string | number | null; method?: string };
    if (m.method === undefined && m.id != null && this.pending.delete(m.id) && this.pending.size === 0) {
      for (const w of this.drainWaiters.splice(0)) w();
    }
    return new Promise((resolve) => {
      if (this.closed) return resolve();
      if (this.out.write(`${JSON.stringify(message)}\n`)) resolve();
      else this.out.once("drain", resolve);
    });
  }

  /** Stops reading; stdin is not paused, so its end is still seen and the process can exit. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stdin.off("data", this.ondata);
    this.stdin.off("end", this.onstdinend);
    this.stdin.off("error", this.onstreamerror);
    this.onclose?.();
  }
}
