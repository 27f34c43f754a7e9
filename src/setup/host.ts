/**
 * Building blocks the adapters' setup writers share: the MCP entry shapes, guide sections and
 * the config.yaml values every runtime sets (the skill files are skills/render.ts).
 */
import { join } from "node:path";
import { jsonEntry, markdownSection } from "./edits.ts";
import type { HostPlan } from "./planner.ts";
import type { HostPaths, SetupInput } from "./types.ts";

/** `{command, args, env}` plus host-specific keys. */
export const stdioEntry = (input: SetupInput, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  ...extra,
  command: input.server.command,
  args: [...input.server.args],
  env: { ...input.server.env },
});

/** Install or remove our entry at `path` in a JSON/JSONC file. */
export function jsonServer(
  plan: HostPlan,
  action: "install" | "uninstall",
  file: string,
  path: readonly string[],
  desired: Record<string, unknown>,
  o: { jsonc?: boolean; commandKey?: string; envKey?: string } = {},
): void {
  const jsonc = o.jsonc ?? false;
  plan.edit(file, (t) =>
    action === "install"
      ? jsonEntry.install(t, { path, desired, jsonc, commandKey: o.commandKey ?? "command", envKey: o.envKey ?? "env" })
      : jsonEntry.uninstall(t, { path, jsonc }),
  );
}

export function guideSection(plan: HostPlan, action: "install" | "uninstall", file: string, body: string): void {
  plan.edit(file, (t) => (action === "install" ? markdownSection.install(t, body) : markdownSection.uninstall(t)));
}

/**
 * config.yaml: runtime_backend, the CLI path under the runtime's own key (its descriptor's
 * `pathConfigKey`), and (unless `llm` is false) llm.backend.
 */
export function runtimeConfig(
  input: SetupInput,
  pathConfigKey: string | null,
  o: { llm?: boolean } = {},
): Record<string, string> {
  const values: Record<string, string> = { "orchestrator.runtime_backend": input.runtime };
  if (input.cliPath && pathConfigKey) values[`orchestrator.${pathConfigKey}`] = input.cliPath;
  if (o.llm !== false) values["llm.backend"] = input.llmBackend;
  return values;
}

export const under = (dir: string, ...p: string[]) => join(dir, ...p);

/** A variable naming a directory or file, read as the host CLIs read it: blank counts as unset. */
export const envPath = (env: HostPaths["env"], name: string): string | undefined => env[name]?.trim() || undefined;
