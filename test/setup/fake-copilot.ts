/**
 * Loopback stand-in for the Copilot models endpoint (`GET /models`), answering as told:
 * 200 with a catalogue, 401, invalid JSON, or never (to exercise the 5 s timeout).
 * Records each request's headers.
 */
export type FakeMode = "ok" | "401" | "badjson" | "never";

/** Mixed catalogue: only enabled chat models the account may pick must survive the filter. */
export const CATALOGUE = {
  data: [
    {
      id: "text-embedding-3-small",
      name: "Embedding",
      vendor: "OpenAI",
      model_picker_enabled: false,
      capabilities: { type: "embeddings", family: "text-embedding-3-small" },
    },
    {
      id: "claude-opus-4.6",
      name: "Claude Opus 4.6",
      vendor: "Anthropic",
      model_picker_enabled: true,
      capabilities: { type: "chat", family: "claude-opus-4.6" },
      policy: { state: "disabled" },
    },
    {
      id: "gpt-4o-mini",
      name: "GPT-4o mini",
      vendor: "Azure OpenAI",
      model_picker_enabled: false,
      capabilities: { type: "chat", family: "gpt-4o-mini" },
    },
    {
      id: "gpt-5.2",
      name: "GPT-5.2",
      vendor: "OpenAI",
      model_picker_enabled: true,
      capabilities: { type: "chat", family: "gpt-5.2" },
      policy: { state: "enabled" },
    },
    {
      id: "claude-sonnet-4.6",
      name: "Claude Sonnet 4.6",
      vendor: "Anthropic",
      model_picker_enabled: true,
      capabilities: { type: "chat", family: "claude-sonnet-4.6" },
    },
    {
      id: "claude-opus-4.6-fast",
      name: "Claude Opus 4.6 (fast)",
      vendor: "Anthropic",
      model_picker_enabled: true,
      capabilities: { type: "chat", family: "claude-opus-4.6" },
    },
    {
      id: "gpt-5.3-codex",
      name: "GPT-5.3 Codex",
      vendor: "OpenAI",
      model_picker_enabled: true,
      capabilities: { type: "chat", family: "gpt-5.3-codex" },
    },
    {
      id: "gpt-5.2",
      name: "GPT-5.2 duplicate",
      vendor: "OpenAI",
      model_picker_enabled: true,
      capabilities: { type: "chat", family: "gpt-5.2" },
    },
    {
      id: "gemini-3-pro",
      name: "Gemini 3 Pro",
      vendor: "Google",
      model_picker_enabled: true,
      capabilities: { type: "chat", family: "gemini-3-pro" },
    },
  ],
};
/** What the filter keeps, in order. */
export const ENABLED_CHAT = ["gpt-5.2", "claude-sonnet-4.6", "claude-opus-4.6-fast", "gpt-5.3-codex", "gemini-3-pro"];

export interface FakeCopilot {
  url: string;
  requests: { path: string; headers: Record<string, string> }[];
  stop(): void;
}

export function startFakeCopilot(mode: FakeMode): FakeCopilot {
  const requests: FakeCopilot["requests"] = [];
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    idleTimeout: 30,
    fetch(req) {
      const path = new URL(req.url).pathname;
      requests.push({ path, headers: Object.fromEntries(req.headers as unknown as Iterable<[string, string]>) });
      if (path !== "/models") return new Response("not found", { status: 404 });
      if (mode === "401") return Response.json({ message: "Bad credentials" }, { status: 401 });
      if (mode === "badjson") return new Response("{ not json", { headers: { "content-type": "application/json" } });
      if (mode === "never") return new Promise<Response>(() => {});
      return Response.json(CATALOGUE);
    },
  });
  return { url: `http://127.0.0.1:${server.port}`, requests, stop: () => server.stop(true) };
}
