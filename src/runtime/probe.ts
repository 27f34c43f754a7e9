/**
 * Is a runtime's CLI installed, and which version? Resolution order (spec runtimes.md §1.5):
 * env path > config path > PATH. The version is read from the npm package.json next to the
 * binary when there is one, so the dry-run need not start a Node CLI just to ask.
 */
import { existsSync, readFileSync, realpathSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Config } from "../config/schema.ts";
import type { RuntimeName } from "./contract.ts";

export interface BinaryFacts {
  binary: string;
  pathEnv: string;
  pathConfigKey: keyof Config["orchestrator"];
}

/** Binary names and override keys per runtime (spec runtimes.md §1.5). */
export const BINARY_FACTS: Record<RuntimeName, BinaryFacts> = {
  claude: { binary: "claude", pathEnv: "OUROBOROS_CLI_PATH", pathConfigKey: "cli_path" },
  codex: { binary: "codex", pathEnv: "OUROBOROS_CODEX_CLI_PATH", pathConfigKey: "codex_cli_path" },
  opencode: { binary: "opencode", pathEnv: "OUROBOROS_OPENCODE_CLI_PATH", pathConfigKey: "opencode_cli_path" },
  gemini: { binary: "gemini", pathEnv: "OUROBOROS_GEMINI_CLI_PATH", pathConfigKey: "gemini_cli_path" },
  copilot: { binary: "copilot", pathEnv: "OUROBOROS_COPILOT_CLI_PATH", pathConfigKey: "copilot_cli_path" },
  kiro: { binary: "kiro-cli", pathEnv: "OUROBOROS_KIRO_CLI_PATH", pathConfigKey: "kiro_cli_path" },
  hermes: { binary: "hermes", pathEnv: "OUROBOROS_HERMES_CLI_PATH", pathConfigKey: "hermes_cli_path" },
};

export interface RuntimeProbe {
  found: boolean;
  binary: string | null;
  binary_source: "env" | "config" | "PATH" | null;
  version: string | null;
}

function isExecutable(p: string): boolean {
  try {
    const st = statSync(p);
    return st.isFile() && (st.mode & 0o111) !== 0;
  } catch {
    return false;
  }
}

export function resolveBinary(facts: BinaryFacts, env: NodeJS.ProcessEnv, config: Config): Pick<RuntimeProbe, "binary" | "binary_source"> {
  const fromEnv = env[facts.pathEnv]?.trim();
  if (fromEnv && isExecutable(fromEnv)) return { binary: fromEnv, binary_source: "env" };
  const fromConfig = config.orchestrator[facts.pathConfigKey];
  if (typeof fromConfig === "string" && fromConfig && isExecutable(fromConfig)) return { binary: fromConfig, binary_source: "config" };
  const onPath = Bun.which(facts.binary, { PATH: env.PATH ?? "" });
  return onPath ? { binary: onPath, binary_source: "PATH" } : { binary: null, binary_source: null };
}

/** Version from the enclosing npm package (no spawn), else `<bin> --version` (5 s cap). */
export function binaryVersion(binary: string, versionArgs: readonly string[] = ["--version"]): string | null {
  try {
    let dir = dirname(realpathSync(binary));
    for (let i = 0; i < 6; i++) {
      const pj = join(dir, "package.json");
      if (existsSync(pj)) {
        const pkg = JSON.parse(readFileSync(pj, "utf8")) as { name?: string; version?: string };
        if (pkg.version && pkg.name) return pkg.version;
      }
      const up = dirname(dir);
      if (up === dir) break;
      dir = up;
    }
  } catch {
    // Unreadable package metadata: fall back to asking the binary.
  }
  const r = Bun.spawnSync([binary, ...versionArgs], { stdout: "pipe", stderr: "pipe", timeout: 5000, stdin: "ignore" });
  const text = `${r.stdout.toString()}\n${r.stderr.toString()}`;
  const m = /(\d+\.\d+\.\d+[\w.+-]*)/.exec(text);
  return r.exitCode === 0 && m ? m[1]! : null;
}

export function probeBinary(facts: BinaryFacts, env: NodeJS.ProcessEnv, config: Config): RuntimeProbe {
  const r = resolveBinary(facts, env, config);
  if (!r.binary) return { found: false, binary: null, binary_source: null, version: null };
  return { found: true, ...r, version: binaryVersion(r.binary) };
}

export type { RuntimeName };
