/**
 * `ouroboros setup --runtime gemini`: the capability guide as a managed
 * section of ~/.gemini/GEMINI.md, and (Target) the MCP server in ~/.gemini/settings.json, which
 * Gemini reads as JSON with comments — comments survive.
 */
import type { SetupPlan } from "../../src/adapter-kit/adapter.ts";
import { guideSection, jsonServer, runtimeConfig, stdioEntry, under } from "../../src/setup/host.ts";
import { HostPlan } from "../../src/setup/planner.ts";
import type { HostPaths } from "../../src/setup/types.ts";
import { descriptor } from "./descriptor.ts";
import { capabilityGuide } from "../../src/skills/render.ts";

/** ~/.gemini; setup honours no variable for it. */
export const geminiHome = (paths: HostPaths): string => under(paths.home, ".gemini");

export const setup: SetupPlan = {
  files: [
    {
      path: "~/.gemini/GEMINI.md",
      format: "markdown",
      change: "managed-section",
      purpose: "skill capability guide between ouroboros markers",
    },
    {
      path: "~/.gemini/settings.json",
      format: "jsonc",
      change: "mcp-entry",
      purpose: "mcpServers.ouroboros stdio launcher (Target §7.9)",
    },
  ],
  config: {
    "orchestrator.runtime_backend": "gemini",
    "orchestrator.gemini_cli_path": "<resolved gemini path>",
    "llm.backend": "gemini",
  },
  notes: [],
  write(input, action) {
    const plan = new HostPlan(input);
    const dir = geminiHome(input.paths);
    guideSection(plan, action, under(dir, "GEMINI.md"), capabilityGuide(input.selfCommand));
    jsonServer(plan, action, under(dir, "settings.json"), ["mcpServers", "ouroboros"], stdioEntry(input), {
      jsonc: true,
    });
    return plan.result();
  },
  configValues: (input) => runtimeConfig(input, descriptor.pathConfigKey),
};
