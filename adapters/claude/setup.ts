/**
 * `ouroboros setup --runtime claude`: we have no plugin
 * marketplace, so the MCP server goes into Claude's user-scope config (~/.claude.json
 * `mcpServers.ouroboros`, as `claude mcp add -s user` writes it) and the `ooo` skills into
 * ~/.claude/skills/ouroboros-<name>/SKILL.md.
 */
import type { SetupPlan } from "../../src/adapter-kit/adapter.ts";
import { envPath, jsonServer, runtimeConfig, stdioEntry, under } from "../../src/setup/host.ts";
import { HostPlan } from "../../src/setup/planner.ts";
import { skillFolders } from "../../src/skills/render.ts";
import type { HostPaths } from "../../src/setup/types.ts";
import { descriptor } from "./descriptor.ts";

/** ~/.claude and ~/.claude.json; CLAUDE_CONFIG_DIR moves both into itself, as it does for claude. */
export function claudeConfig(paths: HostPaths): { dir: string; json: string } {
  const dir = envPath(paths.env, "CLAUDE_CONFIG_DIR");
  return dir
    ? { dir, json: under(dir, ".claude.json") }
    : { dir: under(paths.home, ".claude"), json: under(paths.home, ".claude.json") };
}

export const setup: SetupPlan = {
  files: [
    {
      path: "~/.claude.json",
      format: "json",
      change: "mcp-entry",
      purpose: "mcpServers.ouroboros (user scope) launching this binary's `mcp serve`",
    },
    {
      path: "~/.claude/skills/ouroboros-<skill>/SKILL.md",
      format: "markdown",
      change: "managed-file",
      purpose: "one skill per `ooo` command; stale managed skills pruned",
    },
  ],
  config: {
    "orchestrator.runtime_backend": "claude",
    "orchestrator.cli_path": "<resolved claude path>",
    "llm.backend": "claude",
  },
  notes: ["CLAUDE_CONFIG_DIR relocates both files, as it does for claude itself."],
  write(input, action) {
    const plan = new HostPlan(input);
    const config = claudeConfig(input.paths);
    jsonServer(plan, action, config.json, ["mcpServers", "ouroboros"], stdioEntry(input, { type: "stdio" }));
    skillFolders(plan, action, under(config.dir, "skills"), input.selfCommand);
    return plan.result();
  },
  configValues: (input) => runtimeConfig(input, descriptor.pathConfigKey),
};
