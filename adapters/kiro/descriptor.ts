/** Kiro CLI: static facts. Not on npm: no npmPackage. */
import type { RuntimeDescriptor } from "../../src/adapter-kit/contract.ts";

export const descriptor: RuntimeDescriptor = {
  name: "kiro",
  displayName: "Kiro CLI",
  aliases: ["kiro_cli", "kiro-cli"],
  binary: "kiro-cli",
  pathEnv: "OUROBOROS_KIRO_CLI_PATH",
  pathConfigKey: "kiro_cli_path",
  versionArgs: ["--version"],
  installHint:
    "install Kiro CLI from https://kiro.dev/cli (then `kiro-cli login`, or set KIRO_API_KEY for headless use)",
  auth: { method: "Kiro sign-in (kiro-cli login) or KIRO_API_KEY", env_vars: ["KIRO_API_KEY"], files: ["~/.kiro/"] },
  capabilities: {
    skill_dispatch: true,
    targeted_resume: false,
    structured_output: false,
    system_prompt_support: "translated",
    tool_restriction_support: "native",
    permission_mode_support: "translated",
    reasoning_effort_support: "ignored",
    model_override_support: "native",
    enforceable_reasoning_efforts: null,
    subagent_orchestration: "none",
    model_discovery: false,
    // Older builds print no session id: a caller that knows it passes `run workflow --resume-id`;
    // newer ones print it and the parser takes it, so later turns resume it.
    partial_resume: true,
  },
  env: {
    pass: [],
    passPrefixes: ["KIRO_", "AWS_"],
    strip: ["OUROBOROS_RUNTIME", "CLAUDECODE"],
    set: { OUROBOROS_SUBAGENT: "1" },
  },
  secretEnv: ["KIRO_API_KEY"],
  defaultTimeouts: { startup_ms: 60_000, idle_ms: 300_000, total_ms: 0 },
};
