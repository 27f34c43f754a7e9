/**
 * Connect the MCP SDK's own client to the real binary (`mcp serve`) over stdio, with a temp
 * OUROBOROS_HOME. Tool results come back parsed: `text`, `json` (when the text is JSON), `isError`.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { cliArgv, ROOT } from "../lib/cli.ts";
import { within } from "../lib/timing.ts";

export interface Connected {
  client: Client;
  transport: StdioClientTransport;
  stderr: () => string;
  call(name: string, args?: Record<string, unknown>): Promise<{ text: string; json: any; isError: boolean }>;
  close(): Promise<void>;
}

export async function connect(
  home: string,
  opts: { args?: string[]; env?: Record<string, string> } = {},
): Promise<Connected> {
  const [command, ...pre] = cliArgv();
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...process.env, OUROBOROS_HOME: home, NO_COLOR: "1", ...opts.env }))
    if (v !== undefined) env[k] = v;
  const transport = new StdioClientTransport({
    command: command!,
    args: [...pre, "mcp", "serve", ...(opts.args ?? [])],
    env,
    stderr: "pipe",
    cwd: ROOT,
  });
  let err = "";
  transport.stderr?.on("data", (d: Buffer) => (err += d.toString()));
  const client = new Client({ name: "ouroboros-test", version: "1.0.0" });
  await client.connect(transport);
  return {
    client,
    transport,
    stderr: () => err,
    async call(name, args = {}) {
      // The SDK gives up on a request after 60 s; a whole seed run on a loaded machine takes longer.
      const r = (await client.callTool({ name, arguments: args }, undefined, { timeout: within(60_000) })) as {
        content: { type: string; text: string }[];
        isError?: boolean;
      };
      const text = r.content.map((c) => c.text).join("\n");
      let json: unknown = null;
      try {
        json = JSON.parse(text);
      } catch {}
      return { text, json, isError: Boolean(r.isError) };
    },
    close: () => client.close(),
  };
}
