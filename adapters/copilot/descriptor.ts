/** GitHub Copilot CLI: static facts. */
import type { RuntimeDescriptor } from "../../src/adapter-kit/contract.ts";

export const descriptor: RuntimeDescriptor = {
  name: "copilot",
  displayName: "GitHub Copilot CLI",
  aliases: ["copilot_cli"],
  binary: "copilot",
  pathEnv: "OUROBOROS_COPILOT_CLI_PATH",
  pathConfigKey: "copilot_cli_path",
  output: "copilot-json",
  npmPackage: "@github/copilot",
  versionArgs: ["--version"],
  installHint: "npm install -g @github/copilot  (then `copilot` → /login, or set GH_TOKEN)",
  auth: {
    method: "GitHub login (copilot /login, gh auth) or GH_TOKEN / GITHUB_TOKEN",
    env_vars: ["GH_TOKEN", "GITHUB_TOKEN", "COPILOT_TOKEN"],
    files: ["~/.copilot/config.json"],
  },
  capabilities: {
    skill_dispatch: true,
    // Upstream has none; Target §7.3: `result.sessionId` + `--resume=<id>` continue the session
    // (covered by the contract test against the real CLI).
    targeted_resume: true,
    structured_output: false,
    system_prompt_support: "translated",
    tool_restriction_support: "native",
    permission_mode_support: "native",
    reasoning_effort_support: "native",
    model_override_support: "native",
    enforceable_reasoning_efforts: ["none", "low", "medium", "high", "xhigh", "max"],
    subagent_orchestration: "none",
    model_discovery: true,
    partial_resume: false,
  },
  env: {
    pass: ["GH_TOKEN", "GITHUB_TOKEN", "GH_HOST"],
    passPrefixes: ["COPILOT_"],
    strip: ["COPILOT_SESSION_ID", "COPILOT_RESUME", "COPILOT_ALLOW_ALL", "CLAUDECODE", "CODEX_THREAD_ID"],
    set: {},
  },
  secretEnv: ["GH_TOKEN", "GITHUB_TOKEN", "COPILOT_TOKEN", "COPILOT_GITHUB_TOKEN", "COPILOT_PROVIDER_API_KEY"],
  defaultTimeouts: { startup_ms: 60_000, idle_ms: 300_000, total_ms: 0 },
};
