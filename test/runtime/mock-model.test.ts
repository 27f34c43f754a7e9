/** The loopback mock model itself: each dialect, the scenarios, request recording, standalone mode. */
import { afterAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { startMockModel } from "../lib/mock-model/index.ts";
import { ROOT } from "./helpers.ts";

const mock = await startMockModel({ scenario: "plain" });
afterAll(() => mock.stop(), 30_000);

const post = (path: string, body: unknown) =>
  fetch(`${mock.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });

describe("mock model server", () => {
  test("binds 127.0.0.1 on a random port", () => {
    expect(mock.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(mock.port).toBeGreaterThan(0);
  });

  test("Anthropic Messages SSE: text deltas and message_stop", async () => {
    const r = await post("/v1/messages?beta=true", {
      model: "m",
      stream: true,
      messages: [{ role: "user", content: "hi" }],
    });
    const t = await r.text();
    expect(r.headers.get("content-type")).toContain("text/event-stream");
    expect(t).toContain('"text":"MOCK_OK"');
    expect(t).toContain("event: message_stop");
  });

  test("Chat Completions (JSON and SSE), Responses SSE, Gemini generateContent/SSE", async () => {
    const j = (await (
      await post("/v1/chat/completions", { model: "m", messages: [{ role: "user", content: "hi" }] })
    ).json()) as { choices: { message: { content: string } }[] };
    expect(j.choices[0]!.message.content).toBe("MOCK_OK");
    expect(await (await post("/v1/chat/completions", { model: "m", stream: true, messages: [] })).text()).toContain(
      "data: [DONE]",
    );
    expect(await (await post("/v1/responses", { model: "m", stream: true, input: "hi" })).text()).toContain(
      "response.completed",
    );
    const g = (await (
      await post("/v1beta/models/gemini-x:generateContent", { contents: [{ role: "user", parts: [{ text: "hi" }] }] })
    ).json()) as { candidates: { content: { parts: { text: string }[] } }[] };
    expect(g.candidates[0]!.content.parts[0]!.text).toBe("MOCK_OK");
    expect(
      await (await post("/v1beta/models/gemini-x:streamGenerateContent?alt=sse", { contents: [] })).text(),
    ).toMatch(/^data: \{/);
  });

  test("tool_write: calls the offered shell tool with schema-shaped args, then answers", async () => {
    mock.setScenario("tool_write");
    const tools = [
      {
        type: "function",
        function: { name: "bash", parameters: { type: "object", properties: { command: { type: "string" } } } },
      },
    ];
    const first = (await (
      await post("/v1/chat/completions", { model: "m", tools, messages: [{ role: "user", content: "go" }] })
    ).json()) as { choices: { message: { tool_calls: { function: { name: string; arguments: string } }[] } }[] };
    const call = first.choices[0]!.message.tool_calls[0]!.function;
    expect(call.name).toBe("bash");
    expect(JSON.parse(call.arguments)).toEqual({ command: "echo MOCK_FILE > mock_created.txt" });
    const second = (await (
      await post("/v1/chat/completions", {
        model: "m",
        tools,
        messages: [
          { role: "user", content: "go" },
          { role: "tool", content: "" },
        ],
      })
    ).json()) as { choices: { message: { content: string } }[] };
    expect(second.choices[0]!.message.content).toBe("MOCK_DONE");
    mock.setScenario("plain");
  });

  test("http_500, malformed and a custom script; every request recorded", async () => {
    mock.setScenario("http_500");
    expect((await post("/v1/messages", { model: "m", messages: [] })).status).toBe(500);
    mock.setScenario("malformed");
    expect(await (await post("/v1/chat/completions", { model: "m", stream: true, messages: [] })).text()).toContain(
      "not json",
    );
    mock.setScript((req) => ({ text: `echo:${req.lastUserText}` }));
    const j = (await (
      await post("/v1/chat/completions", { model: "m", messages: [{ role: "user", content: "ping" }] })
    ).json()) as { choices: { message: { content: string } }[] };
    expect(j.choices[0]!.message.content).toBe("echo:ping");
    mock.setScenario("plain");
    expect(mock.requests.length).toBeGreaterThanOrEqual(10);
    expect(mock.requests.every((r) => r.method === "POST")).toBe(true);
    expect(mock.modelRequests().at(-1)!.lastUserText).toBe("ping");
  });

  test("stall: headers and first event, then silence until stop()", async () => {
    const m2 = await startMockModel({ scenario: "stall" });
    const r = await fetch(`${m2.url}/v1/messages`, {
      method: "POST",
      body: JSON.stringify({ model: "m", stream: true, messages: [] }),
    });
    const reader = r.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toContain("message_start");
    const next = await Promise.race([reader.read().then(() => "data"), Bun.sleep(300).then(() => "silent")]);
    expect(next).toBe("silent");
    await m2.stop();
  });

  test("standalone: serve.ts prints its URL on stdout", async () => {
    const p = Bun.spawn(
      [
        join(ROOT, "node_modules/.bin/bun"),
        join(ROOT, "test/lib/mock-model/serve.ts"),
        "--port",
        "0",
        "--scenario",
        "plain",
      ],
      { stdout: "pipe", stderr: "ignore" },
    );
    const reader = p.stdout.getReader();
    const line = new TextDecoder().decode((await reader.read()).value).trim();
    expect(line).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const r = await fetch(`${line}/v1/chat/completions`, {
      method: "POST",
      body: JSON.stringify({ model: "m", messages: [] }),
    });
    expect(r.status).toBe(200);
    p.kill("SIGTERM");
    await p.exited;
  });
});
