/**
 * Load config: defaults < config.yaml < environment. Every value knows its source,
 * so `config show` can say where it came from.
 */
import { existsSync } from "node:fs";
import * as v from "valibot";
import { fail, ok, type OuroError, type Result } from "../errors.ts";
import { capEnvName, inputCap, readTextFile } from "../util/bounded-read.ts";
import { formatProblem, type Problem } from "../util/problems.ts";
import { issuesToProblems, parseYaml, type YamlSource } from "../util/yaml-source.ts";
import { DESCRIPTORS } from "../runtime/descriptors.ts";
import { paths } from "./paths.ts";
import { ConfigSchema, defaultConfig, type Config } from "./schema.ts";

export type Source = "default" | "config" | `env:${string}`;
export interface LoadedConfig {
  config: Config;
  file: string;
  fileExists: boolean;
  sources: Record<string, Source>;
}

/**
 * env var → config dot path. The runtime variables
 * (OUROBOROS_AGENT_RUNTIME, OUROBOROS_RUNTIME) are resolved by runtime/selection.ts, which
 * accepts aliases and names its source.
 */
export const ENV_OVERRIDES: readonly (readonly [string, string])[] = [
  ["OUROBOROS_LLM_BACKEND", "llm.backend"],
  // Each built-in runtime's binary: OUROBOROS_<RT>_CLI_PATH → orchestrator.<rt>_cli_path.
  ...Object.values(DESCRIPTORS).flatMap((d) =>
    d.pathConfigKey ? [[d.pathEnv, `orchestrator.${d.pathConfigKey}`] as const] : [],
  ),
  ["OUROBOROS_MAX_PARALLEL_WORKERS", "orchestrator.max_parallel_workers"],
  ["OUROBOROS_MAX_DECOMPOSITION_DEPTH", "orchestrator.max_decomposition_depth"],
  ["OUROBOROS_LEASE_TTL_SECONDS", "orchestrator.lease_ttl_seconds"],
  ["OUROBOROS_EXECUTION_MODEL", "execution.default_model"],
];

export function flatten(obj: unknown, prefix = "", out: Record<string, unknown> = {}): Record<string, unknown> {
  if (
    obj &&
    typeof obj === "object" &&
    !Array.isArray(obj) &&
    Object.keys(obj).length &&
    prefix.split(".").length < 2
  ) {
    for (const [k, val] of Object.entries(obj)) flatten(val, prefix ? `${prefix}.${k}` : k, out);
  } else if (prefix) out[prefix] = obj;
  return out;
}

export function getPath(obj: unknown, dotted: string): unknown {
  let cur: unknown = obj;
  for (const k of dotted.split(".")) {
    if (!cur || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

function setPath(obj: Record<string, unknown>, dotted: string, value: unknown): void {
  const keys = dotted.split(".");
  let cur = obj;
  for (const k of keys.slice(0, -1)) {
    if (!cur[k] || typeof cur[k] !== "object") cur[k] = {};
    cur = cur[k] as Record<string, unknown>;
  }
  cur[keys[keys.length - 1]!] = value;
}

/** Coerce a string (env or `config set`) to the type the key's default has. */
export function coerceLike(example: unknown, raw: string): unknown {
  const t = raw.trim();
  if (typeof example === "number") return t !== "" && Number.isFinite(Number(t)) ? Number(t) : raw;
  if (typeof example === "boolean") {
    if (/^(true|yes|on|1)$/i.test(t)) return true;
    if (/^(false|no|off|0)$/i.test(t)) return false;
    return raw;
  }
  if (example === null && /^(null|~)?$/i.test(t)) return null;
  if (example !== null && typeof example === "object") {
    try {
      return JSON.parse(raw);
    } catch {
      return raw;
    }
  }
  return t;
}

/** A malformed config file: one line `file:line:col  field  message`, exit 78. */
export const configProblem = (p: Problem, extra: Omit<Partial<OuroError>, "kind" | "message"> = {}): Result<never> =>
  fail("config", `invalid config: ${formatProblem(p)}`, {
    hint: "fix the file or run `ouroboros config set`",
    ...extra,
  });

/** Parse config text: one YAML mapping (or nothing). `file` is the name shown in messages. */
export function parseConfigText(
  file: string,
  text: string,
): Result<{ source: YamlSource | null; raw: Record<string, unknown> }> {
  if (text.trim() === "") return ok({ source: null, raw: {} });
  const { source, problems } = parseYaml(file, text);
  if (!source) return configProblem(problems[0]!);
  const data = source.data ?? {};
  if (typeof data !== "object" || Array.isArray(data)) {
    return configProblem({
      file,
      line: 1,
      col: 1,
      path: "",
      code: "config.not_mapping",
      message: `config must be a mapping of sections, found ${Array.isArray(data) ? "a list" : `a ${typeof data}`}`,
    });
  }
  return ok({ source, raw: data as Record<string, unknown> });
}

/** Schema problems of a parsed config, located in the file. */
export function configSchemaProblems(source: YamlSource | null, raw: unknown): Problem[] {
  const parsed = v.safeParse(ConfigSchema, raw);
  if (parsed.success) return [];
  if (!source)
    return [{ file: "", line: 1, col: 1, path: "", code: "config.schema", message: parsed.issues[0].message }];
  return issuesToProblems(source, parsed.issues, "config");
}

/** Read the config file through the bounded reader (devices, FIFOs and huge files refused). */
export function readConfigText(file: string): Result<{ text: string; exists: boolean }> {
  if (!existsSync(file)) return ok({ text: "", exists: false });
  const text = readTextFile(file, inputCap("config"));
  if (text.ok) return ok({ text: text.value, exists: true });
  if (text.error.code === "file.empty") return ok({ text: "", exists: true });
  const hint = text.error.code === "file.too_large" ? `${capEnvName("config")} raises the limit` : undefined;
  return configProblem(
    { file, line: 1, col: 1, path: "", code: text.error.code, message: text.error.message },
    hint ? { hint } : {},
  );
}

/** Read the raw YAML object of the config file (no defaults applied). */
export function readConfigFile(file: string): Result<{ raw: Record<string, unknown>; exists: boolean }> {
  const read = readConfigText(file);
  if (!read.ok) return read;
  const parsed = parseConfigText(file, read.value.text);
  if (!parsed.ok) return parsed;
  const ps = configSchemaProblems(parsed.value.source, parsed.value.raw);
  if (ps.length) return configProblem(ps[0]!, { details: ps.slice(1).map(formatProblem) });
  return ok({ raw: parsed.value.raw, exists: read.value.exists });
}

export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  file = env.OUROBOROS_CONFIG || paths.config(),
): Result<LoadedConfig> {
  const read = readConfigFile(file);
  if (!read.ok) return read;
  const merged = structuredClone(read.value.raw);
  const sources: Record<string, Source> = {};
  for (const key of Object.keys(flatten(defaultConfig())))
    sources[key] = getPath(read.value.raw, key) === undefined ? "default" : "config";
  for (const [name, key] of ENV_OVERRIDES) {
    const raw = env[name];
    if (raw === undefined || raw.trim() === "") continue;
    const example = getPath(defaultConfig(), key);
    const value = coerceLike(example, raw);
    setPath(merged, key, value);
    sources[key] = `env:${name}`;
  }
  const parsed = v.safeParse(ConfigSchema, merged);
  if (!parsed.success) {
    const issue = parsed.issues[0];
    const key = issue.path?.map((p) => String(p.key)).join(".") ?? "";
    const src = sources[key] ?? "config";
    return fail("config", `invalid value for ${key} (from ${src}): ${issue.message}`);
  }
  return ok({ config: parsed.output, file, fileExists: read.value.exists, sources });
}
