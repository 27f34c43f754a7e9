/**
 * The runtime layer's entry point: run one task on one runtime and stream typed messages.
 *
 *   for await (const m of runTask("codex", { prompt, cwd }, { signal })) …   // ends with one `result`
 *   const { result, messages } = await runTaskToResult("claude", task);
 *
 * Never throws: an unknown runtime, a bad task, a missing binary or a dead CLI all end as a
 * `result` with `ok: false` and a typed error.
 */
import { statSync } from "node:fs";
import * as v from "valibot";
import { TaskSchema, type TaskInput } from "../adapter-kit/contract.ts";
import { resolveBinary, type RuntimeConfig, searchedPlaces } from "./binary.ts";
import { childEnv } from "./env.ts";
import {
  failedResult,
  runtimeError,
  toolDetail,
  type ResultMessage,
  type RuntimeMessage,
} from "../adapter-kit/messages.ts";
import { dispatchFor, type SkillCall } from "../skills/dispatch.ts";
import { getAdapter } from "./registry.ts";
import { skillRunner } from "./skill-runner.ts";
import { supervise } from "./supervisor.ts";
import { redactorFor } from "../security/redact.ts";
import { passEnvNames } from "../security/child-env.ts";

export interface RunOptions {
  /** Parent environment to filter for the child (default process.env). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Loaded config, for orchestrator.<rt>_cli_path. */
  config?: RuntimeConfig | null;
  /** Explicit binary path: beats env and config. */
  binary?: string;
  signal?: AbortSignal;
  /** Extra variable names to forward to the child (e.g. a custom provider key). */
  passEnv?: readonly string[];
  maxLineBytes?: number;
  /** SIGTERM → SIGKILL grace on cancel/timeout (default 5000 ms). */
  killGraceMs?: number;
  onSpawn?: (pid: number) => void;
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

export async function* runTask(
  runtime: string,
  input: TaskInput,
  opts: RunOptions = {},
): AsyncGenerator<RuntimeMessage> {
  const env = opts.env ?? process.env;
  const adapter = getAdapter(runtime, env as NodeJS.ProcessEnv);
  if (!adapter.ok) return yield failedResult(adapter.error);
  const d = adapter.value.descriptor;
  const parsed = v.safeParse(TaskSchema, input);
  if (!parsed.success) {
    const i = parsed.issues[0];
    return yield failedResult(
      runtimeError(
        "invalid_task",
        `invalid task${i?.path ? ` at ${i.path.map((p) => String(p.key)).join(".")}` : ""}: ${i?.message ?? "invalid"}`,
      ),
    );
  }
  // Model-prompt boundary: whatever reaches an agent CLI's model is redacted first (keys of the
  // environment the child is started from count, whether or not it is process.env).
  const r = redactorFor(env);
  const task = {
    ...parsed.output,
    prompt: r.text(parsed.output.prompt),
    ...(parsed.output.system_prompt ? { system_prompt: r.text(parsed.output.system_prompt) } : {}),
  };
  if (!isDir(task.cwd))
    return yield failedResult(runtimeError("cwd_unavailable", `working directory ${task.cwd} does not exist`));
  if (task.resume && !d.capabilities.targeted_resume && !d.capabilities.partial_resume) {
    return yield failedResult(
      runtimeError("invalid_task", `${d.name} cannot resume a session`, { hint: "start a fresh session instead" }),
    );
  }
  // Skill dispatch: `ooo <skill> …` goes to the skill's MCP tool; the CLI is never spawned.
  const call = dispatchFor(d.capabilities, task.prompt, task.cwd);
  if (call) return yield* dispatchSkill(call, opts.signal);
  const binary = opts.binary ?? resolveBinary(d, env, opts.config ?? null)?.path;
  if (!binary) {
    return yield failedResult(
      runtimeError("binary_missing", `${d.displayName} CLI '${d.binary}' not found (checked ${searchedPlaces(d)})`, {
        hint: d.installHint,
      }),
    );
  }
  const inv = adapter.value.buildInvocation(task, binary, env);
  if (!inv.ok)
    return yield failedResult(
      runtimeError("invalid_task", inv.error.message, inv.error.hint ? { hint: inv.error.hint } : {}),
    );
  // OUROBOROS_PASS_ENV (custom provider key names, e.g. a codex env_key) applies to every agent CLI spawn.
  const childEnvR = childEnv(env, d.env, inv.value.env, [...passEnvNames(env), ...(opts.passEnv ?? [])]);
  if (!childEnvR.ok) return yield failedResult(childEnvR.error);
  yield* supervise(
    { argv: inv.value.argv, cwd: task.cwd, env: childEnvR.value, stdin: inv.value.stdin },
    adapter.value.createParser(task),
    {
      name: d.name,
      timeouts: { ...d.defaultTimeouts, ...task.timeouts },
      signal: opts.signal,
      maxLineBytes: opts.maxLineBytes,
      killGraceMs: opts.killGraceMs,
      onSpawn: opts.onSpawn,
    },
  );
}

async function* dispatchSkill(call: SkillCall, signal: AbortSignal | undefined): AsyncGenerator<RuntimeMessage> {
  const input = { ...call.args };
  yield { type: "tool_call", id: null, name: call.tool, input, detail: toolDetail(call.tool, input) };
  const run = skillRunner();
  if (!run)
    return yield failedResult(runtimeError("cli_error", `ooo ${call.skill.name}: no skill runner in this process`));
  const r = await run(call, signal ?? new AbortController().signal);
  yield { type: "tool_result", id: null, output: r.text, is_error: r.isError };
  if (r.isError) return yield failedResult(runtimeError("cli_error", r.text.split("\n")[0]!), { text: r.text });
  yield { type: "text", text: r.text };
  yield { type: "result", ok: true, text: r.text, session_id: null, usage: null, error: null, exit_code: null };
}

/** Drain a task: every message plus the final result. */
export async function runTaskToResult(
  runtime: string,
  input: TaskInput,
  opts: RunOptions = {},
): Promise<{ result: ResultMessage; messages: RuntimeMessage[] }> {
  const messages: RuntimeMessage[] = [];
  let result: ResultMessage | null = null;
  for await (const m of runTask(runtime, input, opts)) {
    messages.push(m);
    if (m.type === "result") result = m;
  }
  return { result: result ?? failedResult(runtimeError("no_result", `${runtime} produced no result`)), messages };
}
