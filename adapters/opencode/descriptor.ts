/** OpenCode: static facts (spec runtimes.md §1.4, §1.5, §2.3). */
import type { RuntimeDescriptor } from "../../src/runtime/contract.ts";

export const descriptor: RuntimeDescriptor = {
  name: "opencode",
  displayName: "OpenCode",
  binary: "opencode",
  pathEnv: "OUROBOROS_OPENCODE_CLI_PATH",
  pathConfigKey: "opencode_cli_path",
  output: "opencode-json",
  npmPackage: "opencode-ai",
  versionArgs: ["--version"],
  installHint: "npm install -g opencode-ai  (then `opencode auth login` for a provider)",
  auth: {
    method: "OpenCode providers (opencode auth login) or provider API keys",
    env_vars: ["ANTHROPIC_API_KEY", "OPENAI_API_KEY", "OPENROUTER_API_KEY", "GEMINI_API_KEY"],
    files: ["~/.local/share/opencode/auth.json"],
  },
  capabilities: {
    skill_dispatch: true,
    targeted_resume: true,
    structured_output: true,
    system_prompt_support: "translated",
    tool_restriction_support: "translated",
    permission_mode_support: "translated",
    reasoning_effort_support: "native",
    model_override_support: "native",
    enforceable_reasoning_efforts: null,
    subagent_orchestration: "external_host_bridge",
    model_discovery: false,
    partial_resume: false,
  },
  env: {
    pass: [],
    // Multi-provider: forward provider keys and base URLs, never our own OUROBOROS_* values.
    passPrefixes: [
      "OPENCODE_",
      "ANTHROPIC_",
      "OPENAI_",
      "OPENROUTER_",
      "GEMINI_",
      "GOOGLE_",
      "GROQ_",
      "MISTRAL_",
      "DEEPSEEK_",
      "XAI_",
      "AWS_",
      "AZURE_",
    ],
    strip: ["CLAUDECODE"],
    set: {},
  },
  defaultTimeouts: { startup_ms: 120_000, idle_ms: 600_000, total_ms: 0 },
};
