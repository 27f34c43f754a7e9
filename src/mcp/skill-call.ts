/**
 * An `ooo <skill>` prompt (skills/dispatch.ts) run against the MCP tool handlers in this process,
 * for runtimes that declare `skill_dispatch`. The runtime layer sits below the MCP tools, so it
 * gets this function from the program's entry (runtime/skill-runner.ts), loaded on first use.
 */
import type { SkillCall } from "../skills/dispatch.ts";
import { createContext, type McpContext } from "./context.ts";
import { errorText } from "./server.ts";
import { parseArgs } from "./tool.ts";
import { TOOLS } from "./tools/index.ts";

let shared: McpContext | undefined;

/**
 * Run the call against the MCP tool handlers in this process (the same code `mcp serve` runs,
 * over the same event store). Errors are values: `isError` carries the tool's one-line message.
 */
export async function runSkillCall(call: SkillCall, signal: AbortSignal): Promise<{ text: string; isError: boolean }> {
  const tool = TOOLS.find((t) => t.name === call.tool);
  if (!tool) return { text: `ooo ${call.skill.name}: the MCP tool ${call.tool} does not exist`, isError: true };
  const args = parseArgs(tool.name, tool.schema, call.args);
  if (!args.ok) return { text: errorText(args.error), isError: true };
  // One context per process: its store (and any job a start_* tool launched) lives as long as we do.
  // No db: the same database every command picks ($OUROBOROS_DATABASE_URL, else the home's file).
  shared ??= createContext({ workspaceRoots: [] });
  const ctx = shared;
  try {
    const r = await tool.handler(args.value, ctx, { signal, progress() {} });
    if (!r.ok) return { text: errorText(r.error), isError: true };
    return { text: typeof r.value === "string" ? r.value : JSON.stringify(r.value, null, 2), isError: false };
  } catch (e) {
    return { text: `${tool.name} failed unexpectedly: ${e instanceof Error ? e.message : String(e)}`, isError: true };
  }
}
