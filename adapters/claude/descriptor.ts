/** Claude Code: static facts. */
import type { RuntimeDescriptor } from "../../src/adapter-kit/contract.ts";

export const descriptor: RuntimeDescriptor = {
  name: "claude",
  displayName: "Claude Code",
  aliases: ["claude_code", "claude-cli"],
  binary: "claude",
  pathEnv: "OUROBOROS_CLI_PATH",
  pathConfigKey: "cli_path",
  output: "claude-stream-json",
  npmPackage: "@anthropic-ai/claude-code",
  tierModels: { frugal: "claude-haiku-4-5", standard: "claude-sonnet-4-6", frontier: "claude-opus-5" },
  versionArgs: ["--version"],
  installHint: "npm install -g @anthropic-ai/claude-code  (then run `claude` once to log in, or set ANTHROPIC_API_KEY)",
  auth: {
    method: "Claude login (claude /login) or ANTHROPIC_API_KEY",
    env_vars: ["ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "CLAUDE_CODE_OAUTH_TOKEN"],
    files: ["~/.claude/.credentials.json"],
  },
  capabilities: {
    skill_dispatch: true,
    targeted_resume: true,
    structured_output: true,
    system_prompt_support: "native",
    tool_restriction_support: "native",
    permission_mode_support: "native",
    reasoning_effort_support: "native",
    model_override_support: "native",
    enforceable_reasoning_efforts: ["low", "medium", "high", "xhigh", "max"],
    subagent_orchestration: "none",
    model_discovery: false,
    partial_resume: false,
  },
  env: {
    pass: ["IS_SANDBOX", "CLAUDE_CONFIG_DIR"],
    passPrefixes: ["ANTHROPIC_", "CLAUDE_CODE_", "DISABLE_", "AWS_", "VERTEX_", "CLOUD_ML_", "MCP_"],
    strip: ["CLAUDECODE"],
    set: {},
  },
  secretEnv: ["ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "CLAUDE_CODE_OAUTH_TOKEN", "AWS_BEARER_TOKEN_BEDROCK"],
  defaultTimeouts: { startup_ms: 60_000, idle_ms: 300_000, total_ms: 0 },
};
