/**
 * One redaction pass for everything we record (event payloads, logs) or send to a model (prompts):
 * the values of credential variables present in the environment, and common token shapes, become
 * `«redacted:NAME»`. A verify command that prints its environment must not put a key into the
 * event log, and from there into another vendor's prompt.
 */

/**
 * Credential variables we know by name that belong to no agent CLI: our own, and tools every
 * child may meet. Each built-in runtime declares its own in its descriptor (`secretEnv`); the
 * runtime registry registers those when it loads (registerCredentialNames), because this layer
 * sits below the runtimes and may not import them.
 */
const OWN_CREDENTIALS = [
  "GH_TOKEN",
  "GITHUB_TOKEN",
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "OUROBOROS_MCP_AUTH_TOKEN",
  "OUROBOROS_POSTHOG_API_KEY",
  "NPM_TOKEN",
  "SLACK_TOKEN",
] as const;
const KNOWN = new Set<string>(OWN_CREDENTIALS);

/**
 * Adds credential variable names (an agent CLI's keys) to the ones redacted and withheld from
 * children that do not own them. Names that already match the generic rules change nothing.
 */
export function registerCredentialNames(names: Iterable<string>): void {
  const before = KNOWN.size;
  for (const n of names) KNOWN.add(n);
  if (KNOWN.size === before) return;
  // Redactors built before hold the old names.
  cached = null;
  forEnv = new WeakMap();
}

/** Names that look like a credential: `*_API_KEY`, `*_TOKEN`, `*_SECRET*`, `*PASSWORD`, `*_ACCESS_KEY*`, `*_authToken`. */
const CREDENTIAL_NAME = /(API_?KEY|TOKEN|SECRET|PASSWORD|PASSWD|ACCESS_KEY(_ID)?|PRIVATE_KEY)$|SECRET/i;

export function isCredentialName(name: string): boolean {
  return KNOWN.has(name) || CREDENTIAL_NAME.test(name);
}

/** Token shapes redacted even when no variable holds them; the label becomes NAME. */
const SHAPES: { name: string; source: string }[] = [
  { name: "sk_key", source: String.raw`(?<![A-Za-z0-9_-])sk-[A-Za-z0-9_-]{16,}` },
  {
    name: "github_token",
    source: String.raw`(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})`,
  },
  { name: "slack_token", source: String.raw`(?<![A-Za-z0-9_-])xox[abposre]-[A-Za-z0-9-]{10,}` },
  { name: "aws_access_key", source: String.raw`(?<![A-Z0-9])(?:AKIA|ASIA)[0-9A-Z]{16}(?![A-Z0-9])` },
  { name: "google_api_key", source: String.raw`(?<![A-Za-z0-9_-])AIza[0-9A-Za-z_-]{35}` },
  { name: "jwt", source: String.raw`(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}` },
];

/** Shorter values would redact ordinary words ("k", "test"); such a "key" is not a secret anyway. */
const MIN_SECRET_CHARS = 8;

export interface Redactor {
  /** Replace every secret in `text`. */
  text(text: string): string;
  /** A copy of a JSON-like value with every string redacted (keys are kept). */
  deep<T>(value: T): T;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

export function createRedactor(env: Readonly<Record<string, string | undefined>>): Redactor {
  const byValue = new Map<string, string>();
  for (const [k, val] of Object.entries(env)) {
    if (!val || val.length < MIN_SECRET_CHARS || !isCredentialName(k)) continue;
    const v = val.trim();
    if (v.length >= MIN_SECRET_CHARS && !byValue.has(v)) byValue.set(v, k);
  }
  // Longest value first, so a key that contains another is replaced whole.
  const values = [...byValue.keys()].sort((a, b) => b.length - a.length);
  const groups = [
    ...(values.length ? [`(${values.map(escapeRe).join("|")})`] : []),
    ...SHAPES.map((s) => `(${s.source})`),
  ];
  const re = new RegExp(groups.join("|"), "g");
  const shapeOffset = values.length ? 1 : 0;
  const text = (s: string): string => {
    re.lastIndex = 0;
    if (!re.test(s)) return s;
    re.lastIndex = 0;
    return s.replace(re, (match: string, ...groupsMatched: unknown[]) => {
      if (shapeOffset && groupsMatched[0] !== undefined) return `«redacted:${byValue.get(match) ?? "secret"}»`;
      const i = groupsMatched.slice(shapeOffset, shapeOffset + SHAPES.length).findIndex((g) => g !== undefined);
      return `«redacted:${SHAPES[i]?.name ?? "secret"}»`;
    });
  };
  const deep = <T>(value: T): T => {
    if (typeof value === "string") return text(value) as T;
    if (Array.isArray(value)) return value.map(deep) as T;
    if (value && typeof value === "object") {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = deep(v);
      return out as T;
    }
    return value;
  };
  return { text, deep };
}

let cached: { snapshot: string; checkedAt: number; redactor: Redactor } | null = null;
/** Reading the whole environment costs more than redacting a payload; it changes at start-up only. */
const RECHECK_MS = 1000;

/** The redactor for this process's environment (rebuilt when a credential variable changes). */
export function redactor(): Redactor {
  const now = Date.now();
  if (cached && now - cached.checkedAt < RECHECK_MS) return cached.redactor;
  const snapshot = credentialSnapshot(process.env);
  if (!cached || cached.snapshot !== snapshot)
    cached = { snapshot, checkedAt: now, redactor: createRedactor(process.env) };
  else cached.checkedAt = now;
  return cached.redactor;
}

function credentialSnapshot(env: NodeJS.ProcessEnv): string {
  let s = "";
  for (const k in env) if (isCredentialName(k)) s += `${k}=${env[k]}\u0000`;
  return s;
}

let forEnv = new WeakMap<object, Redactor>();

/** The redactor for a child's parent environment when it is not process.env (both sets of values count). */
export function redactorFor(env: Readonly<Record<string, string | undefined>>): Redactor {
  if (env === process.env) return redactor();
  let r = forEnv.get(env);
  if (!r) {
    r = createRedactor({ ...process.env, ...env });
    forEnv.set(env, r);
  }
  return r;
}

export const redactText = (s: string): string => redactor().text(s);
export const redactDeep = <T>(value: T): T => redactor().deep(value);
