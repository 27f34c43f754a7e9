/**
 * `ouroboros mcp serve | info | doctor`. `serve` speaks MCP on stdio: nothing but JSON-RPC ever
 * reaches stdout, so bad flags are reported on stderr before the server starts (the CLI entry
 * checks every flag against these definitions; a typo never starts a server with defaults).
 */
import { defineCommand } from "citty";
import { resolve } from "node:path";
import { paths } from "../../config/paths.ts";
import { EXIT, fail, unwrap } from "../../errors.ts";
import { DB_ARG_DESCRIPTION, resolveTarget } from "../../events/open-backend.ts";
import { redactUrl } from "../../events/db-url.ts";
import { COMMIT, VERSION } from "../../version.ts";
import { exitCode, out, outJson } from "../output.ts";

/** All values of a repeatable string flag (`--x a --x b` or `--x=a`). */
function repeated(raw: string[], flag: string): string[] {
  const vals: string[] = [];
  raw.forEach((a, i) => {
    if (a === `--${flag}` && raw[i + 1] !== undefined) vals.push(raw[i + 1]!);
    else if (a.startsWith(`--${flag}=`)) vals.push(a.slice(flag.length + 3));
  });
  return vals;
}

const serve = defineCommand({
  meta: { name: "serve", description: "Run the MCP server on stdio (stdout carries JSON-RPC only)" },
  args: {
    transport: { type: "string", alias: "t", description: "stdio (the only transport of this build)" },
    runtime: { type: "string", description: "agent runtime for execution tools (default: config)" },
    "llm-backend": {
      type: "string",
      description: "backend for interview, seed and evaluation tools (default: config)",
    },
    db: { type: "string", description: DB_ARG_DESCRIPTION },
    "workspace-root": { type: "string", description: "restrict where seeds may run (repeatable)" },
  },
  async run({ args, rawArgs }) {
    if (args.transport && args.transport !== "stdio")
      unwrap(fail("badArgs", `transport '${args.transport}' is not available in this build; use stdio`));
    if (args.runtime) {
      const { canonicalRuntime } = await import("../../runtime/selection.ts");
      if (!canonicalRuntime(String(args.runtime)))
        unwrap(fail("badArgs", `unknown runtime '${args.runtime}'`, { hint: "`ouroboros runtimes` lists them" }));
    }
    const driving = (await import("../../mcp/guard.ts")).drivingAncestor();
    if (driving)
      unwrap(
        fail(
          "usage",
          `not serving MCP inside an agent that Ouroboros drives (ancestor pid ${driving.pid}: ouroboros ${driving.command})`,
          { hint: "runs inside runs are refused; this agent works without the Ouroboros tools" },
        ),
      );
    // A bad URL (flag or environment) is refused here, before any JSON-RPC.
    const target = unwrap(resolveTarget(args.db));
    const { serveStdio } = await import("../../mcp/server.ts");
    return exitCode(
      await serveStdio({
        db: target.kind === "postgres" ? target.url : resolve(target.path),
        runtime: args.runtime ? String(args.runtime) : undefined,
        llmBackend: args["llm-backend"] ? String(args["llm-backend"]) : undefined,
        workspaceRoots: repeated(rawArgs, "workspace-root").map((r) => resolve(r)),
      }),
    );
  },
});

/** Where a server started now would record: a URL without its password, or the SQLite path. */
function databaseLabel(): string {
  const t = resolveTarget(undefined);
  if (!t.ok) return paths.database();
  return t.value.kind === "postgres" ? redactUrl(t.value.url) : t.value.path;
}

const info = defineCommand({
  meta: { name: "info", description: "Server name, version, launch command, tools and resources" },
  args: { json: { type: "boolean" } },
  async run({ args }) {
    const { TOOLS } = await import("../../mcp/tools/index.ts");
    const { RESOURCES, RESOURCE_TEMPLATES } = await import("../../mcp/resources.ts");
    const { SERVER_NAME } = await import("../../mcp/server.ts");
    const { liveInstances } = await import("../../mcp/instances.ts");
    const servers = liveInstances();
    const launch = [
      process.execPath.endsWith("/bun") ? `${process.execPath} ${process.argv[1]}` : process.execPath,
      "mcp",
      "serve",
    ].join(" ");
    const data = {
      name: SERVER_NAME,
      version: VERSION,
      commit: COMMIT,
      transport: "stdio",
      launch,
      database: databaseLabel(),
      tools: TOOLS.map((t) => t.name),
      resources: [...RESOURCES.map((r) => r.uri), ...RESOURCE_TEMPLATES.map((r) => r.uriTemplate)],
      running: servers,
    };
    if (args.json) outJson("mcp-info", data);
    else {
      out(
        `${data.name} ${data.version} (${data.commit}) — transport stdio\nlaunch:    ${data.launch}\ndatabase:  ${data.database}`,
      );
      out(`tools (${data.tools.length}):\n${data.tools.map((t) => `  ${t}`).join("\n")}`);
      out(`resources:\n${data.resources.map((r) => `  ${r}`).join("\n")}`);
      out(
        `running servers (${servers.length})${servers.map((r) => `\n  pid ${r.pid} (parent ${r.ppid})  since ${r.started_at}  ${r.version}  ${r.db}`).join("")}`,
      );
    }
    return exitCode(EXIT.ok);
  },
});

export default defineCommand({
  meta: { name: "mcp", description: "MCP server for agent CLIs (mcp serve | info | doctor)" },
  subCommands: {
    serve,
    info,
    doctor: () => import("./mcp-doctor.ts").then((m) => m.default),
  },
});
