/** Gemini CLI: static facts. */
import type { RuntimeDescriptor } from "../../src/adapter-kit/contract.ts";

export const descriptor: RuntimeDescriptor = {
  name: "gemini",
  displayName: "Gemini CLI",
  aliases: ["gemini_cli"],
  binary: "gemini",
  pathEnv: "OUROBOROS_GEMINI_CLI_PATH",
  pathConfigKey: "gemini_cli_path",
  output: "gemini-stream-json",
  npmPackage: "@google/gemini-cli",
  tierModels: { frugal: "gemini-2.0-flash", standard: "gemini-2.5-pro", frontier: "gemini-2.5-pro" },
  versionArgs: ["--version"],
  installHint: "npm install -g @google/gemini-cli  (then run `gemini` once to sign in, or set GEMINI_API_KEY)",
  auth: {
    method: "Google sign-in (gemini), GEMINI_API_KEY or Vertex AI (GOOGLE_API_KEY / GOOGLE_APPLICATION_CREDENTIALS)",
    env_vars: ["GEMINI_API_KEY", "GOOGLE_API_KEY", "GOOGLE_APPLICATION_CREDENTIALS"],
    files: ["~/.gemini/oauth_creds.json", "~/.gemini/settings.json"],
  },
  capabilities: {
    skill_dispatch: true,
    // Target §7.2: `--resume <session uuid>` continues the session (verified on 0.61).
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
  env: { pass: [], passPrefixes: ["GEMINI_", "GOOGLE_", "CLOUDSDK_"], strip: ["CLAUDECODE"], set: {} },
  secretEnv: ["GEMINI_API_KEY", "GOOGLE_API_KEY"],
  defaultTimeouts: { startup_ms: 60_000, idle_ms: 300_000, total_ms: 0 },
};
