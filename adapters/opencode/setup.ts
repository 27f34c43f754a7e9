/** `ouroboros setup --runtime opencode` host files (spec runtimes.md §4), consumed by the setup command. */
import type { SetupPlan } from "../../src/runtime/adapter.ts";

export const setup: SetupPlan = {
  files: [
    { path: "<opencode config dir>/opencode.jsonc", format: "jsonc", change: "mcp-entry", purpose: "mcp.ouroboros local server and (plugin mode) the plugin[] entry; comments preserved" },
    { path: "<opencode config dir>/plugins/ouroboros-bridge/ouroboros-bridge.ts", format: "typescript", change: "managed-file", purpose: "bridge plugin spawning native child sessions (plugin mode only; removed in subprocess mode)" },
    { path: "<opencode config dir>/AGENTS.md", format: "markdown", change: "managed-section", purpose: "skill capability guide between ouroboros markers" },
  ],
  config: { "orchestrator.runtime_backend": "opencode", "orchestrator.opencode_cli_path": "<resolved opencode path>", "orchestrator.opencode_mode": "plugin | subprocess", "llm.backend": "opencode" },
  notes: ["Config dir: OPENCODE_CONFIG_DIR > `opencode debug paths` > $XDG_CONFIG_HOME/opencode > ~/.config/opencode."],
};
