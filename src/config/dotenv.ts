/**
 * .env handling: ./.env is untrusted, ~/.ouroboros/.env trusted. Neither overrides
 * an already-set variable; no ${VAR} expansion; placeholders and empty values skipped; a malformed
 * file loads nothing. The untrusted file may not set anything on the denylist.
 */
import { existsSync } from "node:fs";
import { inputCap, readTextFile } from "../util/bounded-read.ts";

const DENY_EXACT = new Set(
  [
    "PATH",
    "HOME",
    "USERPROFILE",
    "HOMEDRIVE",
    "HOMEPATH",
    "XDG_CONFIG_HOME",
    "NODE_OPTIONS",
    "BASH_ENV",
    "ENV",
    "SHELLOPTS",
    "BASHOPTS",
    "BASH_XTRACEFD",
    "BASH_COMPAT",
    "LDR_PRELOAD",
    "LIBPATH",
    "SHLIB_PATH",
    "CODEX_HOME",
    "OPENCODE_CONFIG",
    "OPENCODE_CONFIG_DIR",
    "OPENCODE_CLI_PATH",
    "GJC_CODING_AGENT_DIR",
    "GJC_CONFIG_DIR",
    "PI_CONFIG_DIR",
    "COPILOT_CUSTOM_INSTRUCTIONS_DIRS",
    "CI",
    "GITHUB_ACTIONS",
    "DO_NOT_TRACK",
    "OUROBOROS_CLI",
    "OUROBOROS_VERIFY_BASH",
    "OUROBOROS_DSH_CONFIG_PATH",
    "OUROBOROS_AGENTS_DIR",
    "OUROBOROS_MCP_CONFIG",
    "OUROBOROS_PLUGIN_LOCKFILE",
    "OUROBOROS_PLUGIN_TRUST_ROOT",
    "OUROBOROS_ALLOW_LOCAL_TRANSPORT",
    "OUROBOROS_TELEMETRY",
    "OUROBOROS_POSTHOG_API_KEY",
    "OUROBOROS_POSTHOG_HOST",
    "OUROBOROS_FIRST_COMMAND_SURFACE",
    "OUROBOROS_AGENT_RUNTIME",
    "OUROBOROS_RUNTIME",
    "OUROBOROS_LLM_BACKEND",
    "OUROBOROS_RUNTIME_PROFILE",
    "OUROBOROS_CROSS_HARNESS_REDISPATCH",
    "OUROBOROS_AGENT_PERMISSION_MODE",
    "OUROBOROS_OPENCODE_PERMISSION_MODE",
    "OUROBOROS_CODEX_PERMISSION_MODE",
    "OUROBOROS_TOOL_CAPABILITIES",
    "OUROBOROS_AGENT_REASONING_EFFORT",
    "OUROBOROS_EXECUTION_MODEL",
    "OUROBOROS_MODEL_TIER_ROUTING",
    "OUROBOROS_SHADOW_REPLAY",
    // Ours: relocating the data root from an untrusted directory would redirect every write.
    "OUROBOROS_HOME",
  ].map((k) => k.toUpperCase()),
);
const DENY_PREFIXES = ["LD_", "DYLD_", "BASH_FUNC_", "PIP_", "PIPX_", "UV_"];

export function deniedForUntrusted(key: string): boolean {
  const k = key.toUpperCase();
  if (DENY_EXACT.has(k)) return true;
  if (/^OUROBOROS_.*_CLI_PATH$/.test(k)) return true;
  return DENY_PREFIXES.some((p) => k.startsWith(p));
}

const LINE = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/;

/** Parse a .env text; null when any line is malformed (then nothing is loaded). */
export function parseDotenv(text: string): Map<string, string> | null {
  const out = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    if (!raw.trim() || raw.trim().startsWith("#")) continue;
    const m = LINE.exec(raw);
    if (!m) return null;
    let value = m[2]!;
    const q = value[0];
    if ((q === '"' || q === "'") && value.length >= 2 && value.endsWith(q)) value = value.slice(1, -1);
    else if (q === '"' || q === "'") return null;
    else value = value.replace(/\s+#.*$/, "");
    out.set(m[1]!, value);
  }
  return out;
}

const isPlaceholder = (v: string) => v === "" || /^YOUR_.*_API_KEY$/i.test(v);

export interface DotenvReport {
  loaded: string[];
  refused: string[];
  malformed: string[];
}

/** Merge the untrusted and trusted files into env (mutates env). Returns what happened. */
export function loadDotenvFiles(env: NodeJS.ProcessEnv, untrustedPath: string, trustedPath: string): DotenvReport {
  const report: DotenvReport = { loaded: [], refused: [], malformed: [] };
  for (const [path, trusted] of [
    [untrustedPath, false],
    [trustedPath, true],
  ] as const) {
    if (!existsSync(path)) continue;
    let parsed: Map<string, string> | null = null;
    try {
      const text = readTextFile(path, inputCap("config"));
      parsed = text.ok ? parseDotenv(text.value) : text.error.code === "file.empty" ? new Map() : null;
    } catch {
      parsed = null;
    }
    if (!parsed) {
      report.malformed.push(path);
      continue;
    }
    for (const [k, val] of parsed) {
      if (isPlaceholder(val)) continue;
      if (!trusted && deniedForUntrusted(k)) {
        report.refused.push(k);
        continue;
      }
      if (env[k] !== undefined) continue;
      env[k] = val;
      report.loaded.push(k);
    }
  }
  return report;
}
