/**
 * Each parser replays the output recorded from its pinned CLI (adapters/<rt>/fixtures/) and
 * must reach the same verdict the live run did; plus fail-closed edge cases per parser.
 */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as v from "valibot";
import type { ExitInfo, LineParser } from "../../src/adapter-kit/adapter.ts";
import { TaskSchema } from "../../src/adapter-kit/contract.ts";
import { RuntimeMessageSchema, type ResultMessage, type RuntimeMessage } from "../../src/adapter-kit/messages.ts";
import { ADAPTERS } from "../../src/runtime/registry.ts";
import { ROOT } from "./helpers.ts";

const JSON_RTS = ["claude", "codex", "opencode", "gemini", "copilot"] as const;

function replay(p: LineParser, lines: string[], exit: ExitInfo): { messages: RuntimeMessage[]; result: ResultMessage } {
  const messages: RuntimeMessage[] = [];
  for (const l of lines) if (l.trim()) messages.push(...p.feed(l));
  messages.push(...p.finish(exit));
  for (const m of messages) expect(v.is(RuntimeMessageSchema, m)).toBe(true);
  const results = messages.filter((m): m is ResultMessage => m.type === "result");
  expect(results.length).toBe(1);
  expect(messages.at(-1)).toBe(results[0]!);
  return { messages, result: results[0]! };
}

function fixture(rt: string, name: string): { lines: string[]; exit: ExitInfo } {
  const dir = join(ROOT, "adapters", rt, "fixtures");
  const code = readFileSync(join(dir, `${name}.exit`), "utf8").trim();
  const stderr = readFileSync(join(dir, `${name}.stderr`), "utf8").split("\n");
  const exit: ExitInfo =
    code === "null"
      ? { exitCode: null, signal: "SIGKILL", stderrTail: stderr }
      : { exitCode: Number(code), signal: null, stderrTail: stderr };
  return { lines: readFileSync(join(dir, `${name}.jsonl`), "utf8").split("\n"), exit };
}

const parserFor = (rt: keyof typeof ADAPTERS, resume: string | null = null) =>
  ADAPTERS[rt].createParser(
    v.parse(TaskSchema, { prompt: "p", cwd: "/tmp/ws", resume: resume ? { session_id: resume } : null }),
  );

describe.each(JSON_RTS)("%s parser on recorded output", (rt) => {
  test("plain answer → ok MOCK_OK with a session id", () => {
    const f = fixture(rt, "plain");
    const { result, messages } = replay(parserFor(rt), f.lines, f.exit);
    expect(result.ok).toBe(true);
    expect(result.text).toBe("MOCK_OK");
    expect(result.session_id).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(messages.filter((m) => m.type === "session").length).toBe(1);
  });

  test("tool round-trip → a shell tool_call and its tool_result, then MOCK_DONE", () => {
    const f = fixture(rt, "tool_write");
    const { result, messages } = replay(parserFor(rt), f.lines, f.exit);
    expect(result.ok).toBe(true);
    expect(result.text).toBe("MOCK_DONE");
    const call = messages.find((m) => m.type === "tool_call");
    expect(call?.type === "tool_call" && call.name).toBe("Bash");
    expect(call?.type === "tool_call" && call.detail).toContain("mock_created.txt");
    expect(messages.some((m) => m.type === "tool_result")).toBe(true);
  });

  test("resumed run keeps the session id", () => {
    const first = replay(parserFor(rt), fixture(rt, "plain").lines, fixture(rt, "plain").exit).result;
    const f = fixture(rt, "resume");
    const { result } = replay(parserFor(rt, first.session_id), f.lines, f.exit);
    expect(result.ok).toBe(true);
    // Each recording is its own session; the resumed file must carry one consistent id.
    expect(result.session_id).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  test("HTTP 500 from the model → typed failure", () => {
    const f = fixture(rt, "http_500");
    const { result } = replay(parserFor(rt), f.lines, f.exit);
    expect(result.ok).toBe(false);
    expect(["exit_nonzero", "cli_error", "killed_by_signal", "no_result"]).toContain(result.error!.code);
  });

  test("a garbage line fails closed", () => {
    const p = parserFor(rt);
    p.feed("not json at all");
    expect(p.failure?.code).toBe("protocol_error");
  });

  test("non-zero exit beats a success transcript", () => {
    const f = fixture(rt, "plain");
    const { result } = replay(parserFor(rt), f.lines, { exitCode: 2, signal: null, stderrTail: ["boom"] });
    expect(result.ok).toBe(false);
    expect(result.error?.code).toBe("exit_nonzero");
  });
});

describe("parser specifics", () => {
  test("claude: two different session ids fail closed", () => {
    const p = parserFor("claude");
    p.feed('{"type":"system","subtype":"init","session_id":"a1"}');
    p.feed('{"type":"assistant","session_id":"b2","message":{"content":[]}}');
    expect(p.failure?.message).toContain("two session ids");
  });

  test("claude: missing result → no_result; error subtype → cli_error", () => {
    expect(
      replay(parserFor("claude"), ['{"type":"system","subtype":"init","session_id":"a1"}'], {
        exitCode: 0,
        signal: null,
        stderrTail: [],
      }).result.error?.code,
    ).toBe("no_result");
    const r = replay(
      parserFor("claude"),
      ['{"type":"result","subtype":"error_max_turns","is_error":true,"session_id":"a1"}'],
      { exitCode: 0, signal: null, stderrTail: [] },
    ).result;
    expect(r.error?.code).toBe("cli_error");
  });

  test("codex: a resume failing before any event is recoverable", () => {
    const r = replay(parserFor("codex", "01abc"), [], {
      exitCode: 1,
      signal: null,
      stderrTail: ["Error: thread not found"],
    }).result;
    expect(r.ok).toBe(false);
    expect(r.error?.recoverable).toBe(true);
  });

  test("codex: cumulative usage on a resumed thread minus the previous total", () => {
    const f = fixture("codex", "resume");
    const task = v.parse(TaskSchema, {
      prompt: "p",
      cwd: "/tmp/ws",
      resume: {
        session_id: "t1",
        previous_usage: {
          input_tokens: 10,
          output_tokens: 2,
          cached_input_tokens: 0,
          total_tokens: 12,
          cost_usd: null,
        },
      },
    });
    const { result } = replay(ADAPTERS.codex.createParser(task), f.lines, f.exit);
    expect(result.usage).toMatchObject({ input_tokens: 10, output_tokens: 2 });
  });

  test("codex: item errors are notices, turn.failed is fatal", () => {
    const f = fixture("codex", "plain");
    const { messages } = replay(parserFor("codex"), f.lines, f.exit);
    expect(messages.some((m) => m.type === "error" && m.error.message.includes("Model metadata"))).toBe(true);
    const failed = replay(
      parserFor("codex"),
      ['{"type":"thread.started","thread_id":"t1"}', '{"type":"turn.failed","error":{"message":"quota"}}'],
      { exitCode: 0, signal: null, stderrTail: [] },
    );
    expect(failed.result.error?.message).toContain("quota");
  });

  test("opencode: tokens and cost summed over step_finish", () => {
    const f = fixture("opencode", "tool_write");
    const { result } = replay(parserFor("opencode"), f.lines, f.exit);
    expect(result.usage).toMatchObject({ input_tokens: 20, output_tokens: 4, cost_usd: 0 });
  });

  test("copilot: session id from result, premium requests recorded", () => {
    const f = fixture("copilot", "plain");
    const { result } = replay(parserFor("copilot"), f.lines, f.exit);
    expect(result.usage?.premium_requests).toBe(0);
    expect(result.session_id).toBeTruthy();
  });

  test("kiro: ANSI and '> ' stripped, lines joined; exit ≠ 0 names stderr", () => {
    const lines = ["\u001b[32m> \u001b[0mHello", "\u001b[1mworld\u001b[0m"];
    const { result } = replay(parserFor("kiro"), lines, { exitCode: 0, signal: null, stderrTail: [] });
    expect(result.text).toBe("Hello\nworld");
    const bad = replay(parserFor("kiro"), [], { exitCode: 1, signal: null, stderrTail: ["auth needed"] }).result;
    expect(bad.error?.message).toBe("Kiro CLI failed (exit 1): auth needed");
  });

  test("hermes: session line from stderr, reasoning box dropped", () => {
    const p = parserFor("hermes");
    const s = p.feedStderr("session_id: 20260101_120000_abc123");
    expect(s[0]?.type).toBe("session");
    const { result } = replay(p, ["┌─ Reasoning", "│ hmm", "└────", "ANSWER"], {
      exitCode: 0,
      signal: null,
      stderrTail: [],
    });
    expect(result.text).toBe("ANSWER");
    expect(result.session_id).toBe("20260101_120000_abc123");
  });
});
