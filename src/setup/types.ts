/**
 * The contract between `ouroboros setup` and each adapter's setup writer: the writer is a pure
 * function of the machine's paths (home, XDG config, environment), a snapshot of existing file contents and our launcher; it
 * returns the desired contents of every host file it touches (null = absent / delete).
 */
import type { McpMode } from "./edits.ts";

/**
 * What every host's config directory is found from. Each adapter's setup.ts resolves its own
 * directory from these (honouring the variables its CLI honours), so no core file names the hosts.
 */
export interface HostPaths {
  home: string;
  /** $XDG_CONFIG_HOME, or ~/.config. */
  xdgConfig: string;
  /** The environment setup runs in (CLAUDE_CONFIG_DIR, CODEX_HOME, … are read by the adapter they belong to). */
  env: Readonly<Record<string, string | undefined>>;
}

/** How the host starts `ouroboros mcp serve` (absolute path of this binary, never uvx/pipx). */
export interface ServerLaunch {
  command: string;
  args: readonly string[];
  env: Readonly<Record<string, string>>;
}

export interface SetupInput {
  /** The runtime being set up (its registry name). */
  runtime: string;
  paths: HostPaths;
  server: ServerLaunch;
  /** Absolute path of the ouroboros binary, for skills that shell out (`ooo cancel`). */
  selfCommand: string;
  cliPath: string | null;
  llmBackend: string;
  opencodeMode: "plugin" | "subprocess";
  mcpMode: McpMode;
  /** Existing contents (null = absent). */
  read(path: string): string | null;
  /** Entry names in a directory ([] when absent). */
  list(dir: string): readonly string[];
}

export interface HostChange {
  path: string;
  /** New contents; null deletes the file. */
  text: string | null;
  /** After a delete, empty parent directories are removed up to (not including) this one. */
  pruneUpTo?: string;
}

export interface HostResult {
  changes: HostChange[];
  notes: string[];
}
