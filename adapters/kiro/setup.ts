/** `ouroboros setup --runtime kiro` host files (spec runtimes.md §4, §7.9), consumed by the setup command. */
import type { SetupPlan } from "../../src/runtime/adapter.ts";

export const setup: SetupPlan = {
  files: [
    { path: "~/.kiro/settings/mcp.json", format: "json", change: "mcp-entry", purpose: "mcpServers.ouroboros (disabled: false) with OUROBOROS_RUNTIME and OUROBOROS_AGENT_RUNTIME=kiro" },
    { path: "~/.kiro/steering/ouroboros-skill-capability-guide.md", format: "markdown", change: "managed-file", purpose: "skill capability guide" },
  ],
  config: { "orchestrator.runtime_backend": "kiro", "orchestrator.kiro_cli_path": "<resolved kiro-cli path>", "llm.backend": "kiro" },
  notes: ["Restart Kiro after the first registration."],
};
