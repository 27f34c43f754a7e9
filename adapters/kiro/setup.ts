/**
 * `ouroboros setup --runtime kiro`: ~/.kiro/settings/mcp.json with
 * `disabled: false` forced and both OUROBOROS_RUNTIME and OUROBOROS_AGENT_RUNTIME set, plus the
 * capability guide as a steering file.
 */
import type { SetupPlan } from "../../src/adapter-kit/adapter.ts";
import { managedFile } from "../../src/setup/edits.ts";
import { jsonServer, runtimeConfig, stdioEntry, under } from "../../src/setup/host.ts";
import { HostPlan } from "../../src/setup/planner.ts";
import type { HostPaths } from "../../src/setup/types.ts";
import { descriptor } from "./descriptor.ts";
import { managedGuideFile } from "../../src/skills/render.ts";

/** Kiro reads ~/.kiro; no variable moves it. */
export const kiroHome = (paths: HostPaths): string => under(paths.home, ".kiro");

export const setup: SetupPlan = {
  files: [
    {
      path: "~/.kiro/settings/mcp.json",
      format: "json",
      change: "mcp-entry",
      purpose: "mcpServers.ouroboros (disabled: false) with OUROBOROS_RUNTIME and OUROBOROS_AGENT_RUNTIME=kiro",
    },
    {
      path: "~/.kiro/steering/ouroboros-skill-capability-guide.md",
      format: "markdown",
      change: "managed-file",
      purpose: "skill capability guide",
    },
  ],
  config: {
    "orchestrator.runtime_backend": "kiro",
    "orchestrator.kiro_cli_path": "<resolved kiro-cli path>",
    "llm.backend": "kiro",
  },
  notes: ["Restart Kiro after the first registration."],
  write(input, action) {
    const plan = new HostPlan(input);
    const dir = kiroHome(input.paths);
    const entry = stdioEntry(input);
    jsonServer(plan, action, under(dir, "settings", "mcp.json"), ["mcpServers", "ouroboros"], {
      ...entry,
      env: { ...(entry.env as object), OUROBOROS_RUNTIME: "kiro" },
      disabled: false,
    });
    const guide = under(dir, "steering", "ouroboros-skill-capability-guide.md");
    plan.edit(
      guide,
      (t) =>
        action === "install"
          ? managedFile.install(t, managedGuideFile(input.selfCommand), guide)
          : managedFile.uninstall(t),
      dir,
    );
    return plan.result();
  },
  configValues: (input) => runtimeConfig(input, descriptor.pathConfigKey),
};
