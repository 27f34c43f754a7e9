/**
 * `ouroboros setup --runtime codex` (spec runtimes.md §4): a marked `[mcp_servers.ouroboros]` block
 * in $CODEX_HOME/config.toml (comments and user tables untouched; validated with smol-toml before
 * and after), rules, one skill per `ooo` command, and the worker profile.
 */
import type { SetupPlan } from "../../src/runtime/adapter.ts";
import { managedFile, MANAGED_MARK, tomlServerBlock } from "../../src/setup/edits.ts";
import { runtimeConfig, skillFolders, under } from "../../src/setup/host.ts";
import { HostPlan } from "../../src/setup/planner.ts";
import { managedGuideFile } from "../../src/skills/render.ts";

/** Layered by `codex exec --profile ouroboros-worker`: worker turns must not call back into us. */
const WORKER_PROFILE = `# ${MANAGED_MARK}: written by \`ouroboros setup --runtime codex\`; replaced on the next setup.
# Layered by \`--profile ouroboros-worker\` for Ouroboros worker turns (recursion guard).
[mcp_servers.ouroboros]
enabled = false
`;

export const setup: SetupPlan = {
  files: [
    { path: "$CODEX_HOME/config.toml", format: "toml", change: "config-block", purpose: "[mcp_servers.ouroboros] stdio launcher with OUROBOROS_AGENT_RUNTIME/LLM_BACKEND=codex" },
    { path: "$CODEX_HOME/ouroboros-worker.config.toml", format: "toml", change: "managed-file", purpose: "profile layered by `--profile ouroboros-worker` for worker turns" },
    { path: "$CODEX_HOME/rules/ouroboros.md", format: "markdown", change: "managed-file", purpose: "rules telling Codex how to use the Ouroboros tools" },
    { path: "$CODEX_HOME/skills/ouroboros-<skill>/SKILL.md", format: "markdown", change: "managed-file", purpose: "one skill per `ooo` command; stale managed skills pruned" },
  ],
  config: { "orchestrator.runtime_backend": "codex", "orchestrator.codex_cli_path": "<resolved codex path>", "llm.backend": "codex" },
  notes: ["$CODEX_HOME defaults to ~/.codex."],
  write(input, action) {
    const plan = new HostPlan(input);
    const home = input.paths.codexHome;
    const server = { command: input.server.command, args: input.server.args, env: input.server.env };
    plan.edit(under(home, "config.toml"), (t) => (action === "install" ? tomlServerBlock.install(t, "mcp_servers.ouroboros", server, input.mcpMode) : tomlServerBlock.uninstall(t)));
    for (const [file, content] of [
      [under(home, "ouroboros-worker.config.toml"), WORKER_PROFILE],
      [under(home, "rules", "ouroboros.md"), managedGuideFile(input.selfCommand)],
    ] as const) {
      plan.edit(file, (t) => (action === "install" ? managedFile.install(t, content, file) : managedFile.uninstall(t)), home);
    }
    skillFolders(plan, action, under(home, "skills"), input.selfCommand);
    return plan.result();
  },
  configValues: (input) => runtimeConfig(input),
};
