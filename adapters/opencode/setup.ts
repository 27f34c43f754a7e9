/**
 * `ouroboros setup --runtime opencode`: `mcp.ouroboros` in
 * opencode.jsonc/.json edited in place (comments survive, upstream #404), the bridge plugin and its
 * `plugin[]` entry in plugin mode (removed in subprocess mode), and the guide section in AGENTS.md.
 */
import type { SetupPlan } from "../../src/adapter-kit/adapter.ts";
import { jsonEntry, managedFile } from "../../src/setup/edits.ts";
import { envPath, guideSection, jsonServer, runtimeConfig, under } from "../../src/setup/host.ts";
import { HostPlan } from "../../src/setup/planner.ts";
import type { HostPaths, SetupInput } from "../../src/setup/types.ts";
import { descriptor } from "./descriptor.ts";
import { capabilityGuide } from "../../src/skills/render.ts";
import { BRIDGE_PLUGIN } from "./bridge-plugin.ts";

const PLUGIN_TAIL = "plugins/ouroboros-bridge/ouroboros-bridge.ts";
const isBridge = (s: string) => s.replace(/\\/g, "/").endsWith(PLUGIN_TAIL);

/**
 * OPENCODE_CONFIG_DIR, or $XDG_CONFIG_HOME/opencode. `opencode debug paths` would give the same
 * answer from the same variables; starting OpenCode costs ~1 s, so it is not asked.
 */
export const opencodeDir = (paths: HostPaths): string =>
  envPath(paths.env, "OPENCODE_CONFIG_DIR") ?? under(paths.xdgConfig, "opencode");

/** OPENCODE_CONFIG, else opencode.jsonc in `dir` unless only an opencode.json is there. */
function opencodeFile(input: SetupInput, dir: string): string {
  const jsonc = under(dir, "opencode.jsonc");
  const json = under(dir, "opencode.json");
  return (
    envPath(input.paths.env, "OPENCODE_CONFIG") ??
    (input.read(jsonc) !== null || input.read(json) === null ? jsonc : json)
  );
}

export const setup: SetupPlan = {
  files: [
    {
      path: "<opencode config dir>/opencode.jsonc",
      format: "jsonc",
      change: "mcp-entry",
      purpose: "mcp.ouroboros local server and (plugin mode) the plugin[] entry; comments preserved",
    },
    {
      path: "<opencode config dir>/plugins/ouroboros-bridge/ouroboros-bridge.ts",
      format: "typescript",
      change: "managed-file",
      purpose: "bridge plugin spawning native child sessions (plugin mode only; removed in subprocess mode)",
    },
    {
      path: "<opencode config dir>/AGENTS.md",
      format: "markdown",
      change: "managed-section",
      purpose: "skill capability guide between ouroboros markers",
    },
  ],
  config: {
    "orchestrator.runtime_backend": "opencode",
    "orchestrator.opencode_cli_path": "<resolved opencode path>",
    "orchestrator.opencode_mode": "plugin | subprocess",
    "llm.backend": "opencode",
  },
  notes: [
    "Config dir: OPENCODE_CONFIG_DIR > $XDG_CONFIG_HOME/opencode > ~/.config/opencode; file: OPENCODE_CONFIG > opencode.jsonc > opencode.json.",
  ],
  write(input, action) {
    const plan = new HostPlan(input);
    const dir = opencodeDir(input.paths);
    const file = opencodeFile(input, dir);
    const entry = {
      type: "local",
      command: [input.server.command, ...input.server.args],
      environment: { ...input.server.env },
      enabled: true,
      timeout: 300000,
    };
    jsonServer(plan, action, file, ["mcp", "ouroboros"], entry, { jsonc: true, envKey: "environment" });
    const pluginFile = under(dir, ...PLUGIN_TAIL.split("/"));
    const withPlugin = action === "install" && input.opencodeMode === "plugin";
    plan.edit(
      pluginFile,
      (t) => (withPlugin ? managedFile.install(t, BRIDGE_PLUGIN, pluginFile) : managedFile.uninstall(t)),
      dir,
    );
    plan.edit(file, (t) =>
      withPlugin
        ? jsonEntry.addToArray(t ?? "", ["plugin"], `file://${pluginFile}`, isBridge, true)
        : jsonEntry.removeFromArray(t, ["plugin"], isBridge, true),
    );
    guideSection(plan, action, under(dir, "AGENTS.md"), capabilityGuide(input.selfCommand));
    return plan.result();
  },
  configValues: (input) => ({
    ...runtimeConfig(input, descriptor.pathConfigKey),
    "orchestrator.opencode_mode": input.opencodeMode,
  }),
};
