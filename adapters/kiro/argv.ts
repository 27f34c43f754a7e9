/**
 * Task → `kiro-cli chat --no-interactive <trust flags> [--model] [--resume-id] "<prompt>"`.
 * Only `--resume-id` is used: bare `--resume` means "most recent".
 */
import { ok, type Result } from "../../src/errors.ts";
import type { Task } from "../../src/adapter-kit/contract.ts";
import type { Invocation } from "../../src/adapter-kit/adapter.ts";
import { composeKiro, MAX_ARG_PROMPT } from "../../src/adapter-kit/prompt.ts";

/** Contract tool names → Kiro trust categories (MCP tools stay in the prompt only). */
const TRUST: Record<string, string> = {
  bash: "shell",
  shell: "shell",
  edit: "write",
  write: "write",
  multiedit: "write",
  read: "read",
  glob: "read",
  ls: "read",
  grep: "grep",
};

export function trustCategories(tools: readonly string[]): string[] {
  return [...new Set(tools.map((t) => TRUST[t.toLowerCase()]).filter((c): c is string => c !== undefined))];
}

/** `claude-sonnet-4-6` → `claude-sonnet-4.6` (Kiro uses dotted versions). */
export function kiroModel(model: string): string {
  return model.replace(/-(\d+)-(\d+)$/, "-$1.$2");
}

export function trustFlags(task: Task): string[] {
  if (task.permission_mode === "bypassPermissions") return ["--trust-all-tools"];
  if (task.permission_mode === "default") return ["--trust-tools="];
  return task.tools === null ? ["--trust-all-tools"] : [`--trust-tools=${trustCategories(task.tools).join(",")}`];
}

export function buildInvocation(task: Task, binary: string): Result<Invocation> {
  const argv = [binary, "chat", "--no-interactive", ...trustFlags(task)];
  if (task.model) argv.push("--model", kiroModel(task.model));
  if (task.resume) argv.push("--resume-id", task.resume.session_id);
  const prompt = composeKiro(task.prompt, task.system_prompt, task.tools);
  // Kiro also reads the prompt from stdin, which has no argv length cap.
  if (prompt.length > MAX_ARG_PROMPT) return ok({ argv, env: {}, stdin: prompt });
  argv.push(prompt);
  return ok({ argv, env: {}, stdin: null });
}
