/**
 * Skill dispatch: when Ouroboros drives a runtime that declares `skill_dispatch`, a prompt that
 * starts with `ooo <skill>` or `/ouroboros:<skill>` is routed to the skill's MCP tool in this
 * process instead of spawning the agent CLI (no model call). One stateless router: exact prefix →
 * name or alias → the catalogue's tool and argument template (`$1` = the text after the command,
 * `$CWD` = the task's directory; an empty `$1` leaves the argument out). Skills without a tool
 * (`ooo help`, `ooo setup` …) are not intercepted: the CLI answers them.
 */
import type { Capabilities } from "../runtime/contract.ts";
import { type Skill, skillByName } from "./catalogue.ts";

export interface SkillCall {
  skill: Skill;
  tool: string;
  args: Record<string, string>;
}

const PREFIX = /^\s*(?:ooo(?:\s+([a-z][a-z-]*))?|\/ouroboros:([a-z][a-z-]*))(?:\s+([\s\S]*))?$/;

/** The MCP call a prompt stands for, or null when the prompt is not a dispatchable skill command. */
export function skillCall(prompt: string, cwd: string): SkillCall | null {
  const m = PREFIX.exec(prompt);
  if (!m) return null;
  const skill = skillByName(m[1] ?? m[2] ?? "ooo");
  const tool = skill?.mcp_tools[0];
  if (!skill || !tool) return null;
  const rest = (m[3] ?? "").trim();
  const args: Record<string, string> = {};
  for (const [k, tpl] of Object.entries(skill.mcp_args ?? {})) {
    const value = tpl.replaceAll("$CWD", cwd).replaceAll("$1", rest);
    if (value !== "") args[k] = value;
  }
  return { skill, tool, args };
}

/** The gate: code branches on the declared capability, never on the runtime's name. */
export const dispatchFor = (
  caps: Pick<Capabilities, "skill_dispatch">,
  prompt: string,
  cwd: string,
): SkillCall | null => (caps.skill_dispatch ? skillCall(prompt, cwd) : null);

let shared: import("../mcp/context.ts").McpContext | undefined;

/**
 * Run the call against the MCP tool handlers in this process (the same code `mcp serve` runs,
 * over the same event store). Errors are values: `isError` carries the tool's one-line message.
 */
export async function runSkillCall(call: SkillCall, signal: AbortSignal): Promise<{ text: string; isError: boolean }> {
  const [{ createContext }, { TOOLS }, { parseArgs }, { errorText }, { paths }] = await Promise.all([
    import("../mcp/context.ts"),
    import("../mcp/tools/index.ts"),
    import("../mcp/tool.ts"),
    import("../mcp/server.ts"),
    import("../config/paths.ts"),
  ]);
  const tool = TOOLS.find((t) => t.name === call.tool);
  if (!tool) return { text: `ooo ${call.skill.name}: the MCP tool ${call.tool} does not exist`, isError: true };
  const args = parseArgs(tool.name, tool.schema, call.args);
  if (!args.ok) return { text: errorText(args.error), isError: true };
  // One context per process: its store (and any job a start_* tool launched) lives as long as we do.
  shared ??= createContext({ db: paths.database(), workspaceRoots: [] });
  const ctx = shared;
  try {
    const r = await tool.handler(args.value, ctx, { signal, progress() {} });
    if (!r.ok) return { text: errorText(r.error), isError: true };
    return { text: typeof r.value === "string" ? r.value : JSON.stringify(r.value, null, 2), isError: false };
  } catch (e) {
    return { text: `${tool.name} failed unexpectedly: ${e instanceof Error ? e.message : String(e)}`, isError: true };
  }
}
