/**
 * Building blocks the adapters' setup writers share: the MCP entry shapes, the skills and guide
 * files, and the config.yaml values every runtime sets.
 */
import { join } from "node:path";
import type { RuntimeName } from "../runtime/contract.ts";
import { DESCRIPTORS } from "../runtime/descriptors.ts";
import { SKILLS } from "../skills/catalogue.ts";
import { renderSkill, skillDir } from "../skills/render.ts";
import { jsonEntry, markdownSection } from "./edits.ts";
import type { HostPlan } from "./planner.ts";
import type { SetupInput } from "./types.ts";

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

/** `<dir>/ouroboros-<skill>/SKILL.md` for every catalogue skill; stale managed ones pruned. */
export function skillFolders(plan: HostPlan, action: "install" | "uninstall", dir: string, self: string): void {
  const wanted = new Map(action === "install" ? SKILLS.map((s) => [skillDir(s), renderSkill(s, self)] as const) : []);
  plan.managedDir(dir, "ouroboros-", "SKILL.md", wanted);
}

/** config.yaml: runtime_backend, the CLI path key, and (unless `llm` is false) llm.backend. */
export function runtimeConfig(input: SetupInput, o: { llm?: boolean } = {}): Record<string, string> {
  const name: RuntimeName = input.runtime;
  const values: Record<string, string> = { "orchestrator.runtime_backend": name };
  if (input.cliPath) values[`orchestrator.${DESCRIPTORS[name].pathConfigKey}`] = input.cliPath;
  if (o.llm !== false) values["llm.backend"] = input.llmBackend;
  return values;
}

export const under = (dir: string, ...p: string[]) => join(dir, ...p);
