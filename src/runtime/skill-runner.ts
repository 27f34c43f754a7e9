/**
 * Who runs an `ooo <skill>` call in this process. The MCP tools that answer it sit above the
 * runtime layer (they run pipelines, which run runtimes), so the program's entry provides the
 * runner (cli/main.ts → mcp/skill-call.ts) instead of this layer importing it.
 */
import type { SkillCall } from "../skills/dispatch.ts";

export type SkillRunner = (call: SkillCall, signal: AbortSignal) => Promise<{ text: string; isError: boolean }>;

let provided: SkillRunner | null = null;

export function provideSkillRunner(runner: SkillRunner): void {
  provided = runner;
}

export function skillRunner(): SkillRunner | null {
  return provided;
}
