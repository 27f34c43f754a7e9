/**
 * Shared types of the loopback mock model server. A script sees every model request in one
 * normalised shape (whatever wire dialect it came in) and answers with one MockReply; the
 * server encodes the reply in the caller's dialect.
 */

/** Wire dialects the server speaks. */
export type Dialect = "anthropic" | "chat" | "responses" | "gemini";

/** One tool the client offered the model, with its JSON-schema parameters when given. */
export interface OfferedTool {
  /** The name a script uses; for a tool inside a Responses `namespace` group, `<namespace>__<name>`. */
  name: string;
  parameters: Record<string, unknown> | null;
  /** Set for a tool offered inside a Responses `namespace` group (codex groups MCP tools so). */
  namespace?: { group: string; name: string };
}

/** A model request, normalised across dialects. */
export interface ModelRequest {
  dialect: Dialect;
  model: string;
  stream: boolean;
  tools: OfferedTool[];
  /** True once the conversation carries the result of an earlier tool call. */
  hasToolResult: boolean;
  /** Outputs of earlier tool calls in the conversation, as text, oldest first. */
  toolResults: string[];
  /** Text of the newest user message (tool results excluded). */
  lastUserText: string;
  /** Every text fragment in the conversation, oldest first (for resume assertions). */
  allText: string[];
  /** True when the client asked for a JSON object answer (helper calls such as routing). */
  wantsJson: boolean;
  body: unknown;
}

/** What the model answers. */
export type MockReply =
  /** Plain assistant text. */
  | { text: string }
  /** Call the client's shell tool (chosen from the offered list) with this shell command. */
  | { shell: string; text?: string }
  /** Call the offered tool with this name (as in `tools`; unknown names answer with the offered list as text). */
  | { tool: string; args: Record<string, unknown>; text?: string }
  /** Fail at HTTP level. */
  | { status: number; message?: string }
  /** Send the stream head, then never another byte (until stop()). */
  | { stall: true }
  /** Send one valid event, then a broken chunk, then close the stream. */
  | { malformed: true };

export type MockScript = (req: ModelRequest) => MockReply;

/** One recorded HTTP request (every request, model or not). */
export interface RecordedRequest {
  method: string;
  path: string;
  search: string;
  dialect: Dialect | null;
  headers: Record<string, string>;
  body: unknown;
  at: number;
}
