/**
 * What setup needs to know about this machine: home and XDG config directories (each adapter's
 * setup.ts finds its host's own directory from them and the environment), how to launch this very
 * binary, and a snapshot reader.
 */
import { readdirSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { envPath } from "./host.ts";
import type { HostPaths, ServerLaunch } from "./types.ts";

/** Home and XDG config dir; each adapter finds its host's directory from these and the environment. */
export function hostPaths(env: HostPaths["env"]): HostPaths {
  const home = envPath(env, "HOME") ?? homedir();
  return { home, xdgConfig: envPath(env, "XDG_CONFIG_HOME") ?? join(home, ".config"), env };
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
