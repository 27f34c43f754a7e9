/**
 * `ouroboros setup --runtime hermes`: `mcp_servers.ouroboros` in
 * ~/.hermes/config.yaml (our entry rewritten wholesale, the rest keeps its comments) and the
 * ouroboros skill folder. llm.backend is left as it is.
 */
import type { SetupPlan } from "../../src/adapter-kit/adapter.ts";
import { managedFile } from "../../src/setup/edits.ts";
import { yamlEntry } from "../../src/setup/yaml-edit.ts";
import { envPath, runtimeConfig, under } from "../../src/setup/host.ts";
import { HostPlan } from "../../src/setup/planner.ts";
import type { HostPaths } from "../../src/setup/types.ts";
import { descriptor } from "./descriptor.ts";
import { hermesSkill } from "../../src/skills/render.ts";

/** $HERMES_HOME, or ~/.hermes. */
export const hermesHome = (paths: HostPaths): string =>
  envPath(paths.env, "HERMES_HOME") ?? under(paths.home, ".hermes");

export const setup: SetupPlan = {
  files: [
    {
      path: "~/.hermes/config.yaml",
      format: "yaml",
      change: "mcp-entry",
      purpose: "mcp_servers.ouroboros {command, args, env, enabled: true}; our entry rewritten wholesale",
    },
    {
      path: "~/.hermes/skills/autonomous-ai-agents/ouroboros/SKILL.md",
      format: "markdown",
      change: "managed-file",
      purpose: "Ouroboros skill (all `ooo` commands)",
    },
  ],
  config: { "orchestrator.runtime_backend": "hermes", "orchestrator.hermes_cli_path": "<resolved hermes path>" },
  notes: ["llm.backend is left unchanged for Hermes."],
  keepsLlmBackend: true,
  write(input, action) {
    const plan = new HostPlan(input);
    const home = hermesHome(input.paths);
    const path = ["mcp_servers", "ouroboros"] as const;
    const entry = {
      command: input.server.command,
      args: [...input.server.args],
      env: { ...input.server.env },
      enabled: true,
    };
    plan.edit(under(home, "config.yaml"), (t) =>
      action === "install" ? yamlEntry.install(t, path, entry) : yamlEntry.uninstall(t, path),
    );
    const skill = under(home, "skills", "autonomous-ai-agents", "ouroboros", "SKILL.md");
    plan.edit(
      skill,
      (t) =>
        action === "install" ? managedFile.install(t, hermesSkill(input.selfCommand), skill) : managedFile.uninstall(t),
      under(home, "skills"),
    );
    return plan.result();
  },
  configValues: (input) => runtimeConfig(input, descriptor.pathConfigKey, { llm: false }),
};
