/**
 * Copilot live model discovery: token from GH_TOKEN,
 * GITHUB_TOKEN, COPILOT_TOKEN or `gh auth token`; GET <base>/models; keep enabled chat models the
 * account may pick. Any failure gives the bundled list plus the reason, never an exception.
 */
import * as v from "valibot";
import { policyEnv } from "../security/child-env.ts";

export const COPILOT_API_DEFAULT = "https://api.githubcopilot.com";
const TIMEOUT_MS = 5000;

export const FALLBACK_MODELS: readonly string[] = [
  "claude-opus-5",
  "claude-opus-4.8",
  "claude-opus-4.7",
  "claude-opus-4.6",
  "claude-opus-4.5",
  "claude-sonnet-4.6",
  "claude-sonnet-4.5",
  "claude-sonnet-4",
  "claude-haiku-4.5",
  "gpt-5.4",
  "gpt-5.3-codex",
  "gpt-5.2",
  "gpt-5-mini",
  "gpt-4.1",
];

export interface CopilotModel {
  id: string;
  name: string | null;
  vendor: string | null;
  family: string | null;
}

export interface Discovery {
  models: CopilotModel[];
  source: "live" | "fallback";
  /** Why the bundled list is used. */
  warning: string | null;
}

const ModelsSchema = v.object({
  data: v.array(
    v.looseObject({
      id: v.pipe(v.string(), v.minLength(1)),
      name: v.optional(v.nullable(v.string())),
      vendor: v.optional(v.nullable(v.string())),
      model_picker_enabled: v.optional(v.nullable(v.boolean())),
      capabilities: v.optional(
        v.nullable(
          v.looseObject({ type: v.optional(v.nullable(v.string())), family: v.optional(v.nullable(v.string())) }),
        ),
      ),
      policy: v.optional(v.nullable(v.looseObject({ state: v.optional(v.nullable(v.string())) }))),
    }),
  ),
});

type Env = Readonly<Record<string, string | undefined>>;

async function token(env: Env): Promise<{ token: string | null; from: string }> {
  for (const k of ["GH_TOKEN", "GITHUB_TOKEN", "COPILOT_TOKEN"])
    if (env[k]?.trim()) return { token: env[k]!.trim(), from: k };
  const gh = Bun.which("gh", { PATH: env.PATH ?? "" });
  if (!gh) return { token: null, from: "none" };
  try {
    const p = Bun.spawn([gh, "auth", "token"], {
      stdout: "pipe",
      stderr: "ignore",
      stdin: "ignore",
      timeout: TIMEOUT_MS,
      env: policyEnv(env, { kind: "gh" }),
    });
    const [out, code] = await Promise.all([new Response(p.stdout).text(), p.exited]);
    return { token: code === 0 && out.trim() ? out.trim() : null, from: "gh auth token" };
  } catch {
    return { token: null, from: "gh auth token" };
  }
}

const fallback = (warning: string): Discovery => ({
  models: FALLBACK_MODELS.map((id) => ({ id, name: null, vendor: null, family: null })),
  source: "fallback",
  warning: `${warning}; using the bundled model list (run \`gh auth login\` for the live list)`,
});

export async function discoverCopilotModels(env: Env): Promise<Discovery> {
  const t = await token(env);
  if (!t.token) return fallback("no GitHub token (GH_TOKEN, GITHUB_TOKEN, COPILOT_TOKEN or `gh auth token`)");
  const base = (env.OUROBOROS_COPILOT_API_URL?.trim() || COPILOT_API_DEFAULT).replace(/\/+$/, "");
  let body: unknown;
  try {
    const res = await fetch(`${base}/models`, {
      headers: {
        Authorization: `Bearer ${t.token}`,
        Accept: "application/json",
        "Editor-Version": "ouroboros-discovery/1.0",
        "Copilot-Integration-Id": "copilot-cli",
      },
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    if (!res.ok)
      return fallback(`${base}/models answered HTTP ${res.status}${res.status === 401 ? " (token rejected)" : ""}`);
    const text = await res.text();
    try {
      body = JSON.parse(text);
    } catch {
      return fallback(`${base}/models returned invalid JSON`);
    }
  } catch (e) {
    const name = (e as Error).name;
    return fallback(
      name === "TimeoutError" || name === "AbortError"
        ? `${base}/models did not answer within ${TIMEOUT_MS / 1000} s`
        : `cannot reach ${base} (${(e as Error).message})`,
    );
  }
  const parsed = v.safeParse(ModelsSchema, body);
  if (!parsed.success) return fallback(`${base}/models returned an unexpected shape`);
  const seen = new Set<string>();
  const models: CopilotModel[] = [];
  for (const m of parsed.output.data) {
    const chat = m.capabilities?.type === "chat" && m.model_picker_enabled === true && m.policy?.state !== "disabled";
    if (!chat || seen.has(m.id)) continue;
    seen.add(m.id);
    models.push({ id: m.id, name: m.name ?? null, vendor: m.vendor ?? null, family: m.capabilities?.family ?? null });
  }
  if (!models.length) return fallback(`${base}/models listed no enabled chat models`);
  return { models, source: "live", warning: null };
}

/** First id starting `claude-opus-4.6`, else the first. */
export const defaultPick = (models: readonly CopilotModel[]): string =>
  (models.find((m) => m.id.startsWith("claude-opus-4.6")) ?? models[0]!).id;

/** The config fields the chosen model fills (those our schema has) */
export function modelConfig(model: string): { set: Record<string, string>; fill: Record<string, string> } {
  return {
    set: { "orchestrator.copilot_model": model },
    fill: { "llm.qa_model": model, "clarification.default_model": model, "evaluation.semantic_model": model },
  };
}
