/**
 * The child environment (spec runtimes.md §1.7): a small common base plus what the CLI needs,
 * never our own secrets or discovery markers, and the recursion guard `_OUROBOROS_DEPTH`.
 */
import { err, ok, type Result } from "../errors.ts";
import type { EnvRules } from "./contract.ts";
import { runtimeError, type RuntimeError } from "./messages.ts";

export const MAX_DEPTH = 5;
export const DEPTH_VAR = "_OUROBOROS_DEPTH";

/** Everything a CLI may need regardless of vendor: paths, locale, terminal, proxies, CA certs. */
const COMMON = new Set([
  "PATH", "HOME", "USER", "LOGNAME", "SHELL", "TERM", "TZ", "TMPDIR", "TMP", "TEMP", "LANG", "LANGUAGE",
  "NO_COLOR", "CI", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "no_proxy", "ALL_PROXY",
  "NODE_EXTRA_CA_CERTS", "SSL_CERT_FILE", "SSL_CERT_DIR", "SYSTEMROOT", "COMSPEC", "APPDATA", "LOCALAPPDATA", "USERPROFILE",
]);
const COMMON_PREFIXES = ["LC_", "XDG_"];
/** Never forwarded, whatever a rule says (spec §1.7 "always stripped"). */
const ALWAYS_STRIP = new Set(["OUROBOROS_AGENT_RUNTIME", "OUROBOROS_LLM_BACKEND"]);

export function nextDepth(parent: Record<string, string | undefined>): number {
  const n = Number.parseInt(parent[DEPTH_VAR] ?? "", 10);
  return (Number.isFinite(n) && n > 0 ? n : 0) + 1;
}

/**
 * Filter `parent` through the runtime's rules, add `extra` (the adapter's own variables) and the
 * incremented depth. `passEnv` names further variables to forward (e.g. a custom key variable).
 */
export function childEnv(
  parent: Record<string, string | undefined>,
  rules: EnvRules,
  extra: Record<string, string> = {},
  passEnv: readonly string[] = [],
): Result<Record<string, string>, RuntimeError> {
  const depth = nextDepth(parent);
  if (depth > MAX_DEPTH) {
    return err(runtimeError("depth_exceeded", `Maximum Ouroboros nesting depth (${MAX_DEPTH}) exceeded`, { hint: `${DEPTH_VAR}=${depth - 1} in the environment: an agent is calling Ouroboros recursively` }));
  }
  const pass = new Set([...rules.pass, ...passEnv]);
  const strip = new Set(rules.strip);
  const prefixes = [...COMMON_PREFIXES, ...rules.passPrefixes];
  const env: Record<string, string> = {};
  for (const [k, val] of Object.entries(parent)) {
    if (val === undefined || ALWAYS_STRIP.has(k) || strip.has(k)) continue;
    if (COMMON.has(k) || pass.has(k) || prefixes.some((p) => k.startsWith(p))) env[k] = val;
  }
  Object.assign(env, rules.set, extra);
  env[DEPTH_VAR] = String(depth);
  return ok(env);
}
