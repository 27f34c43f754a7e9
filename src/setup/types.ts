/**
 * The contract between `ouroboros setup` and each adapter's setup writer: the writer is a pure
 * function of resolved host paths, a snapshot of existing file contents and our launcher; it
 * returns the desired contents of every host file it touches (null = absent / delete).
 */
import type { McpMode } from "./edits.ts";

export interface HostPaths {
  home: string;
  claudeDir: string;
  claudeJson: string;
  codexHome: string;
  opencodeDir: string;
  /** opencode.jsonc / opencode.json / OPENCODE_CONFIG, whichever applies. */
  opencodeFile: string;
  geminiDir: string;
  copilotDir: string;
  kiroDir: string;
  hermesHome: string;
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
