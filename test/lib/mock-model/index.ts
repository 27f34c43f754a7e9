/**
 * Loopback mock model server for running the real agent CLIs offline.
 *
 *   const mock = await startMockModel({ scenario: "tool_write" });
 *   // mock.url = "http://127.0.0.1:<port>"; point a CLI at it with cliEnv() from test/lib/cli-env.ts
 *   mock.requests;            // every HTTP request, in order (model calls have a dialect)
 *   mock.setScenario("plain") // or mock.setScript((req) => ({ text: "hi" }))
 *   await mock.stop();
 *
 * Dialects: Anthropic Messages (POST /v1/messages), OpenAI Chat Completions (/v1/chat/completions),
 * OpenAI Responses (/v1/responses), Gemini (/v1beta/models/<m>:generateContent and
 * :streamGenerateContent?alt=sse). Binds 127.0.0.1 only.
 */
import { dialectOf, parseRequest, pickShellTool, shellArgs } from "./parse.ts";
import { errorBody, frames, headFrame, json, type Answer } from "./encode.ts";
import { jsonHelper, scenarioScript, type ScenarioName } from "./scenarios.ts";
import type { Dialect, MockReply, MockScript, ModelRequest, RecordedRequest } from "./types.ts";

export * from "./types.ts";
export {
  SCENARIOS,
  MOCK_TEXT,
  MOCK_DONE_TEXT,
  MOCK_FILE,
  MOCK_FILE_CONTENT,
  isScenario,
  type ScenarioName,
} from "./scenarios.ts";

export interface MockModelOptions {
  /** Named behaviour (default "plain"). Ignored when `script` is given. */
  scenario?: ScenarioName;
  /** Text the plain scenario answers (default MOCK_OK). */
  text?: string;
  /** Full control: answer each model request yourself. */
  script?: MockScript;
  /** Port to bind (default 0 = random free port). */
  port?: number;
}

export interface MockModel {
  /** Base URL without a trailing slash, e.g. http://127.0.0.1:41234 */
  readonly url: string;
  readonly port: number;
  /** Every request received, oldest first. */
  readonly requests: RecordedRequest[];
  /** Only the model calls (requests with a dialect), normalised. */
  modelRequests(): ModelRequest[];
  setScenario(name: ScenarioName, text?: string): void;
  setScript(script: MockScript): void;
  /** Stop listening and end every open (stalled) stream. */
  stop(): Promise<void>;
}

const SSE_HEADERS = { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" };

export async function startMockModel(opts: MockModelOptions = {}): Promise<MockModel> {
  let script: MockScript = opts.script ?? scenarioScript(opts.scenario ?? "plain", opts.text);
  const requests: RecordedRequest[] = [];
  const parsed: ModelRequest[] = [];
  const open = new Set<ReadableStreamDefaultController<Uint8Array>>();
  const enc = new TextEncoder();

  function stream(d: Dialect, chunks: string[], thenClose: boolean): Response {
    let ctl: ReadableStreamDefaultController<Uint8Array>;
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        ctl = c;
        for (const ch of chunks) c.enqueue(enc.encode(ch));
        if (thenClose) c.close();
        else open.add(c);
      },
      cancel() {
        open.delete(ctl);
      },
    });
    return new Response(body, { headers: d === "gemini" ? { ...SSE_HEADERS } : SSE_HEADERS });
  }

  function answer(d: Dialect, req: ModelRequest, reply: MockReply): Response {
    if ("status" in reply)
      return Response.json(errorBody(d, reply.status, reply.message ?? "mock error"), { status: reply.status });
    if ("stall" in reply) return req.stream ? stream(d, [headFrame(d, req.model)], false) : stream(d, [], false);
    if ("malformed" in reply) {
      const broken = 'data: {"this is": not json\n\n';
      return req.stream
        ? stream(d, [headFrame(d, req.model), broken], true)
        : new Response('{"truncated": ', { headers: { "content-type": "application/json" } });
    }
    let a: Answer;
    if ("shell" in reply) {
      const tool = pickShellTool(req.tools);
      a = tool
        ? { text: reply.text ?? "", tool: { name: tool.name, args: shellArgs(tool, reply.shell) }, model: req.model }
        : { text: reply.text ?? "no shell tool offered", tool: null, model: req.model };
    } else if ("tool" in reply) {
      const tool = req.tools.find((t) => t.name === reply.tool);
      const call = tool
        ? {
            name: tool.namespace?.name ?? tool.name,
            args: reply.args,
            ...(tool.namespace ? { namespace: tool.namespace.group } : {}),
          }
        : null;
      a = {
        text: tool
          ? (reply.text ?? "")
          : `tool '${reply.tool}' not offered (offered: ${req.tools.map((t) => t.name).join(", ")})`,
        tool: call,
        model: req.model,
      };
    } else a = { text: reply.text, tool: null, model: req.model };
    return req.stream ? stream(d, frames(d, a), true) : Response.json(json(d, a));
  }

  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: opts.port ?? 0,
    idleTimeout: 0,
    async fetch(request) {
      const u = new URL(request.url);
      const text = request.method === "POST" ? await request.text() : "";
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : null;
      } catch {
        // Keep the raw text: the request is recorded either way.
      }
      const dialect = request.method === "POST" ? dialectOf(u.pathname) : null;
      requests.push({
        method: request.method,
        path: u.pathname,
        search: u.search,
        dialect,
        headers: Object.fromEntries(request.headers as unknown as Iterable<[string, string]>),
        body,
        at: Date.now(),
      });
      if (u.pathname.endsWith("/count_tokens") || u.pathname.endsWith(":countTokens"))
        return Response.json({ input_tokens: 10, totalTokens: 10 });
      if (!dialect) {
        if (u.pathname.endsWith("/models"))
          return Response.json({ object: "list", data: [{ id: "mock-model", object: "model", owned_by: "mock" }] });
        return Response.json({ error: { message: `mock: no route ${request.method} ${u.pathname}` } }, { status: 404 });
      }
      const req = parseRequest(dialect, u.pathname, body);
      if (dialect === "gemini" && req.stream === false && u.searchParams.get("alt") === "sse") req.stream = true;
      parsed.push(req);
      // Gemini CLI's own helper calls (routing, next speaker) want JSON of a fixed shape whatever
      // the script is about; answering them here keeps scripts to the conversation they test.
      return answer(dialect, req, (dialect === "gemini" ? jsonHelper(req) : null) ?? script(req));
    },
  });

  const port = server.port ?? 0;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    modelRequests: () => parsed,
    setScenario(name, text) {
      script = scenarioScript(name, text);
    },
    setScript(s) {
      script = s;
    },
    async stop() {
      for (const c of open) {
        try {
          c.close();
        } catch {
          // Already closed by the client going away.
        }
      }
      open.clear();
      // A client that never closes its keep-alive socket must not hold the caller forever.
      await Promise.race([server.stop(true), Bun.sleep(2000)]);
    },
  };
}
