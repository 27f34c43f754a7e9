/**
 * Task → `copilot -p <prompt> --output-format json …`: JSON events
 * instead of upstream's plain text, `--resume=<id>`, tool names translated to Copilot's own.
 */
import { join } from "node:path";
import { fail, ok, type Result } from "../../src/errors.ts";
import type { Task } from "../../src/adapter-kit/contract.ts";
import type { Invocation } from "../../src/adapter-kit/adapter.ts";
import { composeSections, MAX_ARG_PROMPT } from "../../src/adapter-kit/prompt.ts";
import { descriptor } from "./descriptor.ts";
import { copilotHome } from "./setup.ts";

/** Contract tool names → Copilot's native tools (`view` also lists a directory, so it stands in for LS). */
export const COPILOT_TOOLS: Record<string, string> = {
  Bash: "bash",
  Read: "view",
  LS: "view",
  Write: "create",
  Edit: "edit",
  MultiEdit: "edit",
  NotebookEdit: "edit",
  Grep: "grep",
  Glob: "glob",
  WebFetch: "web_fetch",
};
const NATIVE = new Set(Object.values(COPILOT_TOOLS));

/** Every name translated; a name Copilot has no tool for is an error, never passed through unchanged. */
export function translateTools(tools: readonly string[]): Result<string[]> {
  const unknown = tools.filter((t) => !COPILOT_TOOLS[t] && !NATIVE.has(t));
  if (unknown.length)
    return fail("badArgs", `copilot has no tool for ${unknown.map((t) => `'${t}'`).join(", ")}`, {
      hint: `known tools: ${Object.keys(COPILOT_TOOLS).join(", ")}`,
    });
  return ok([...new Set(tools.map((t) => COPILOT_TOOLS[t] ?? t))]);
}

const INSTRUCTIONS_DIR = "ouroboros-instructions";

/**
 * COPILOT_CUSTOM_INSTRUCTIONS_DIRS with <copilot home>/ouroboros-instructions appended once: the
 * folder setup writes our instructions into (COPILOT_HOME, else ~/.copilot, as setup.ts finds it).
 */
export function instructionDirs(parent: Readonly<Record<string, string | undefined>>): string | null {
  if (!parent.HOME) return null;
  const ours = join(copilotHome({ home: parent.HOME, xdgConfig: "", env: parent }), INSTRUCTIONS_DIR);
  const dirs = (parent.COPILOT_CUSTOM_INSTRUCTIONS_DIRS ?? "")
    .split(",")
    .map((d) => d.trim())
    .filter(Boolean);
  if (!dirs.includes(ours)) dirs.push(ours);
  return dirs.join(",");
}

export function buildInvocation(
  task: Task,
  binary: string,
  parentEnv: Readonly<Record<string, string | undefined>> = {},
): Result<Invocation> {
  const prompt = composeSections(task.prompt, task.system_prompt, null);
  if (prompt.length > MAX_ARG_PROMPT)
    return fail(
      "badArgs",
      `prompt of ${prompt.length} characters is too long for copilot's -p argument (max ${MAX_ARG_PROMPT})`,
    );
  const argv = [
    binary,
    "-p",
    prompt,
    "--output-format",
    "json",
    "--no-color",
    "--log-level",
    "none",
    "--no-auto-update",
    "--no-ask-user",
  ];
  if (task.permission_mode === "default") argv.push("--available-tools=");
  else {
    argv.push(
      task.permission_mode === "bypassPermissions" ? "--allow-all" : "--allow-all-tools",
      "--add-dir",
      task.cwd,
    );
    if (task.tools !== null) {
      const tools = translateTools(task.tools);
      if (!tools.ok) return tools;
      argv.push(`--available-tools=${tools.value.join(",")}`);
    }
  }
  if (task.model) argv.push("--model", task.model);
  const efforts = descriptor.capabilities.enforceable_reasoning_efforts ?? [];
  if (task.reasoning_effort && efforts.includes(task.reasoning_effort))
    argv.push("--reasoning-effort", task.reasoning_effort);
  if (task.resume) argv.push(`--resume=${task.resume.session_id}`);
  const dirs = instructionDirs(parentEnv);
  const env: Record<string, string> = {};
  if (dirs) env.COPILOT_CUSTOM_INSTRUCTIONS_DIRS = dirs;
  return ok({ argv, env, stdin: null });
}
