/**
 * What setup needs to know about this machine: host config directories (honouring the same
 * variables the CLIs honour), how to launch this very binary, and a snapshot reader.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import type { HostPaths, ServerLaunch } from "./types.ts";

type Env = Readonly<Record<string, string | undefined>>;
const set = (v: string | undefined) => (v?.trim() ? v.trim() : undefined);

export function hostPaths(env: Env): HostPaths {
  const home = set(env.HOME) ?? homedir();
  const xdg = set(env.XDG_CONFIG_HOME) ?? join(home, ".config");
  const claudeDir = set(env.CLAUDE_CONFIG_DIR);
  // `opencode debug paths` would give the same answer from the same variables; starting OpenCode
  // costs ~1 s, so it is not asked.
  const opencodeDir = set(env.OPENCODE_CONFIG_DIR) ?? join(xdg, "opencode");
  const jsonc = join(opencodeDir, "opencode.jsonc");
  const json = join(opencodeDir, "opencode.json");
  return {
    home,
    claudeDir: claudeDir ?? join(home, ".claude"),
    claudeJson: claudeDir ? join(claudeDir, ".claude.json") : join(home, ".claude.json"),
    codexHome: set(env.CODEX_HOME) ?? join(home, ".codex"),
    opencodeDir,
    opencodeFile: set(env.OPENCODE_CONFIG) ?? (existsSync(jsonc) || !existsSync(json) ? jsonc : json),
    geminiDir: join(home, ".gemini"),
    copilotDir: set(env.COPILOT_HOME) ?? join(home, ".copilot"),
    kiroDir: join(home, ".kiro"),
    hermesHome: set(env.HERMES_HOME) ?? join(home, ".hermes"),
  };
}

/** This binary by absolute path; from a source checkout, Bun plus the entry script. */
export function selfLaunch(): { command: string; prefix: string[] } {
  const compiled = Bun.main.startsWith("/$bunfs/") || Bun.main.startsWith("B:/~BUN/");
  return compiled
    ? { command: process.execPath, prefix: [] }
    : { command: process.execPath, prefix: [resolve(Bun.main)] };
}

export function serverLaunch(runtime: string, llmBackend: string): ServerLaunch {
  const self = selfLaunch();
  const env: Record<string, string> = { OUROBOROS_AGENT_RUNTIME: runtime, OUROBOROS_LLM_BACKEND: llmBackend };
  return {
    command: self.command,
    args: [...self.prefix, "mcp", "serve", "--runtime", runtime, "--llm-backend", llmBackend],
    env,
  };
}

/** Reads through to the disk once per path (the plan is computed against one snapshot). */
export function diskSnapshot(): { read(path: string): string | null; list(dir: string): string[] } {
  const cache = new Map<string, string | null>();
  return {
    read(path) {
      if (!cache.has(path)) {
        let text: string | null = null;
        try {
          text = readFileSync(path, "utf8");
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
        }
        cache.set(path, text);
      }
      return cache.get(path)!;
    },
    list(dir) {
      try {
        return readdirSync(dir);
      } catch {
        return [];
      }
    },
  };
}
