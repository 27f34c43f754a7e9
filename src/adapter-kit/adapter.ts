/**
 * What one adapter folder (adapters/<name>/) provides. Everything here is pure: the shared
 * supervisor (supervisor.ts) does all process work, so adapters are easy to test from fixtures.
 */
import type { Result } from "../errors.ts";
import type { HostResult, SetupInput } from "../setup/types.ts";
import type { RuntimeDescriptor, Task } from "./contract.ts";
import type { RuntimeError, RuntimeMessage } from "./messages.ts";

/** How to start the CLI for one task. */
export interface Invocation {
  /** argv[0] is the resolved binary. */
  argv: string[];
  /** Added to the filtered child environment. */
  env: Record<string, string>;
  /** Written to stdin, then closed; null = stdin is /dev/null (an interactive prompt reads EOF). */
  stdin: string | null;
}

/** How the process ended. */
export interface ExitInfo {
  exitCode: number | null;
  signal: string | null;
  stderrTail: string[];
}

/**
 * Fail-closed line parser: a state machine fed one stdout line at a time. `feed` never returns a
 * `result`; `finish` returns the remaining messages ending with exactly one `result`.
 * A set `failure` asks the supervisor to stop the CLI at once (garbage output, bad shape).
 */
export interface LineParser {
  feed(line: string): RuntimeMessage[];
  /** stderr lines (hermes reports its session id there); most parsers ignore them. */
  feedStderr(line: string): RuntimeMessage[];
  finish(exit: ExitInfo): RuntimeMessage[];
  readonly sessionId: string | null;
  readonly failure: RuntimeError | null;
}

/** One file the `setup --runtime X` command writes or edits for this CLI. */
export interface SetupFile {
  /** Path with `~` for HOME and `$VAR` for an overriding directory variable. */
  path: string;
  format: "json" | "jsonc" | "toml" | "yaml" | "markdown" | "typescript";
  /** What the file gets: an MCP entry, a managed markdown section, a whole managed file. */
  change: "mcp-entry" | "managed-section" | "managed-file" | "config-block";
  purpose: string;
}

/**
 * `ouroboros setup --runtime X`: the host files it edits and the config keys
 * it sets (declared, for docs and tests), plus the runtime's setup writer — a pure function from
 * resolved host paths, existing file contents and our launcher to the desired file contents.
 * The setup command (src/cli/setup/run.ts) reads the files, calls `write`, diffs and commits.
 */
export interface SetupPlan {
  files: readonly SetupFile[];
  /** Keys written to ~/.ouroboros/config.yaml, with their values. */
  config: Readonly<Record<string, string>>;
  /** Printed after a first registration (e.g. "restart Copilot"). */
  notes: readonly string[];
  /** The MCP launcher keeps the configured LLM backend instead of naming this runtime as one. */
  keepsLlmBackend?: boolean;
  /** Desired host files for install or uninstall; a malformed existing file is an invalidData error. */
  write(input: SetupInput, action: "install" | "uninstall"): Result<HostResult>;
  /** The config.yaml values for this input (dotted key → value). */
  configValues(input: SetupInput): Record<string, string>;
}

export interface RuntimeAdapter {
  readonly descriptor: RuntimeDescriptor;
  /** Pure: `parentEnv` is only read (copilot appends to one of its variables). */
  buildInvocation(
    task: Task,
    binary: string,
    parentEnv?: Readonly<Record<string, string | undefined>>,
  ): Result<Invocation>;
  createParser(task: Task): LineParser;
  readonly setup: SetupPlan;
}
