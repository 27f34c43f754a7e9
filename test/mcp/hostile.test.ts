/**
 * Hostile JSON-RPC on the real `mcp serve` stdio channel. A generator builds malformed messages of
 * every kind (bad JSON, bad UTF-8, batches, wrong envelope fields, wrong-typed params, unknown
 * methods, over-deep nesting, lines over the size cap); each is followed by a ping. Every hostile
 * line must get exactly the JSON-RPC error the spec names, every ping its answer (the server keeps
 * serving), stdout must carry JSON-RPC only, and the process must exit within 2 s of stdin EOF.
 */
import { describe, expect, test } from "bun:test";
import { cliArgv, ROOT, tempHome } from "../lib/cli.ts";

/** code 0: a well-formed notification, which JSON-RPC never answers. */
type Expect = { code: number; id: string | null };
interface Case {
  name: string;
  line: Uint8Array;
  expect: Expect;
}

const enc = new TextEncoder();
const bytes = (s: string) => enc.encode(s);
const j = (m: unknown) => bytes(JSON.stringify(m));
const cat = (...parts: Uint8Array[]) => Buffer.concat(parts.map((p) => Buffer.from(p)));
const LINE_CAP = 64 * 1024;

/** The generator: every malformed message with the error it must get. */
export function hostileMessages(): Case[] {
  const cases: Case[] = [];
  const add = (name: string, line: Uint8Array | string, code: number, id: string | null = null) =>
    cases.push({ name, line: typeof line === "string" ? bytes(line) : line, expect: { code, id } });
  let n = 0;
  const nextId = () => `h${++n}`;
  const req = (method: string, extra: Record<string, unknown> = {}) => {
    const id = nextId();
    return { id, msg: { jsonrpc: "2.0", id, method, ...extra } };
  };

  // -32700 parse errors: not JSON, truncated JSON, invalid UTF-8.
  for (const s of [
    "this is not json",
    "{",
    "}",
    '{"jsonrpc":',
    "{a:1}",
    "{'jsonrpc':'2.0'}",
    '{"a":1,}',
    "[1,",
    "NaN",
    "undefined",
    '{"id":1 "method":"ping"}',
    '"unterminated',
  ])
    add(`not JSON: ${s}`, s, -32700);
  const good = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" });
  for (const cut of [5, 13, 20, good.length - 1]) add(`truncated at ${cut}`, good.slice(0, cut), -32700);
  for (const [name, b] of [
    ["lone 0xff", [0xff]],
    ["0xc3 0x28", [0xc3, 0x28]],
    ["surrogate half", [0xed, 0xa0, 0x80]],
    ["overlong slash", [0xc0, 0xaf]],
    ["5-byte form", [0xf8, 0x88, 0x80, 0x80, 0x80]],
  ] as const)
    add(
      `invalid UTF-8 in a string: ${name}`,
      cat(bytes('{"jsonrpc":"2.0","id":1,"method":"ping","params":{"x":"'), Uint8Array.from(b), bytes('"}}')),
      -32700,
    );

  // -32600 with id null: not an object, batches, bad ids, too deep.
  for (const s of ["[]", "null", "1", '"ping"', "true", "{}"]) add(`not a request: ${s}`, s, -32600);
  add("batch of one", j([{ jsonrpc: "2.0", id: 1, method: "ping" }]), -32600);
  add(
    "batch of two",
    j([
      { jsonrpc: "2.0", id: 1, method: "ping" },
      { jsonrpc: "2.0", method: "notifications/initialized" },
    ]),
    -32600,
  );
  for (const id of [{ a: 1 }, [1], null, true, 1.5])
    add(`id ${JSON.stringify(id)}`, j({ jsonrpc: "2.0", id, method: "ping" }), -32600);
  add("no method and no id", j({ jsonrpc: "2.0" }), -32600);
  add(
    "nesting 200 deep",
    `{"jsonrpc":"2.0","id":"deep","method":"ping","params":{"x":${"[".repeat(200)}${"]".repeat(200)}}}`,
    -32600,
  );
  add(
    "line over the cap",
    `{"jsonrpc":"2.0","id":"big","method":"ping","params":{"x":"${"a".repeat(LINE_CAP + 10)}"}}`,
    -32600,
  );
  add("over the cap, not JSON", "x".repeat(LINE_CAP * 3), -32600);

  // -32600 echoing the id: wrong envelope.
  const envelope: [string, (id: string) => Record<string, unknown>][] = [
    ["jsonrpc missing", (id) => ({ id, method: "ping" })],
    ["jsonrpc 1.0", (id) => ({ jsonrpc: "1.0", id, method: "ping" })],
    ["jsonrpc as number", (id) => ({ jsonrpc: 2, id, method: "ping" })],
    ["method a number", (id) => ({ jsonrpc: "2.0", id, method: 7 })],
    ["method null", (id) => ({ jsonrpc: "2.0", id, method: null })],
    ["method empty", (id) => ({ jsonrpc: "2.0", id, method: "" })],
    ["params a string", (id) => ({ jsonrpc: "2.0", id, method: "tools/call", params: "ouroboros_doctor" })],
    ["params a number", (id) => ({ jsonrpc: "2.0", id, method: "tools/list", params: 3 })],
    ["params true", (id) => ({ jsonrpc: "2.0", id, method: "ping", params: true })],
    ["params null", (id) => ({ jsonrpc: "2.0", id, method: "ping", params: null })],
    ["response with result and error", (id) => ({ jsonrpc: "2.0", id, result: {}, error: { code: 1, message: "x" } })],
    ["id without method or result", (id) => ({ jsonrpc: "2.0", id })],
  ];
  for (const [name, make] of envelope) {
    const id = nextId();
    add(name, j(make(id)), -32600, id);
  }

  // -32602 invalid params for methods the server has.
  const params: [string, string, unknown][] = [
    ["ping with array params", "ping", [1, 2]],
    ["tools/call with array params", "tools/call", ["ouroboros_doctor"]],
    ["tools/call without name", "tools/call", { arguments: {} }],
    ["tools/call name a number", "tools/call", { name: 5 }],
    ["tools/call arguments a string", "tools/call", { name: "ouroboros_query_events", arguments: "limit=5" }],
    ["tools/call arguments an array", "tools/call", { name: "ouroboros_query_events", arguments: [5] }],
    ["resources/read without uri", "resources/read", {}],
    ["resources/read uri a number", "resources/read", { uri: 42 }],
    ["initialize without protocolVersion", "initialize", { capabilities: {}, clientInfo: { name: "x", version: "1" } }],
    [
      "initialize capabilities a string",
      "initialize",
      { protocolVersion: "2025-06-18", capabilities: "all", clientInfo: { name: "x", version: "1" } },
    ],
    ["initialize without clientInfo", "initialize", { protocolVersion: "2025-06-18", capabilities: {} }],
    ["tools/list cursor a number", "tools/list", { cursor: 9 }],
    ["resources/list cursor an object", "resources/list", { cursor: {} }],
  ];
  for (const [name, method, p] of params) {
    const { id, msg } = req(method, { params: p });
    add(name, j(msg), -32602, id);
  }

  // Notifications (no id) that are well-formed JSON-RPC but wrong for MCP get no answer at all.
  for (const [name, m] of [
    ["unknown notification", { jsonrpc: "2.0", method: "notifications/nope" }],
    ["notification with array params", { jsonrpc: "2.0", method: "notifications/cancelled", params: [1] }],
    [
      "cancel for an unknown request",
      { jsonrpc: "2.0", method: "notifications/cancelled", params: { requestId: "never-sent" } },
    ],
  ] as const)
    add(name, j(m), 0);

  // -32601 unknown methods (answered by the SDK server once the envelope is sound).
  for (const method of [
    "nope",
    "tools/ca11",
    "prompts/list",
    "logging/setLevel",
    "completion/complete",
    "resources/subscribe",
    "sampling/createMessage",
    "TOOLS/LIST",
  ]) {
    const { id, msg } = req(method);
    add(`unknown method ${method}`, j(msg), -32601, id);
  }
  return cases;
}

const INIT = {
  jsonrpc: "2.0",
  id: "init",
  method: "initialize",
  params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "hostile", version: "1" } },
};

interface Reply {
  jsonrpc: string;
  id: string | number | null;
  result?: unknown;
  error?: { code: number; message: string };
}

/** Send the lines, wait for the reply to `lastId`, close stdin and time the exit. */
async function session(lines: Uint8Array[], lastId: string, env: Record<string, string> = {}) {
  const home = tempHome("ouro-mcp-hostile-");
  const p = Bun.spawn([...cliArgv(), "mcp", "serve"], {
    env: { ...process.env, OUROBOROS_HOME: home, NO_COLOR: "1", ...env },
    stdin: "pipe",
    stdout: "pipe",
    stderr: "pipe",
    cwd: ROOT,
  });
  const err = new Response(p.stderr).text();
  let stdout = "";
  const reader = p.stdout.getReader();
  const pump = (async () => {
    const dec = new TextDecoder();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      stdout += dec.decode(value, { stream: true });
    }
  })();
  for (const l of lines) {
    p.stdin.write(l);
    p.stdin.write("\n");
    await p.stdin.flush();
  }
  const marker = `"id":${JSON.stringify(lastId)}`;
  const deadline = Date.now() + 90_000;
  while (!stdout.includes(marker) && Date.now() < deadline) await Bun.sleep(50);
  const t0 = performance.now();
  p.stdin.end();
  const code = await p.exited;
  const elapsed = performance.now() - t0;
  await pump;
  const replies = stdout
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as Reply);
  return { code, elapsed, replies, stderr: await err };
}

describe("mcp serve answers every malformed message and keeps serving", () => {
  const cases = hostileMessages();

  test("the generator covers at least 50 malformed messages of every error class", () => {
    expect(cases.length).toBeGreaterThanOrEqual(50);
    const codes = new Set(cases.map((c) => c.expect.code));
    expect([...codes].sort()).toEqual([-32700, -32602, -32601, -32600, 0].sort());
  });

  test(`${cases.length} hostile lines, each followed by a ping: right error each, every ping answered, EOF exit within 2 s`, async () => {
    const lines: Uint8Array[] = [j(INIT)];
    cases.forEach((c, i) => {
      lines.push(c.line);
      lines.push(j({ jsonrpc: "2.0", id: `ping${i}`, method: "ping" }));
    });
    const r = await session(lines, `ping${cases.length - 1}`, { OUROBOROS_MAX_MCP_LINE_BYTES: String(LINE_CAP) });
    expect(r.code).toBe(0);
    expect(r.elapsed).toBeLessThan(2000);
    for (const m of r.replies) expect(m.jsonrpc).toBe("2.0");
    const byId = new Map(r.replies.filter((m) => m.id !== null).map((m) => [m.id, m]));
    // The server kept serving: every ping after every hostile line got its (empty) result.
    const unanswered = cases.map((_, i) => `ping${i}`).filter((id) => !byId.get(id) || byId.get(id)!.error);
    expect(unanswered).toEqual([]);
    const wrong: string[] = [];
    for (const c of cases.filter((x) => x.expect.id !== null)) {
      const m = byId.get(c.expect.id!);
      if (m?.error?.code !== c.expect.code)
        wrong.push(`${c.name}: expected ${c.expect.code}, got ${JSON.stringify(m ?? "no reply")}`);
      else if (m.error.message.includes("\n") || /"code":|ZodError|at .*\.js/.test(m.error.message))
        wrong.push(`${c.name}: raw dump in message: ${m.error.message}`);
    }
    // Errors without a usable id come back in the order the lines were sent.
    const nullIdCodes = r.replies.filter((m) => m.id === null).map((m) => m.error?.code);
    expect(nullIdCodes).toEqual(
      cases.filter((c) => c.expect.id === null && c.expect.code !== 0).map((c) => c.expect.code),
    );
    expect(wrong).toEqual([]);
    expect(r.stderr).not.toContain("    at ");
  }, 120_000);

  test("a line over the default 10 MB cap is refused with -32600 and the next request is served", async () => {
    const big = bytes(
      `{"jsonrpc":"2.0","id":"huge","method":"ping","params":{"x":"${"a".repeat(10 * 1024 * 1024 + 1)}"}}`,
    );
    const r = await session([j(INIT), big, j({ jsonrpc: "2.0", id: "after", method: "ping" })], "after");
    expect(r.code).toBe(0);
    expect(r.elapsed).toBeLessThan(2000);
    const nulls = r.replies.filter((m) => m.id === null);
    expect(nulls).toHaveLength(1);
    expect(nulls[0]!.error!.code).toBe(-32600);
    expect(nulls[0]!.error!.message).toContain("line limit");
    expect(r.replies.find((m) => m.id === "after")?.result).toEqual({});
  }, 120_000);
});
