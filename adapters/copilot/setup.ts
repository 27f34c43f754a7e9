/** `ouroboros setup --runtime copilot` host files (spec runtimes.md §4, §5), consumed by the setup command. */
import type { SetupPlan } from "../../src/runtime/adapter.ts";

export const setup: SetupPlan = {
  files: [
    { path: "~/.copilot/mcp-config.json", format: "json", change: "mcp-entry", purpose: "mcpServers.ouroboros stdio launcher with OUROBOROS_AGENT_RUNTIME/LLM_BACKEND=copilot" },
    { path: "~/.copilot/ouroboros-instructions/AGENTS.md", format: "markdown", change: "managed-file", purpose: "instructions appended to COPILOT_CUSTOM_INSTRUCTIONS_DIRS for children" },
  ],
  config: { "orchestrator.runtime_backend": "copilot", "orchestrator.copilot_cli_path": "<resolved copilot path>", "llm.backend": "copilot", "llm.qa_model": "<model chosen from live discovery (spec §5)>" },
  notes: ["Restart Copilot after the first registration."],
};
