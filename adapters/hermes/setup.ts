/** `ouroboros setup --runtime hermes` host files (spec runtimes.md §4), consumed by the setup command. */
import type { SetupPlan } from "../../src/runtime/adapter.ts";

export const setup: SetupPlan = {
  files: [
    { path: "~/.hermes/config.yaml", format: "yaml", change: "mcp-entry", purpose: "mcp_servers.ouroboros {command, args, enabled: true}; our entry rewritten wholesale" },
    { path: "~/.hermes/skills/autonomous-ai-agents/ouroboros/", format: "markdown", change: "managed-file", purpose: "Ouroboros skills" },
  ],
  config: { "orchestrator.runtime_backend": "hermes", "orchestrator.hermes_cli_path": "<resolved hermes path>" },
  notes: ["llm.backend is left unchanged for Hermes."],
};
