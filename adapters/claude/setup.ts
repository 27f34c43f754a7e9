/**
 * `ouroboros setup --runtime claude` (spec runtimes.md §4): no host files — the MCP server comes
 * from the Claude plugin manifest; only ~/.ouroboros/config.yaml changes.
 */
import type { SetupPlan } from "../../src/runtime/adapter.ts";

export const setup: SetupPlan = {
  files: [],
  config: { "orchestrator.runtime_backend": "claude", "orchestrator.cli_path": "<resolved claude path>", "llm.backend": "claude" },
  notes: ["The Ouroboros MCP server is registered by the Claude plugin manifest, not by setup."],
};
