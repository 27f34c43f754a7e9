/**
 * The one environment policy for every child process we start. Each kind of child gets an
 * allowlist of what it needs; a credential goes only to the child that owns it:
 *
 *   agent CLI / LLM CLI backend  base + its runtime's own rules (adapters/<rt>/descriptor.ts env) + OUROBOROS_PASS_ENV
 *   seed command (verify, exit condition, mechanical check)  base + toolchain variables, no credentials
 *   version probe (`<cli> --version`)  base only
 *   gh (`gh auth token`)  base + GH_* (gh owns the GitHub token)
 *
 * "base" = paths, locale, terminal, proxies and CA certificates — never a credential-shaped name
 * (generic rules in redact.ts plus each runtime's `secretEnv`, which the registry registers there).
 */
import { isCredentialName } from "./redact.ts";

type Env = Readonly<Record<string, string | undefined>>;

/** Everything any child may need regardless of vendor. */
const BASE = new Set([
  "PATH",
  "HOME",
  "USER",
  "LOGNAME",
  "SHELL",
  "TERM",
  "TZ",
  "TMPDIR",
  "TMP",
  "TEMP",
  "LANG",
  "LANGUAGE",
  "NO_COLOR",
  "CI",
  "HTTP_PROXY",
  "HTTPS_PROXY",
  "NO_PROXY",
  "http_proxy",
  "https_proxy",
  "no_proxy",
  "ALL_PROXY",
  "NODE_EXTRA_CA_CERTS",
  "SSL_CERT_FILE",
  "SSL_CERT_DIR",
  "SYSTEMROOT",
  "COMSPEC",
  "APPDATA",
  "LOCALAPPDATA",
  "USERPROFILE",
]);
const BASE_PREFIXES = ["LC_", "XDG_"];

/** What build and test tools read (virtualenvs, toolchain homes); none of these carry credentials. */
const TOOLCHAIN = new Set([
  "VIRTUAL_ENV",
  "CONDA_PREFIX",
  "PYTHONPATH",
  "PYTHONHOME",
  "PYTHONDONTWRITEBYTECODE",
  "PYTHONUTF8",
  "PYTHONIOENCODING",
  "JAVA_HOME",
  "GOPATH",
  "GOROOT",
  "GOCACHE",
  "GOMODCACHE",
  "GOFLAGS",
  "GOTOOLCHAIN",
  "CARGO_HOME",
  "RUSTUP_HOME",
  "RUSTUP_TOOLCHAIN",
  "NODE_PATH",
  "BUN_INSTALL",
  "DENO_DIR",
  "PNPM_HOME",
  "GRADLE_USER_HOME",
  "GEM_HOME",
  "GEM_PATH",
  "DOTNET_ROOT",
]);

export interface AgentEnvRules {
  readonly pass: readonly string[];
  readonly passPrefixes: readonly string[];
  readonly strip: readonly string[];
  readonly set: Readonly<Record<string, string>>;
}

export type ChildKind =
  | { kind: "agent"; rules: AgentEnvRules; passEnv?: readonly string[] }
  | { kind: "command" }
  | { kind: "probe" }
  | { kind: "gh" };

/** Never forwarded, whatever a rule says: discovery markers that would confuse a nested run. */
const ALWAYS_STRIP = new Set(["OUROBOROS_AGENT_RUNTIME", "OUROBOROS_LLM_BACKEND"]);

const inBase = (k: string) => BASE.has(k) || BASE_PREFIXES.some((p) => k.startsWith(p));

/** Does this child own (may receive) variable `k`? Credentials only through an explicit rule. */
function allowed(k: string, child: ChildKind): boolean {
  switch (child.kind) {
    case "probe":
      return inBase(k) && !isCredentialName(k);
    case "command":
      return (inBase(k) || TOOLCHAIN.has(k)) && !isCredentialName(k);
    case "gh":
      return (inBase(k) && !isCredentialName(k)) || k.startsWith("GH_") || k === "GITHUB_TOKEN";
    case "agent": {
      const r = child.rules;
      if (r.strip.includes(k)) return false;
      // An explicit rule of this runtime (or OUROBOROS_PASS_ENV) is ownership; the base never carries a credential.
      if (r.pass.includes(k) || child.passEnv?.includes(k) || r.passPrefixes.some((p) => k.startsWith(p))) return true;
      return inBase(k) && !isCredentialName(k);
    }
  }
}

/** The environment for one child: `parent` filtered through the policy for `child`. */
export function policyEnv(parent: Env, child: ChildKind): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, val] of Object.entries(parent)) {
    if (val === undefined || ALWAYS_STRIP.has(k)) continue;
    if (allowed(k, child)) env[k] = val;
  }
  if (child.kind === "agent") Object.assign(env, child.rules.set);
  return env;
}

/** Environment for verify, exit-condition and mechanical commands: no credentials at all. */
export const commandEnv = (parent: Env = process.env) => policyEnv(parent, { kind: "command" });
/** Environment for `<cli> --version`. */
export const probeEnv = (parent: Env = process.env) => policyEnv(parent, { kind: "probe" });

/** OUROBOROS_PASS_ENV=NAME[,NAME]: extra variables the user forwards to agent CLIs (custom provider keys). */
export function passEnvNames(env: Env): string[] {
  return (env.OUROBOROS_PASS_ENV ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}
