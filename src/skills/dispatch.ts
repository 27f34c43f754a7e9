/**
 * Skill dispatch: when Ouroboros drives a runtime that declares `skill_dispatch`, a prompt that
 * starts with `ooo <skill>` or `/ouroboros:<skill>` is routed to the skill's MCP tool in this
 * process instead of spawning the agent CLI (no model call). One stateless router: exact prefix →
 * name or alias → the catalogue's tool and argument template (`$1` = the text after the command,
 * `$CWD` = the task's directory; an empty `$1` leaves the argument out). Skills without a tool
 * (`ooo help`, `ooo setup` …) are not intercepted: the CLI answers them. The call itself runs in
 * mcp/skill-call.ts, which the program's entry hands to the runtime layer (runtime/skill-runner.ts).
 */
import type { Capabilities } from "../adapter-kit/contract.ts";
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
