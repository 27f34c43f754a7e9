/**
 * `ouroboros setup`: plan every file (host files + config.yaml) in memory against one snapshot,
 * then either print the diffs (--dry-run) or commit them all together. A malformed file anywhere
 * aborts before anything is written.
 */
import { describeUnknown, fail, ok, type Result } from "../../errors.ts";
import { loadConfig } from "../../config/load.ts";
import { paths } from "../../config/paths.ts";
import { resolveBinary } from "../../runtime/binary.ts";
import { ADAPTERS, type RuntimeName } from "../../runtime/registry.ts";
import { commitAll, type FileChange } from "../../setup/commit.ts";
import { type ConfigEdit, planConfig } from "./config.ts";
import { diskSnapshot, hostPaths, selfLaunch, serverLaunch } from "../../setup/context.ts";
import { unifiedDiff } from "../../setup/diff.ts";
import type { McpMode } from "../../setup/edits.ts";
import type { HostResult, SetupInput } from "../../setup/types.ts";

export type FileAction = "created" | "updated" | "unchanged" | "removed";

export interface SetupOptions {
  runtime: RuntimeName;
  uninstall: boolean;
  dryRun: boolean;
  opencodeMode: "plugin" | "subprocess";
  mcpMode: McpMode;
  /** Extra config edits (the Copilot model). */
  config?: ConfigEdit;
}

export interface SetupSummary {
  runtime: RuntimeName;
  action: "install" | "uninstall";
  dry_run: boolean;
  files: { path: string; action: FileAction; diff?: string }[];
  notes: string[];
  server: { command: string; args: string[] };
}

const actionOf = (before: string | null, after: string | null): FileAction =>
  before === after ? "unchanged" : before === null ? "created" : after === null ? "removed" : "updated";

export function planSetup(
  o: SetupOptions,
  env: Readonly<Record<string, string | undefined>>,
): Result<{ summary: SetupSummary; changes: FileChange[] }> {
  const configFile = env.OUROBOROS_CONFIG || paths.config();
  const loaded = loadConfig(env as NodeJS.ProcessEnv, configFile);
  if (!loaded.ok) return loaded;
  const config = loaded.value.config;
  const setup = ADAPTERS[o.runtime].setup;
  // The LLM backend the launcher passes: the runtime itself, unless its setup keeps the current one.
  const llmBackend = setup.keepsLlmBackend ? config.llm.backend : o.runtime;
  const server = serverLaunch(o.runtime, llmBackend);
  const snap = diskSnapshot();
  const self = selfLaunch();
  const input: SetupInput = {
    runtime: o.runtime,
    paths: hostPaths(env),
    server,
    selfCommand: [self.command, ...self.prefix].join(" "),
    cliPath: resolveBinary(o.runtime, env, config)?.path ?? null,
    llmBackend,
    opencodeMode: o.opencodeMode,
    mcpMode: o.mcpMode,
    read: snap.read,
    list: snap.list,
  };
  let host: Result<HostResult>;
  try {
    host = setup.write(input, o.uninstall ? "uninstall" : "install");
  } catch (e) {
    // Unreadable targets (a directory where a file belongs, no permission) surface here.
    return fail("invalidData", `cannot read a host file: ${describeUnknown(e)}`, { hint: "nothing was written" });
  }
  if (!host.ok) return host;
  const changes: FileChange[] = host.value.changes
    .map((c) => ({ path: c.path, before: snap.read(c.path), after: c.text, pruneUpTo: c.pruneUpTo }))
    // A file that is absent and stays absent (nothing to uninstall) is not worth a line.
    .filter((c) => c.before !== null || c.after !== null);
  // The uninstall leaves config.yaml alone: the runtime choice is the user's from then on.
  if (!o.uninstall) {
    const before = snap.read(configFile);
    const edit: ConfigEdit = { set: { ...setup.configValues(input), ...o.config?.set }, fill: o.config?.fill };
    const after = planConfig(configFile, before, edit);
    if (!after.ok) return after;
    changes.push({ path: configFile, before, after: after.value, mode: 0o600 });
  }
  const summary: SetupSummary = {
    runtime: o.runtime,
    action: o.uninstall ? "uninstall" : "install",
    dry_run: o.dryRun,
    files: changes.map((c) => ({
      path: c.path,
      action: actionOf(c.before, c.after),
      ...(o.dryRun ? { diff: unifiedDiff(c.path, c.before, c.after) } : {}),
    })),
    notes: [
      ...host.value.notes,
      ...(!o.uninstall && changes.some((c) => c.before === null && c.after !== null) ? setup.notes : []),
    ],
    server: { command: server.command, args: [...server.args] },
  };
  return ok({ summary, changes });
}

export function runSetup(o: SetupOptions, env: Readonly<Record<string, string | undefined>>): Result<SetupSummary> {
  const planned = planSetup(o, env);
  if (!planned.ok) return planned;
  if (!o.dryRun) {
    const done = commitAll(planned.value.changes);
    if (!done.ok) return done;
  }
  return ok(planned.value.summary);
}
