/**
 * `ouroboros mcp serve` on stdio. stdout carries JSON-RPC only: the transport gets the real
 * stdout and every other stdout write in this process is redirected to stderr. Heavy modules
 * (SQLite, YAML, the pipeline) load on the first call that needs them, so `initialize` is fast.
 * The server exits within 2 s of stdin EOF, a broken stdout pipe, a signal or its parent's death.
 * Malformed input is answered with JSON-RPC errors by the transport (./stdio.ts).
 */
import type { OuroError } from "../errors.ts";
import { inputCap } from "../util/bounded-read.ts";
import { VERSION } from "../version.ts";
import { paths } from "../config/paths.ts";
import { createContext, type ServeOptions } from "./context.ts";
import { RESOURCES, RESOURCE_TEMPLATES } from "./resources.ts";
import { parseArgs, toJsonSchema } from "./tool.ts";
import { TOOLS } from "./tools/index.ts";

export const SERVER_NAME = "ouroboros-mcp";

/** An error as the one text block of an `isError` result. */
export function errorText(e: OuroError): string {
  const head = `${e.message}${e.hint ? ` (${e.hint})` : ""}`;
  return [head, ...(e.details ?? [])].join("\n");
}

type Write = (chunk: string | Uint8Array, cb?: (err?: Error | null) => void) => boolean;

/**
 * Keep the protocol channel clean: returns the only writer that reaches the real stdout. Bun's
 * console writes to fd 1 natively (not through process.stdout.write), so it is redirected too.
 */
export function claimStdout(): Write {
  const real = process.stdout.write.bind(process.stdout) as Write;
  const toStderr = process.stderr.write.bind(process.stderr) as Write;
  (process.stdout as { write: Write }).write = (chunk, cb) => toStderr(chunk, cb);
  for (const m of ["log", "info", "debug", "dir", "table"] as const)
    (console as unknown as Record<string, unknown>)[m] = console.error.bind(console);
  return real;
}

export async function serveStdio(options: ServeOptions): Promise<number> {
  const write = claimStdout();
  const [{ Server }, { LineTransport }, types] = await Promise.all([
    import("@modelcontextprotocol/sdk/server/index.js"),
    import("./stdio.ts"),
    import("@modelcontextprotocol/sdk/types.js"),
  ]);
  const ctx = createContext(options);
  // A stray rejection in a background job must not take the server (and every other job) down.
  process.on("unhandledRejection", (e) =>
    ctx.log(`unhandled: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`),
  );
  const server = new Server(
    { name: SERVER_NAME, version: VERSION },
    {
      capabilities: { tools: {}, resources: {} },
      instructions:
        "Ouroboros: validate and run seeds (start_* tools return a job_id; follow with ouroboros_job_wait). Resources: ouroboros://seeds, ouroboros://sessions, ouroboros://events.",
    },
  );
  const listed = TOOLS.map((t) => ({
    name: t.name,
    description: t.description,
    inputSchema: toJsonSchema(t.schema) as { type: "object" },
  }));
  const byName = new Map(TOOLS.map((t) => [t.name, t]));

  server.setRequestHandler(types.ListToolsRequestSchema, async () => ({ tools: listed }));
  server.setRequestHandler(types.CallToolRequestSchema, async (req, extra) => {
    ctx.touch();
    const text = (t: string, isError = false) => ({
      content: [{ type: "text" as const, text: t }],
      ...(isError ? { isError: true } : {}),
    });
    const tool = byName.get(req.params.name);
    if (!tool)
      return text(
        `unknown tool '${req.params.name}' (this server has ${TOOLS.length} tools; tools/list shows them, \`ouroboros mcp doctor\` checks the install)`,
        true,
      );
    const args = parseArgs(tool.name, tool.schema, req.params.arguments);
    if (!args.ok) return text(errorText(args.error), true);
    try {
      const token = extra._meta?.progressToken;
      const call = {
        signal: extra.signal,
        progress(progress: number, total?: number, message?: string) {
          if (token === undefined || extra.signal.aborted) return;
          extra
            .sendNotification({
              method: "notifications/progress",
              params: {
                progressToken: token,
                progress,
                ...(total !== undefined ? { total } : {}),
                ...(message ? { message } : {}),
              },
            })
            .catch(() => {});
        },
      };
      const r = await tool.handler(args.value, ctx, call);
      if (!r.ok) return text(errorText(r.error), true);
      return text(typeof r.value === "string" ? r.value : JSON.stringify(r.value, null, 2));
    } catch (e) {
      ctx.log(`${tool.name} crashed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      return text(`${tool.name} failed unexpectedly: ${e instanceof Error ? e.message : String(e)}`, true);
    }
  });
  server.setRequestHandler(types.ListResourcesRequestSchema, async () => ({ resources: RESOURCES }));
  server.setRequestHandler(types.ListResourceTemplatesRequestSchema, async () => ({
    resourceTemplates: RESOURCE_TEMPLATES,
  }));
  server.setRequestHandler(types.ReadResourceRequestSchema, async (req) => {
    ctx.touch();
    const r = await (await import("./resources.ts")).readResource(ctx, req.params.uri);
    if (!r.ok) throw new types.McpError(types.ErrorCode.InvalidParams, errorText(r.error));
    return {
      contents: [{ uri: req.params.uri, mimeType: "application/json", text: JSON.stringify(r.value, null, 2) }],
    };
  });

  const stdout = {
    write: (s: string) => write(s),
    once: (event: "drain", cb: () => void) => void process.stdout.once(event, cb),
  };
  const transport = new LineTransport(process.stdin, stdout, inputCap("mcp_line"));
  // The parent the orphan watchdog follows, taken before the instance record is written: once the
  // record exists, a parent that dies is noticed (a launcher may wait for the record, then exit).
  const parent = process.ppid;
  // The record names the database without a URL's password (other users may read it).
  const { redactUrl } = await import("../events/db-url.ts");
  const unregister = (await import("./instances.ts")).register(VERSION, redactUrl(options.db ?? paths.database()));

  return new Promise<number>((resolve) => {
    let closing = false;
    const shutdown = (why: string) => {
      if (closing) return;
      closing = true;
      clearInterval(watch);
      if (why !== "stdin closed") ctx.log(`shutting down: ${why}`);
      // Hard stop: whatever happens, the process is gone well within 2 s.
      setTimeout(() => resolve(0), 1800).unref();
      unregister();
      // At end of input, requests already read still get their answers (bounded by the hard stop).
      const answered =
        why === "stdin closed" ? Promise.race([transport.answered(), Bun.sleep(1200)]) : Promise.resolve();
      answered.then(() => ctx.close()).finally(() => resolve(0));
    };
    // The transport reports end of input itself: it listens from the moment it starts reading,
    // so an EOF that arrives while the server is still starting up is not missed.
    transport.onend = () => shutdown("stdin closed");
    process.stdin.on("close", () => shutdown("stdin closed"));
    process.stdout.on("error", () => shutdown("stdout closed"));
    for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(sig, () => shutdown(sig));
    // Orphan watchdog: re-parented (the client died without closing our stdin) → leave.
    const client = Number(process.env.OUROBOROS_CLIENT_PID) || 0;
    // Idle servers fold the WAL back (after 600 s without a request or a running job).
    const idleMs = (Number(process.env.OUROBOROS_MCP_IDLE_CHECKPOINT_SECONDS) || 600) * 1000;
    const watch = setInterval(() => {
      if (process.ppid !== parent) return shutdown("parent process exited");
      ctx.checkpointIfIdle(idleMs);
      if (client) {
        try {
          process.kill(client, 0);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === "ESRCH") shutdown(`client ${client} exited`);
        }
      }
    }, 500);
    server.connect(transport).catch((e) => {
      ctx.log(`transport failed: ${e instanceof Error ? e.message : String(e)}`);
      shutdown("transport failed");
    });
  });
}
