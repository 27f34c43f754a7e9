/**
 * Runtimes declared in files: `$OUROBOROS_HOME/runtimes/<name>.yaml` registers another agent CLI
 * without a rebuild. The file name is the runtime's name; the file says how to start the CLI and
 * which shipped stream parser reads its output:
 *
 *   binary: my-agent                  # on PATH, or a path (~ and paths relative to this file work)
 *   version_args: ["--version"]
 *   argv: ["run", "--json", ["--model", "{model}"], "{prompt}"]   # a [group] is dropped whole when a placeholder in it has no value
 *   output: claude-stream-json        # or codex-jsonl, opencode-json, gemini-stream-json, copilot-json, plain-text
 *   resume_args: ["--resume", "{session_id}"]
 *   env: { MY_AGENT_KEY: "${MY_AGENT_KEY}" }   # set on the child; ${VAR} reads our environment
 *   capabilities: { structured_output: true }
 *
 * Placeholders: {prompt}, {model}, {cwd} in argv ({session_id} too in resume_args). Without
 * {prompt} the prompt goes to stdin. A malformed file is a config error naming file:line:col.
 */
import { readdirSync, statSync } from "node:fs";
import { basename, dirname, isAbsolute, join, resolve } from "node:path";
import * as v from "valibot";
import { ouroHome } from "../../util/home.ts";
import { fail, ok, type Result } from "../../errors.ts";
import { formatProblem } from "../../util/problems.ts";
import { readTextFile } from "../../util/bounded-read.ts";
import { issuesToProblems, parseYaml } from "../../util/yaml-source.ts";
import {
  CapabilitiesSchema,
  OUTPUT_FORMATS,
  type Capabilities,
  type RuntimeDescriptor,
} from "../../adapter-kit/contract.ts";

export const DECLARED_NAME = /^[a-z][a-z0-9_-]{0,39}$/;
const PLACEHOLDER = /\{([a-z_]+)\}/g;

const withPlaceholders = (allowed: readonly string[]) =>
  v.pipe(
    v.string(),
    v.check(
      (s) => [...s.matchAll(PLACEHOLDER)].every((m) => allowed.includes(m[1]!)),
      `unknown placeholder (allowed: ${allowed.map((a) => `{${a}}`).join(", ")})`,
    ),
  );
const ARGV_VARS = ["prompt", "model", "cwd"] as const;
const Arg = withPlaceholders(ARGV_VARS);

export const DeclarationSchema = v.strictObject({
  binary: v.pipe(v.string(), v.trim(), v.minLength(1, "binary must name the CLI")),
  display_name: v.optional(v.string()),
  version_args: v.optional(v.array(v.string()), ["--version"]),
  /** Arguments after the binary; a nested list is an all-or-nothing group. */
  argv: v.array(
    v.union([Arg, v.pipe(v.array(Arg), v.minLength(1))], "each argv item is a string or a list of strings"),
  ),
  output: v.picklist(OUTPUT_FORMATS, `output must be one of ${OUTPUT_FORMATS.join(", ")}`),
  resume_args: v.optional(
    v.pipe(
      v.array(withPlaceholders([...ARGV_VARS, "session_id"])),
      v.check((a) => a.some((x) => x.includes("{session_id}")), "resume_args must contain {session_id}"),
    ),
  ),
  env: v.optional(
    v.record(
      v.pipe(v.string(), v.regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "env names are letters, digits and _")),
      v.string(),
    ),
    {},
  ),
  capabilities: v.optional(v.strictObject(v.partial(CapabilitiesSchema).entries), {}),
  install_hint: v.optional(v.string()),
});
export type DeclarationSpec = v.InferOutput<typeof DeclarationSchema>;

export interface Declaration {
  name: string;
  file: string;
  spec: DeclarationSpec;
  descriptor: RuntimeDescriptor;
}

export const runtimesDir = (env: NodeJS.ProcessEnv = process.env): string => join(ouroHome(env), "runtimes");

function yamlFiles(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((f) => /\.ya?ml$/.test(f))
      .sort()
      .map((f) => join(dir, f));
  } catch {
    return [];
  }
}

/** Names of the declared runtimes (file names only; nothing parsed), for cheap lookups. */
export function declaredNames(env: NodeJS.ProcessEnv = process.env): string[] {
  return yamlFiles(runtimesDir(env)).map((f) => basename(f).replace(/\.ya?ml$/, ""));
}

/** What a declared runtime may do unless its file says more: everything else goes through the prompt. */
function capabilitiesOf(spec: DeclarationSpec): Capabilities {
  const usesModel = spec.argv.flat().some((a) => a.includes("{model}"));
  return {
    skill_dispatch: false,
    targeted_resume: spec.resume_args !== undefined,
    structured_output: false,
    system_prompt_support: "translated",
    tool_restriction_support: "translated",
    permission_mode_support: "ignored",
    reasoning_effort_support: "ignored",
    model_override_support: usesModel ? "native" : "ignored",
    enforceable_reasoning_efforts: null,
    subagent_orchestration: "none",
    model_discovery: false,
    partial_resume: false,
    ...spec.capabilities,
  };
}

function descriptorOf(name: string, file: string, spec: DeclarationSpec, home: string): RuntimeDescriptor {
  const bin = spec.binary.startsWith("~/")
    ? join(home, spec.binary.slice(2))
    : spec.binary.includes("/") && !isAbsolute(spec.binary)
      ? resolve(dirname(file), spec.binary)
      : spec.binary;
  return {
    name,
    displayName: spec.display_name ?? name,
    binary: bin,
    pathEnv: `OUROBOROS_${name.toUpperCase().replace(/-/g, "_")}_CLI_PATH`,
    pathConfigKey: null,
    versionArgs: spec.version_args,
    installHint: spec.install_hint ?? `install '${spec.binary}' or correct 'binary' in ${file}`,
    auth: { method: `whatever ${spec.binary} uses (declared in ${file})`, env_vars: [], files: [] },
    capabilities: capabilitiesOf(spec),
    // The child gets the common base only; the file's `env` adds what this CLI needs.
    env: { pass: [], passPrefixes: [], strip: [], set: {} },
    // Its keys reach it only through OUROBOROS_PASS_ENV, whose names the generic rules cover.
    secretEnv: [],
    defaultTimeouts: { startup_ms: 60_000, idle_ms: 300_000, total_ms: 0 },
    output: spec.output,
    declaredIn: file,
  };
}

function loadOne(file: string, reserved: (name: string) => boolean, home: string): Result<Declaration> {
  const name = basename(file).replace(/\.ya?ml$/, "");
  const at = (line: number, col: number, path: string, message: string) =>
    fail(
      "config",
      `invalid runtime file: ${formatProblem({ file, line, col, path, code: "runtime.declared", message })}`,
      { hint: "fix or remove the file; `ouroboros runtimes` checks it" },
    );
  if (!DECLARED_NAME.test(name))
    return at(1, 1, "-", `the file name is the runtime's name: lowercase letters, digits, '-' or '_' (got '${name}')`);
  if (reserved(name)) return at(1, 1, "-", `'${name}' is a built-in runtime or alias; give the file another name`);
  const text = readTextFile(file, 256_000);
  if (!text.ok) return at(1, 1, "-", text.error.message);
  const { source, problems } = parseYaml(file, text.value);
  if (!source) return at(problems[0]!.line, problems[0]!.col, problems[0]!.path, problems[0]!.message);
  const parsed = v.safeParse(DeclarationSchema, source.data ?? {});
  if (!parsed.success) {
    const p = issuesToProblems(source, parsed.issues, "runtime.declared")[0]!;
    return at(p.line, p.col, p.path, p.message);
  }
  return ok({ name, file, spec: parsed.output, descriptor: descriptorOf(name, file, parsed.output, home) });
}

const cache = new Map<string, { key: string; value: Result<Declaration[]> }>();

/**
 * Every declared runtime, validated; the first malformed file is the error. `reserved` says which
 * names belong to built-in runtimes and aliases. Cached per directory until a file changes.
 */
export function loadDeclarations(env: NodeJS.ProcessEnv, reserved: (name: string) => boolean): Result<Declaration[]> {
  const dir = runtimesDir(env);
  const files = yamlFiles(dir);
  const key = files
    .map((f) => {
      try {
        const st = statSync(f);
        return `${f}:${st.mtimeMs}:${st.size}`;
      } catch {
        return f;
      }
    })
    .join("|");
  const hit = cache.get(dir);
  if (hit && hit.key === key) return hit.value;
  const home = env.HOME?.trim() || "";
  const out: Declaration[] = [];
  let value: Result<Declaration[]> = ok(out);
  for (const f of files) {
    const d = loadOne(f, reserved, home);
    const twin = d.ok ? out.find((x) => x.name === d.value.name) : undefined;
    if (!d.ok || twin) {
      value = d.ok
        ? fail("config", `invalid runtime file: ${f}:1:1  -  '${d.value.name}' is already declared by ${twin!.file}`)
        : d;
      break;
    }
    out.push(d.value);
  }
  cache.set(dir, { key, value });
  return value;
}
