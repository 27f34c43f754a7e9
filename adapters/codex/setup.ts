/**
 * `ouroboros setup --runtime codex`: a marked `[mcp_servers.ouroboros]` block
 * in $CODEX_HOME/config.toml (comments and user tables untouched; validated with smol-toml before
 * and after), rules and one skill per `ooo` command. Worker turns need no profile: the recursion
 * guard is `_OUROBOROS_DEPTH` in the child environment, so no `ouroboros-worker` profile is written
 * (one left by an older setup is removed).
 */
import type { SetupPlan } from "../../src/adapter-kit/adapter.ts";
import { managedFile, tomlServerBlock } from "../../src/setup/edits.ts";
import { envPath, runtimeConfig, under } from "../../src/setup/host.ts";
import { HostPlan } from "../../src/setup/planner.ts";
import type { HostPaths } from "../../src/setup/types.ts";
import { descriptor } from "./descriptor.ts";
import { managedGuideFile, skillFolders } from "../../src/skills/render.ts";

/** $CODEX_HOME, or ~/.codex. */
export const codexHome = (paths: HostPaths): string => envPath(paths.env, "CODEX_HOME") ?? under(paths.home, ".codex");

/** Written by older versions of setup; nothing runs with it, so setup removes it. */
const STALE_WORKER_PROFILE = "ouroboros-worker.config.toml";

export const setup: SetupPlan = {
  files: [
    {
      path: "$CODEX_HOME/config.toml",
      format: "toml",
      change: "config-block",
      purpose: "[mcp_servers.ouroboros] stdio launcher with OUROBOROS_AGENT_RUNTIME/LLM_BACKEND=codex",
    },
    {
      path: "$CODEX_HOME/rules/ouroboros.md",
      format: "markdown",
      change: "managed-file",
      purpose: "rules telling Codex how to use the Ouroboros tools",
    },
    {
      path: "$CODEX_HOME/skills/ouroboros-<skill>/SKILL.md",
      format: "markdown",
      change: "managed-file",
      purpose: "one skill per `ooo` command; stale managed skills pruned",
    },
  ],
  config: {
    "orchestrator.runtime_backend": "codex",
    "orchestrator.codex_cli_path": "<resolved codex path>",
    "llm.backend": "codex",
  },
  notes: ["$CODEX_HOME defaults to ~/.codex."],
  write(input, action) {
    const plan = new HostPlan(input);
    const home = codexHome(input.paths);
    const server = { command: input.server.command, args: input.server.args, env: input.server.env };
    plan.edit(under(home, "config.toml"), (t) =>
      action === "install"
        ? tomlServerBlock.install(t, "mcp_servers.ouroboros", server, input.mcpMode)
        : tomlServerBlock.uninstall(t),
    );
    const rules = under(home, "rules", "ouroboros.md");
    plan.edit(
      rules,
      (t) =>
        action === "install"
          ? managedFile.install(t, managedGuideFile(input.selfCommand), rules)
          : managedFile.uninstall(t),
      home,
    );
    plan.edit(under(home, STALE_WORKER_PROFILE), (t) => managedFile.uninstall(t), home);
    skillFolders(plan, action, under(home, "skills"), input.selfCommand);
    return plan.result();
  },
  configValues: (input) => runtimeConfig(input, descriptor.pathConfigKey),
};
