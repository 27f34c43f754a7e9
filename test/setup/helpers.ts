/**
 * Setup test helpers: an isolated HOME with pre-existing user config for each runtime (other
 * servers, comments), a byte snapshot of the tree, and the CLI run with only that HOME visible.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import type { RuntimeName } from "../../src/runtime/registry.ts";
import { type CliResult, runCli } from "../lib/cli.ts";

export interface Sandbox {
  home: string;
  ouroHome: string;
  env: Record<string, string | undefined>;
}

/** Variables that would point a CLI (or our setup) outside the sandbox. */
const SCRUB = [
  "CODEX_HOME",
  "OPENCODE_CONFIG_DIR",
  "OPENCODE_CONFIG",
  "CLAUDE_CONFIG_DIR",
  "COPILOT_HOME",
  "HERMES_HOME",
  "GH_TOKEN",
  "GITHUB_TOKEN",
  "COPILOT_TOKEN",
  "OUROBOROS_CONFIG",
  "OUROBOROS_LLM_BACKEND",
  "OUROBOROS_COPILOT_API_URL",
];

export function sandbox(): Sandbox {
  const home = mkdtempSync(join(tmpdir(), "ouro-setup-"));
  const ouroHome = join(home, ".ouroboros");
  // Run from source, bun itself would cache transpiled files under $HOME/.bun (not ours; snapshots compare HOME).
  const env: Record<string, string | undefined> = {
    HOME: home,
    XDG_CONFIG_HOME: join(home, ".config"),
    PATH: "/usr/bin:/bin",
    BUN_RUNTIME_TRANSPILER_CACHE_PATH: "0",
  };
  for (const k of SCRUB) env[k] = undefined;
  return { home, ouroHome, env };
}

export function put(root: string, rel: string, text: string): void {
  mkdirSync(dirname(join(root, rel)), { recursive: true });
  writeFileSync(join(root, rel), text);
}

export const read = (root: string, rel: string) => readFileSync(join(root, rel), "utf8");

/** Every file under root → its bytes (as text). */
export function snapshot(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(root, p), readFileSync(p, "utf8"));
    }
  };
  walk(root);
  return out;
}

export function setup(
  sb: Sandbox,
  args: string[],
  extraEnv: Record<string, string | undefined> = {},
): Promise<CliResult> {
  return runCli(["setup", ...args], { home: sb.ouroHome, env: { ...sb.env, ...extraEnv }, cwd: sb.home });
}

/** Pre-existing user config per runtime: other servers, comments, unrelated keys. */
export const USER_FILES: Record<RuntimeName, Record<string, string>> = {
  claude: {
    ".claude.json": `{\n  "numStartups": 4,\n  "mcpServers": {\n    "other": {\n      "type": "stdio",\n      "command": "other-server",\n      "args": ["--flag"]\n    }\n  },\n  "theme": "dark"\n}\n`,
  },
  codex: {
    ".codex/config.toml": `# my codex settings\nmodel = "gpt-5.2"\n\n[mcp_servers.other]\ncommand = "other-server" # keep this comment\nargs = ["--flag"]\n\n[profiles.fast]\nmodel_reasoning_effort = "low"\n`,
  },
  opencode: {
    ".config/opencode/opencode.jsonc": `{\n  // my opencode config\n  "$schema": "https://opencode.ai/config.json",\n  "mcp": {\n    /* another server */\n    "other": { "type": "local", "command": ["other-server"] },\n  },\n  "plugin": ["some-user-plugin"],\n}\n`,
    ".config/opencode/AGENTS.md": "# My rules\n\nAlways write tests.\n",
  },
  gemini: {
    ".gemini/settings.json": `{\n  // gemini allows comments\n  "mcpServers": {\n    "other": { "command": "other-server" }\n  },\n  "ui": { "theme": "GitHub" }\n}\n`,
    ".gemini/GEMINI.md": "# Personal notes\n\nPrefer small diffs.\n",
  },
  copilot: {
    ".copilot/mcp-config.json": `{\n  "mcpServers": {\n    "other": {\n      "type": "local",\n      "command": "other-server",\n      "args": [],\n      "tools": ["*"]\n    }\n  }\n}\n`,
  },
  kiro: {
    ".kiro/settings/mcp.json": `{\n  "mcpServers": {\n    "other": { "command": "other-server", "args": [] }\n  }\n}\n`,
  },
  hermes: {
    ".hermes/config.yaml": `# Hermes settings\nmodel: anthropic/claude-sonnet-4\nmcp_servers:\n  # the user's own server\n  other:\n    command: other-server\n    args: [--flag]\n    enabled: true\n`,
  },
};
