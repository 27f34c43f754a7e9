/**
 * A runtime declared in a file (load.ts) as a RuntimeAdapter: argv from the declared template,
 * the prompt (with system prompt and tool guidance as markdown sections) as {prompt} or on stdin,
 * one of the shipped parsers, and a setup plan that says what setup cannot do for it.
 */
import { fail, ok, type Result } from "../../errors.ts";
import type { Invocation, LineParser, RuntimeAdapter, SetupPlan } from "../../adapter-kit/adapter.ts";
import type { OutputFormat, Task } from "../../adapter-kit/contract.ts";
import { composeSections, MAX_ARG_PROMPT } from "../../adapter-kit/prompt.ts";
import type { Declaration } from "./load.ts";

type Values = Record<string, string | null>;

/** `s` with its placeholders filled, or null when one of them has no value. */
function fill(s: string, values: Values): string | null {
  let missing = false;
  const out = s.replace(/\{([a-z_]+)\}/g, (_m, k: string) => {
    const val = values[k];
    if (val === null || val === undefined) missing = true;
    return val ?? "";
  });
  return missing ? null : out;
}

/** Items of `argv` filled in; a group (nested list) or lone string with an empty placeholder is left out. */
export function expandArgv(argv: readonly (string | readonly string[])[], values: Values): string[] {
  const out: string[] = [];
  for (const item of argv) {
    const group = typeof item === "string" ? [item] : item;
    const filled = group.map((a) => fill(a, values));
    if (filled.every((a): a is string => a !== null)) out.push(...filled);
  }
  return out;
}

/** The declared `env`, with `${VAR}` read from our environment; a variable naming an unset one is left out. */
export function expandEnv(
  env: Readonly<Record<string, string>>,
  parent: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, raw] of Object.entries(env)) {
    let missing = false;
    const val = raw.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_m, name: string) => {
      const got = parent[name];
      if (got === undefined) missing = true;
      return got ?? "";
    });
    if (!missing) out[k] = val;
  }
  return out;
}

/** What `setup --runtime <declared>` answers: it has no host files to write for an unknown CLI. */
export function setupRefusal(name: string, file: string): Result<never> {
  return fail(
    "usage",
    `setup cannot register Ouroboros with '${name}' (declared in ${file}): it knows no MCP-config, skills or rules location for that CLI, so it writes nothing`,
    {
      hint: `register \`ouroboros mcp serve --runtime ${name}\` in that CLI's MCP settings by hand; run seeds with \`run workflow --runtime ${name}\` or make it the default with \`ouroboros config set orchestrator.runtime_backend ${name}\``,
    },
  );
}

function setupPlan(d: Declaration): SetupPlan {
  return { files: [], config: {}, notes: [], write: () => setupRefusal(d.name, d.file), configValues: () => ({}) };
}

export function declaredAdapter(
  d: Declaration,
  parsers: Readonly<Record<OutputFormat, (task: Task, runtime: string) => LineParser>>,
): RuntimeAdapter {
  const { spec } = d;
  const promptInArgv = spec.argv.flat().some((a) => a.includes("{prompt}"));
  return {
    descriptor: d.descriptor,
    buildInvocation(task: Task, binary: string, parentEnv = {}): Result<Invocation> {
      const prompt = composeSections(task.prompt, task.system_prompt, task.tools);
      if (promptInArgv && prompt.length > MAX_ARG_PROMPT)
        return fail(
          "badArgs",
          `prompt of ${prompt.length} characters is too long for one argument of ${d.name} (max ${MAX_ARG_PROMPT}); drop {prompt} from argv in ${d.file} to send it on stdin`,
        );
      if (task.resume && !spec.resume_args)
        return fail("badArgs", `${d.name} has no resume_args in ${d.file}, so it cannot resume a session`);
      const values: Values = { prompt, model: task.model, cwd: task.cwd, session_id: task.resume?.session_id ?? null };
      const args = expandArgv(spec.argv, values);
      if (task.resume) args.push(...expandArgv(spec.resume_args ?? [], values));
      return ok({ argv: [binary, ...args], env: expandEnv(spec.env, parentEnv), stdin: promptInArgv ? null : prompt });
    },
    createParser: (task) => parsers[spec.output](task, d.name),
    setup: setupPlan(d),
  };
}
