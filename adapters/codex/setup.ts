/** `ouroboros setup --runtime codex` host files (spec runtimes.md §4), consumed by the setup command. */
import type { SetupPlan } from "../../src/runtime/adapter.ts";

export const setup: SetupPlan = {
  files: [
    { path: "$CODEX_HOME/config.toml", format: "toml", change: "config-block", purpose: "[mcp_servers.ouroboros] stdio launcher with OUROBOROS_AGENT_RUNTIME/LLM_BACKEND=codex" },
    { path: "$CODEX_HOME/ouroboros-worker.config.toml", format: "toml", change: "managed-file", purpose: "profile layered by `--profile ouroboros-worker` for worker turns" },
    { path: "$CODEX_HOME/rules/ouroboros.md", format: "markdown", change: "managed-file", purpose: "rules telling Codex how to use the Ouroboros tools" },
    { path: "$CODEX_HOME/skills/ouroboros-<skill>/SKILL.md", format: "markdown", change: "managed-file", purpose: "one skill per `ooo` command; stale managed skills pruned" },
  ],
  config: { "orchestrator.runtime_backend": "codex", "orchestrator.codex_cli_path": "<resolved codex path>", "llm.backend": "codex" },
  notes: ["$CODEX_HOME defaults to ~/.codex."],
};
