/** Turn a request body of any supported dialect into one ModelRequest. */
import type { Dialect, ModelRequest, OfferedTool } from "./types.ts";

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === "object" && x !== null && !Array.isArray(x);
const arr = (x: unknown): unknown[] => (Array.isArray(x) ? x : []);
const str = (x: unknown): string => (typeof x === "string" ? x : "");

/** Text fragments of a content value (string, or a list of parts with text). */
function texts(content: unknown): string[] {
  if (typeof content === "string") return [content];
  const out: string[] = [];
  for (const p of arr(content)) {
    if (typeof p === "string") out.push(p);
    else if (isObj(p) && typeof p.text === "string") out.push(p.text);
  }
  return out;
}

/** A tool output value as text (string, text parts, or any JSON). */
function outputText(x: unknown): string {
  if (typeof x === "string") return x;
  const t = texts(x);
  return t.length ? t.join("\n") : JSON.stringify(x ?? null);
}

function anthropic(b: Obj): Omit<ModelRequest, "dialect" | "body"> {
  const msgs = arr(b.messages).filter(isObj);
  const tools: OfferedTool[] = arr(b.tools)
    .filter(isObj)
    .map((t) => ({ name: str(t.name), parameters: isObj(t.input_schema) ? t.input_schema : null }));
  const hasToolResult = msgs.some((m) => arr(m.content).some((c) => isObj(c) && c.type === "tool_result"));
  const users = msgs.filter(
    (m) => m.role === "user" && !arr(m.content).some((c) => isObj(c) && c.type === "tool_result"),
  );
  const allText = [...texts(b.system), ...msgs.flatMap((m) => texts(m.content))];
  const toolResults = msgs.flatMap((m) =>
    arr(m.content)
      .filter((c): c is Obj => isObj(c) && c.type === "tool_result")
      .map((c) => outputText(c.content)),
  );
  return {
    model: str(b.model),
    stream: b.stream === true,
    tools,
    hasToolResult,
    toolResults,
    lastUserText: texts(users.at(-1)?.content).join("\n"),
    allText,
    wantsJson: false,
  };
}

function chat(b: Obj): Omit<ModelRequest, "dialect" | "body"> {
  const msgs = arr(b.messages).filter(isObj);
  const tools: OfferedTool[] = arr(b.tools)
    .filter(isObj)
    .map((t) => (isObj(t.function) ? t.function : t))
    .map((f) => ({ name: str(f.name), parameters: isObj(f.parameters) ? f.parameters : null }));
  const users = msgs.filter((m) => m.role === "user");
  const rf = isObj(b.response_format) ? str(b.response_format.type) : "";
  return {
    model: str(b.model),
    stream: b.stream === true,
    tools,
    hasToolResult: msgs.some((m) => m.role === "tool"),
    toolResults: msgs.filter((m) => m.role === "tool").map((m) => outputText(m.content)),
    lastUserText: texts(users.at(-1)?.content).join("\n"),
    allText: msgs.flatMap((m) => texts(m.content)),
    wantsJson: rf === "json_object" || rf === "json_schema",
  };
}

function responses(b: Obj): Omit<ModelRequest, "dialect" | "body"> {
  const input = typeof b.input === "string" ? [{ role: "user", content: b.input }] : arr(b.input).filter(isObj);
  // A `namespace` entry groups tools (codex offers each MCP server's tools so): list its members.
  const tools: OfferedTool[] = arr(b.tools)
    .filter(isObj)
    .flatMap((t): OfferedTool[] =>
      t.type === "namespace"
        ? arr(t.tools)
            .filter(isObj)
            .map((m) => ({
              name: `${str(t.name)}__${str(m.name)}`,
              parameters: isObj(m.parameters) ? m.parameters : null,
              namespace: { group: str(t.name), name: str(m.name) },
            }))
        : [{ name: str(t.name) || str(t.type), parameters: isObj(t.parameters) ? t.parameters : null }],
    );
  const users = input.filter((m) => m.role === "user");
  const outputs = input.filter((m) => typeof m.type === "string" && m.type.endsWith("_output"));
  const hasToolResult = outputs.length > 0;
  const toolResults = outputs.map((m) => outputText(m.output));
  const allText = [...texts(b.instructions), ...input.flatMap((m) => texts(m.content))];
  return {
    model: str(b.model),
    stream: b.stream === true,
    tools,
    hasToolResult,
    toolResults,
    lastUserText: texts(users.at(-1)?.content).join("\n"),
    allText,
    wantsJson: false,
  };
}

function gemini(b: Obj, model: string, stream: boolean): Omit<ModelRequest, "dialect" | "body"> {
  const contents = arr(b.contents).filter(isObj);
  const tools: OfferedTool[] = arr(b.tools)
    .filter(isObj)
    .flatMap((t) => arr(t.functionDeclarations).filter(isObj))
    .map((f) => ({
      name: str(f.name),
      parameters: isObj(f.parametersJsonSchema) ? f.parametersJsonSchema : isObj(f.parameters) ? f.parameters : null,
    }));
  const parts = (c: Obj) => arr(c.parts).filter(isObj);
  const hasToolResult = contents.some((c) => parts(c).some((p) => isObj(p.functionResponse)));
  const users = contents.filter((c) => c.role === "user" && !parts(c).some((p) => isObj(p.functionResponse)));
  const gc = isObj(b.generationConfig) ? b.generationConfig : {};
  const sys = isObj(b.systemInstruction) ? texts(b.systemInstruction.parts) : [];
  return {
    model,
    stream,
    tools,
    hasToolResult,
    toolResults: contents.flatMap((c) =>
      parts(c)
        .filter((p) => isObj(p.functionResponse))
        .map((p) => outputText((p.functionResponse as Obj).response)),
    ),
    lastUserText: texts(users.at(-1)?.parts).join("\n"),
    allText: [...sys, ...contents.flatMap((c) => texts(c.parts))],
    wantsJson: str(gc.responseMimeType) === "application/json",
  };
}

/** Which dialect a path speaks, or null for a path the mock does not model. */
export function dialectOf(path: string): Dialect | null {
  if (/\/v1\/messages$/.test(path)) return "anthropic";
  if (/\/chat\/completions$/.test(path)) return "chat";
  if (/\/responses$/.test(path)) return "responses";
  if (/\/models\/[^/]+:(stream)?[gG]enerateContent$/.test(path)) return "gemini";
  return null;
}

export function parseRequest(dialect: Dialect, path: string, body: unknown): ModelRequest {
  const b = isObj(body) ? body : {};
  let core: Omit<ModelRequest, "dialect" | "body">;
  if (dialect === "anthropic") core = anthropic(b);
  else if (dialect === "chat") core = chat(b);
  else if (dialect === "responses") core = responses(b);
  else {
    const m = /\/models\/([^/:]+):(\w+)$/.exec(path);
    core = gemini(b, m?.[1] ?? "", m?.[2] === "streamGenerateContent");
  }
  return { dialect, body, ...core };
}

/** Arguments for a shell tool, shaped after its parameter schema (string or argv command). */
export function shellArgs(tool: OfferedTool, command: string): Record<string, unknown> {
  const props = isObj(tool.parameters) && isObj(tool.parameters.properties) ? tool.parameters.properties : {};
  const key = ["command", "cmd", "script"].find((k) => k in props) ?? "command";
  const spec = props[key];
  const asArray = isObj(spec) && spec.type === "array";
  const args: Record<string, unknown> = { [key]: asArray ? ["bash", "-lc", command] : command };
  if ("description" in props) args.description = "mock shell step";
  return args;
}

const SHELL_NAMES = ["bash", "Bash", "shell", "shell_command", "exec_command", "run_shell_command", "local_shell"];

/** The offered tool a model would use to run a shell command. */
export function pickShellTool(tools: OfferedTool[]): OfferedTool | null {
  for (const n of SHELL_NAMES) {
    const t = tools.find((x) => x.name === n);
    if (t) return t;
  }
  return tools.find((t) => /shell|bash|command/i.test(t.name)) ?? null;
}
