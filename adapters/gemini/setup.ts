/** `ouroboros setup --runtime gemini` host files (spec runtimes.md §4, §7.9), consumed by the setup command. */
import type { SetupPlan } from "../../src/runtime/adapter.ts";

export const setup: SetupPlan = {
  files: [
    { path: "~/.gemini/GEMINI.md", format: "markdown", change: "managed-section", purpose: "skill capability guide between ouroboros markers" },
    { path: "~/.gemini/settings.json", format: "json", change: "mcp-entry", purpose: "mcpServers.ouroboros stdio launcher (Target §7.9)" },
  ],
  config: { "orchestrator.runtime_backend": "gemini", "orchestrator.gemini_cli_path": "<resolved gemini path>", "llm.backend": "gemini" },
  notes: [],
};
