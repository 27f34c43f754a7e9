/** Codex CLI: static facts. */
import type { RuntimeDescriptor } from "../../src/adapter-kit/contract.ts";

export const descriptor: RuntimeDescriptor = {
  name: "codex",
  displayName: "Codex CLI",
  aliases: ["codex_cli"],
  binary: "codex",
  pathEnv: "OUROBOROS_CODEX_CLI_PATH",
  pathConfigKey: "codex_cli_path",
  output: "codex-jsonl",
  npmPackage: "@openai/codex",
  tierModels: { frugal: "gpt-5.1-codex-mini", standard: "gpt-5-codex", frontier: "gpt-5.2" },
  versionArgs: ["--version"],
  installHint: "npm install -g @openai/codex  (then `codex login`, or set OPENAI_API_KEY)",
  auth: {
    method: "codex login (ChatGPT) or OPENAI_API_KEY",
    env_vars: ["OPENAI_API_KEY", "CODEX_API_KEY"],
    files: ["$CODEX_HOME/auth.json"],
  },
  capabilities: {
    skill_dispatch: true,
    targeted_resume: true,
    structured_output: true,
    system_prompt_support: "translated",
    tool_restriction_support: "translated",
    permission_mode_support: "native",
    reasoning_effort_support: "native",
    model_override_support: "native",
    enforceable_reasoning_efforts: ["minimal", "low", "medium", "high", "xhigh"],
    subagent_orchestration: "internal",
    model_discovery: false,
    partial_resume: false,
  },
  env: {
    pass: [],
    passPrefixes: ["CODEX_", "OPENAI_", "AZURE_OPENAI_"],
    strip: ["CODEX_THREAD_ID", "CLAUDECODE"],
    set: {},
  },
  secretEnv: ["OPENAI_API_KEY", "CODEX_API_KEY", "AZURE_OPENAI_API_KEY"],
  defaultTimeouts: { startup_ms: 60_000, idle_ms: 300_000, total_ms: 0 },
};
