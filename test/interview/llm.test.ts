/**
 * The LLM backends against the loopback mock model: both HTTP wire formats, error mapping and
 * retries, backend selection, and the one-shot mode through real agent CLIs (codex, claude).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { defaultConfig } from "../../src/config/schema.ts";
import { createLlm } from "../../src/llm/index.ts";
import { createHttpBackend } from "../../src/llm/http.ts";
import { ROOT } from "../lib/cli.ts";
import { cliEnv } from "../lib/cli-env.ts";
import { startMockModel, type MockModel } from "../lib/mock-model/index.ts";

let mock: MockModel;
beforeAll(async () => {
  mock = await startMockModel({ script: (req) => ({ text: `echo:${req.lastUserText}` }) });
});
afterAll(() => mock.stop());

const msgs = [
  { role: "system" as const, content: "be brief" },
  { role: "user" as const, content: "hello" },
];

describe("HTTP backends", () => {
  test("Anthropic Messages: system apart, text and usage back", async () => {
    const llm = createHttpBackend({ name: "anthropic", apiKey: "k", baseUrl: mock.url, model: "m1" });
    const r = await llm.complete(msgs, { json: true, temperature: 0.1, max_tokens: 300 });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.content).toBe("echo:hello");
    expect(r.value.backend).toBe("anthropic");
    const req = mock.requests.at(-1)!;
    expect(req.path).toBe("/v1/messages");
    expect(req.headers["x-api-key"]).toBe("k");
    const body = req.body as { system: string; messages: unknown[]; max_tokens: number; temperature: number };
    expect(body.system).toContain("be brief");
    expect(body.system).toContain("single JSON object");
    expect(body.messages).toEqual([{ role: "user", content: "hello" }]);
    expect(body.max_tokens).toBe(300);
    expect(body.temperature).toBe(0.1);
  });

  test("OpenAI-compatible Chat Completions: json → response_format", async () => {
    const llm = createHttpBackend({ name: "openai", apiKey: "k2", baseUrl: `${mock.url}/v1`, model: "m2" });
    const r = await llm.complete(msgs, { json: true });
    expect(r.ok && r.value.content).toBe("echo:hello");
    const req = mock.requests.at(-1)!;
    expect(req.path).toBe("/v1/chat/completions");
    expect(req.headers.authorization).toBe("Bearer k2");
    expect((req.body as { response_format: unknown }).response_format).toEqual({ type: "json_object" });
  });

  test("unreachable: one clear error naming the URL and the attempts", async () => {
    const llm = createHttpBackend({
      name: "openai",
      apiKey: "k",
      baseUrl: "http://127.0.0.1:9/v1",
      model: "m",
      retries: 1,
    });
    const r = await llm.complete(msgs);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.kind).toBe("runtimeUnavailable");
    expect(r.error.message).toContain(
      "openai backend unreachable: tried POST http://127.0.0.1:9/v1/chat/completions 2×",
    );
  });

  test("401 fails at once (no retry) with a hint about the key; 503 is retried", async () => {
    const m = await startMockModel({ script: () => ({ status: 401, message: "bad key" }) });
    try {
      const llm = createHttpBackend({ name: "anthropic", apiKey: "k", baseUrl: m.url, model: "m", retries: 2 });
      const r = await llm.complete(msgs);
      expect(!r.ok && r.error.kind).toBe("config");
      expect(!r.ok && r.error.hint).toContain("ANTHROPIC_API_KEY");
      expect(m.modelRequests()).toHaveLength(1);
      m.setScript(() => ({ status: 503 }));
      const r2 = await llm.complete(msgs);
      expect(!r2.ok && r2.error.kind).toBe("runtimeUnavailable");
      expect(m.modelRequests()).toHaveLength(4);
    } finally {
      await m.stop();
    }
  });
});

describe("backend selection", () => {
  const cfg = defaultConfig();
  test("flag beats config; aliases map; unknown names list the choices", () => {
    expect(createLlm(cfg, { ANTHROPIC_API_KEY: "x" }, "anthropic").ok).toBe(true);
    const unknown = createLlm(cfg, {}, "gpt-cli");
    expect(!unknown.ok && unknown.error.message).toBe("unknown LLM backend 'gpt-cli'");
    expect(!unknown.ok && unknown.error.hint).toContain("anthropic, openai, claude, codex");
  });
  test("a missing key or CLI is a clear error naming what was tried", () => {
    const noKey = createLlm(cfg, {}, "openai");
    expect(!noKey.ok && noKey.error.message).toContain("OPENAI_API_KEY");
    const noCli = createLlm(cfg, { PATH: "/nonexistent" }, "claude_code");
    expect(!noCli.ok && noCli.error.kind).toBe("runtimeUnavailable");
    expect(!noCli.ok && noCli.error.message).toContain("checked OUROBOROS_CLI_PATH, orchestrator.cli_path, PATH");
  });
});

describe("one-shot through a real agent CLI", () => {
  for (const cli of ["codex", "claude"] as const) {
    test(`${cli}: the transcript prompt goes in, the final answer comes back`, async () => {
      const m = await startMockModel({
        script: (req) => ({
          text: req.lastUserText.includes("## Conversation") ? "CLI_ANSWER_42" : "unexpected prompt",
        }),
      });
      const ce = cliEnv(cli, m.url, { shared: true });
      try {
        const env = {
          ...ce.env,
          PATH: `${join(ROOT, "node_modules/.bin")}:${ce.env.PATH}`,
          OUROBOROS_PASS_ENV: "MOCK_API_KEY",
        };
        const llm = createLlm(defaultConfig(), env, cli);
        expect(llm.ok).toBe(true);
        if (!llm.ok) return;
        const r = await llm.value.complete(msgs, { timeout_ms: 60_000 });
        if (!r.ok) throw new Error(r.error.message);
        expect(r.value.content.trim()).toBe("CLI_ANSWER_42");
        const prompt = m.modelRequests().find((q) => q.lastUserText.includes("## Conversation"))!.lastUserText;
        expect(prompt).toContain("## System Instructions\nbe brief");
        expect(prompt).toContain("User: hello");
      } finally {
        ce.cleanup();
        await m.stop();
      }
    }, 90_000);
  }
});
