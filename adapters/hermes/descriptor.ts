/** Hermes agent CLI: static facts. Not on npm. */
import type { RuntimeDescriptor } from "../../src/adapter-kit/contract.ts";

export const descriptor: RuntimeDescriptor = {
  name: "hermes",
  displayName: "Hermes",
  aliases: ["hermes_cli"],
  binary: "hermes",
  pathEnv: "OUROBOROS_HERMES_CLI_PATH",
  pathConfigKey: "hermes_cli_path",
  versionArgs: ["--version"],
  installHint: "install Hermes Agent ≥ 0.8 (see its install docs) and configure a provider in ~/.hermes/config.yaml",
  auth: {
    method: "Hermes provider configuration (~/.hermes) or provider API keys",
    env_vars: ["OPENROUTER_API_KEY", "ANTHROPIC_API_KEY", "OPENAI_API_KEY"],
    files: ["~/.hermes/config.yaml", "~/.hermes/.env"],
  },
  capabilities: {
    skill_dispatch: true,
    targeted_resume: true,
    structured_output: true,
    system_prompt_support: "translated",
    tool_restriction_support: "translated",
    permission_mode_support: "translated",
    reasoning_effort_support: "ignored",
    model_override_support: "native",
    enforceable_reasoning_efforts: null,
    subagent_orchestration: "none",
    model_discovery: false,
    partial_resume: false,
  },
  env: {
    pass: [],
    passPrefixes: ["HERMES_", "OPENROUTER_", "ANTHROPIC_", "OPENAI_", "NOUS_"],
    strip: ["CLAUDECODE"],
    set: {},
  },
  secretEnv: ["OPENROUTER_API_KEY", "ANTHROPIC_API_KEY", "OPENAI_API_KEY"],
  defaultTimeouts: { startup_ms: 60_000, idle_ms: 300_000, total_ms: 0 },
};
