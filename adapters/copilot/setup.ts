/**
 * `ouroboros setup --runtime copilot`: the MCP server in
 * ~/.copilot/mcp-config.json and the instructions children get through
 * COPILOT_CUSTOM_INSTRUCTIONS_DIRS (the copilot adapter adds ~/.copilot/ouroboros-instructions).
 * The spec names the file AGENTS.md, but Copilot 1.0.102 reads only `*.instructions.md` from
 * those directories (verified in test/setup/consumers.test.ts), so that is what we write; a
 * managed AGENTS.md left there is removed. The model picker (§5) is src/setup/copilot-models.ts.
 */
import type { SetupPlan } from "../../src/adapter-kit/adapter.ts";
import { managedFile } from "../../src/setup/edits.ts";
import { envPath, jsonServer, runtimeConfig, stdioEntry, under } from "../../src/setup/host.ts";
import { HostPlan } from "../../src/setup/planner.ts";
import type { HostPaths } from "../../src/setup/types.ts";
import { descriptor } from "./descriptor.ts";
import { managedGuideFile } from "../../src/skills/render.ts";

/** $COPILOT_HOME, or ~/.copilot. */
export const copilotHome = (paths: HostPaths): string =>
  envPath(paths.env, "COPILOT_HOME") ?? under(paths.home, ".copilot");

export const setup: SetupPlan = {
  files: [
    {
      path: "~/.copilot/mcp-config.json",
      format: "json",
      change: "mcp-entry",
      purpose: "mcpServers.ouroboros stdio launcher with OUROBOROS_AGENT_RUNTIME/LLM_BACKEND=copilot",
    },
    {
      path: "~/.copilot/ouroboros-instructions/ouroboros.instructions.md",
      format: "markdown",
      change: "managed-file",
      purpose: "instructions read through COPILOT_CUSTOM_INSTRUCTIONS_DIRS by child sessions",
    },
  ],
  config: {
    "orchestrator.runtime_backend": "copilot",
    "orchestrator.copilot_cli_path": "<resolved copilot path>",
    "llm.backend": "copilot",
    "orchestrator.copilot_model": "<model chosen from live discovery>",
  },
  notes: ["Restart Copilot after the first registration."],
  write(input, action) {
    const plan = new HostPlan(input);
    const dir = copilotHome(input.paths);
    // Copilot's own entries carry `type` and a `tools` allow-list; "*" exposes every tool.
    jsonServer(
      plan,
      action,
      under(dir, "mcp-config.json"),
      ["mcpServers", "ouroboros"],
      stdioEntry(input, { type: "local", tools: ["*"] }),
    );
    const guide = under(dir, "ouroboros-instructions", "ouroboros.instructions.md");
    plan.edit(
      guide,
      (t) =>
        action === "install"
          ? managedFile.install(t, managedGuideFile(input.selfCommand), guide)
          : managedFile.uninstall(t),
      dir,
    );
    plan.edit(under(dir, "ouroboros-instructions", "AGENTS.md"), managedFile.uninstall, dir);
    return plan.result();
  },
  configValues: (input) => runtimeConfig(input, descriptor.pathConfigKey),
};
