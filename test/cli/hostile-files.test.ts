/**
 * Hostile files at the CLI's file boundaries, from a generator: `events import` and `config set`
 * given devices, FIFOs, oversize, binary, malformed, too-deep and contradictory input. Each case
 * asserts the exit code, a one-line message naming the file and the field, no stack trace, and
 * that nothing was written (event row counts unchanged, config bytes unchanged, no .bak).
 */
import { Database } from "bun:sqlite";
import { beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { SqliteBackend } from "../../src/events/sqlite-backend.ts";
import { exportSession } from "../../src/events/transfer.ts";
import { runCli, tempHome } from "../lib/cli.ts";
import { recordSession } from "../lib/session-fixture.ts";

interface FileCase {
  name: string;
  /** Path of the hostile file (created by `make`). */
  make(dir: string): string;
  args?: string[];
  env?: Record<string, string>;
  code: number | number[];
  /** Must appear in the one-line message (the field or the reason). */
  says: RegExp;
}

const runPool = async <T, R>(items: T[], width: number, fn: (x: T) => Promise<R>): Promise<R[]> => {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!);
      }
    }),
  );
  return out;
};

const mkfifo = (path: string) => Bun.spawnSync(["mkfifo", path]).exitCode === 0;
const file = (dir: string, name: string, body: string | Uint8Array) => {
  const p = join(dir, name);
  writeFileSync(p, body);
  return p;
};

/** Problems of the output that no case may show. */
function badOutput(stderr: string): string | null {
  if (/\n\s+at .+:\d+/.test(stderr) || stderr.includes("unexpected:") || stderr.includes("Maximum call stack"))
    return "stack trace or unexpected error";
  const lines = stderr.trim().split("\n");
  if (lines.length !== 1) return `expected one line, got ${lines.length}`;
  if (!lines[0]!.startsWith("error: ")) return "not an error line";
  return null;
}

// ---------------------------------------------------------------------------------------------
// events import

let home = "";
let db = "";
let done: string[] = [];
let running: string[] = [];
const ev = (over: Record<string, unknown>) =>
  JSON.stringify({
    id: `ev_${Math.random().toString(16).slice(2)}`,
    type: "pipeline.phase.started",
    aggregate_type: "session",
    aggregate_id: "orch_new",
    timestamp: "2026-11-24T10:00:00.000Z",
    event_version: 1,
    consensus_id: null,
    data: { session_id: "orch_new", phase: "big_bang" },
    ...over,
  });
const started = (sid: string, id = `st_${sid}`) =>
  ev({
    id,
    type: "orchestrator.session.started",
    aggregate_id: sid,
    data: {
      session_id: sid,
      execution_id: `exec_${sid}`,
      seed_id: "seed_x",
      seed_goal: "g",
      runtime: "claude",
      ac_count: 1,
    },
  });
const completed = (sid: string, id = `end_${sid}`) =>
  ev({ id, type: "orchestrator.session.completed", aggregate_id: sid, data: { session_id: sid, summary: "ok" } });

export function hostileImports(): FileCase[] {
  const c = (
    name: string,
    make: (d: string) => string,
    code: number | number[],
    says: RegExp,
    extra: Partial<FileCase> = {},
  ): FileCase => ({ name, make, code, says, ...extra });
  const lines = (name: string, body: string[], says: RegExp, extra: Partial<FileCase> = {}) =>
    c(name, (d) => file(d, `${name.replace(/\W+/g, "_")}.jsonl`, `${body.join("\n")}\n`), 65, says, extra);
  const donePlus = (f: (l: Record<string, unknown>, i: number) => Record<string, unknown>) =>
    done.map((l, i) => JSON.stringify(f(JSON.parse(l), i)));
  return [
    c("/dev/zero", () => "/dev/zero", 65, /is a device/),
    c("/dev/null", () => "/dev/null", 65, /is a device/),
    c("/dev/urandom", () => "/dev/urandom", 65, /is a device/),
    c("a FIFO", (d) => (mkfifo(join(d, "fifo.jsonl")), join(d, "fifo.jsonl")), 65, /named pipe/),
    c(
      "a symlink to /dev/zero",
      (d) => (symlinkSync("/dev/zero", join(d, "zero.jsonl")), join(d, "zero.jsonl")),
      65,
      /is a device/,
    ),
    c("a directory", (d) => (mkdirSync(join(d, "dir.jsonl")), join(d, "dir.jsonl")), 65, /is a directory/),
    c("a missing file", (d) => join(d, "missing.jsonl"), 64, /no such file/),
    c("over the import cap", (d) => file(d, "big.jsonl", `${done.join("\n")}\n`), 65, /limit is 200 bytes/, {
      env: { OUROBOROS_MAX_IMPORT_BYTES: "200" },
    }),
    c("binary with NUL bytes", (d) => file(d, "nul.jsonl", Uint8Array.from([0x7b, 0, 0, 0x7d, 10])), 65, /NUL bytes/),
    c(
      "invalid UTF-8",
      (d) => file(d, "latin1.jsonl", Uint8Array.from([...Buffer.from('{"id":"'), 0xe9, ...Buffer.from('"}\n')])),
      65,
      /not valid UTF-8/,
    ),
    lines("not JSON", ["{not json"], /:1: not valid JSON/),
    lines("a JSON array", ["[1,2]"], /:1: (id|event): /),
    lines("JSON null", ["null"], /:1: event: /),
    lines("a number", ["42"], /:1: event: /),
    lines("missing id", [JSON.stringify({ ...JSON.parse(ev({})), id: undefined })], /:1: id: /),
    lines("empty id", [ev({ id: "" })], /:1: id: /),
    lines("bad timestamp", [ev({ timestamp: "yesterday" })], /:1: timestamp: /),
    lines("data a string", [ev({ data: "x" })], /:1: data: /),
    lines(
      "aggregate_type missing",
      [JSON.stringify({ ...JSON.parse(ev({})), aggregate_type: undefined })],
      /:1: aggregate_type: /,
    ),
    lines("a bad event type", [ev({ type: "Bad Type" })], /:1: event type 'Bad Type'/),
    lines("event_version a string", [ev({ event_version: "one" })], /:1: event_version: /),
    lines(
      "nesting 500 deep",
      [ev({}).replace('"phase":"big_bang"', `"phase":"big_bang","x":${"[".repeat(500)}${"]".repeat(500)}`)],
      /:1: refused: nesting deeper than 64/,
    ),
    lines(
      "data.session_id contradicts the session aggregate",
      [started("orch_a"), ev({ aggregate_id: "orch_a", data: { session_id: "orch_b", phase: "pal_router" } })],
      /:2: data.session_id "orch_b" contradicts its aggregate \(session orch_a\)/,
    ),
    lines(
      "a new event for an ended session",
      [ev({ aggregate_id: "orch_done", data: { session_id: "orch_done", phase: "pal_router" } })],
      /:1: event .* would add to session orch_done, which has ended/,
    ),
    lines(
      "a re-export of the ended session under new ids",
      donePlus((l, i) => ({ ...l, id: `fresh_${i}` })),
      /would add to session orch_done, which has ended/,
    ),
    lines(
      "a second terminal event for the ended session",
      [completed("orch_done", "end_again")],
      /would add to session orch_done, which has ended/,
    ),
    lines(
      "a session ended earlier in the same file",
      [
        started("orch_f"),
        completed("orch_f"),
        ev({ aggregate_id: "orch_f", data: { session_id: "orch_f", phase: "evaluation" } }),
      ],
      /:3: .* would add to session orch_f, which has ended \(orchestrator.session.completed\)/,
    ),
    lines(
      "a running session ended in the file, then added to",
      [
        completed("orch_run", "end_run"),
        ev({ aggregate_id: "orch_run", data: { session_id: "orch_run", phase: "evaluation" } }),
      ],
      /:2: .* would add to session orch_run, which has ended/,
    ),
    lines(
      "--force does not get around an ended session",
      [ev({ aggregate_id: "orch_done", data: { session_id: "orch_done", phase: "pal_router" } })],
      /orch_done|--force/,
      { args: ["--force"], code: [64, 65] },
    ),
    lines("one valid line and one bad line", [started("orch_half"), "{oops"], /:2: not valid JSON/),
    lines("a 1 MB line of brackets", ["[".repeat(1_000_000)], /:1: refused: nesting deeper than 64/),
  ];
}

const countRows = () => {
  const d = new Database(db, { readonly: true });
  const n = (d.query("SELECT count(*) AS n FROM events").get() as { n: number }).n;
  const s = d.query("SELECT count(*) AS n FROM sessions").get() as { n: number };
  d.close();
  return `${n}/${s.n}`;
};

describe("events import refuses hostile files, writing nothing", () => {
  beforeAll(async () => {
    home = tempHome("ouro-hostile-import-");
    db = join(home, "ouroboros.db");
    recordSession(db, { sessionId: "orch_done", finished: true });
    recordSession(db, { sessionId: "orch_run", finished: false });
    const grab = async (sid: string) => {
      const got: string[] = [];
      const reader = SqliteBackend.openReadonly(db);
      await exportSession(reader.ok ? reader.value : null, sid, null, (l) => {
        got.push(l);
      });
      if (reader.ok) await reader.value?.close();
      return got.map((l) => {
        const { rowid: _r, session_id: _s, ...rest } = JSON.parse(l);
        return JSON.stringify(rest);
      });
    };
    done = await grab("orch_done");
    running = await grab("orch_run");
  });

  const cases = hostileImports();
  test("the generator has at least 30 cases", () => expect(cases.length).toBeGreaterThanOrEqual(30));

  test("every hostile import: exit code, one line naming the file and the field, rows unchanged", async () => {
    const dir = tempHome("ouro-hostile-import-files-");
    const before = countRows();
    const results = await runPool(hostileImports(), 3, async (k) => {
      const path = k.make(dir);
      const r = await runCli(["events", "import", path, ...(k.args ?? [])], { home, env: k.env });
      const problems: string[] = [];
      const codes = Array.isArray(k.code) ? k.code : [k.code];
      if (!codes.includes(r.code)) problems.push(`exit ${r.code}, expected ${codes.join("|")}`);
      const bad = badOutput(r.stderr);
      if (bad) problems.push(bad);
      if (!r.stderr.includes(path) && !r.stderr.includes("--force")) problems.push("message does not name the file");
      if (!k.says.test(r.stderr)) problems.push(`message does not match ${k.says}`);
      if (r.stdout !== "") problems.push("wrote to stdout");
      return problems.length ? `${k.name}: ${problems.join("; ")} — ${r.stderr.trim()}` : null;
    });
    expect(results.filter(Boolean)).toEqual([]);
    expect(countRows()).toBe(before);
  }, 300_000);

  test("re-importing a session's own export adds nothing (idempotent by event id)", async () => {
    const dir = tempHome("ouro-hostile-import-files-");
    const before = countRows();
    for (const [sid, body] of [
      ["orch_done", done],
      ["orch_run", running],
    ] as const) {
      const r = await runCli(["events", "import", file(dir, `${sid}.jsonl`, `${body.join("\n")}\n`), "--json"], {
        home,
      });
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ imported: 0, skipped: body.length });
    }
    expect(countRows()).toBe(before);
  }, 120_000);
});

// ---------------------------------------------------------------------------------------------
// config set

const GOOD = "# mine\norchestrator:\n  max_parallel_workers: 2\n";
const bomb = [
  "a: &a [x, x, x, x, x, x, x, x, x]",
  ...Array.from(
    { length: 8 },
    (_, i) =>
      `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}]`,
  ),
].join("\n");

interface ConfigCase {
  name: string;
  /** Body of config.yaml, or a path maker for special files. */
  body?: string | Uint8Array;
  special?: (dir: string) => string;
  set?: [string, string];
  env?: Record<string, string>;
  code: number;
  says: RegExp;
}

export function hostileConfigs(): ConfigCase[] {
  return [
    { name: "a scalar number", body: "42\n", code: 78, says: /:1:1 .*must be a mapping of sections, found a number/ },
    { name: "a scalar string", body: "hello world\n", code: 78, says: /:1:1 .*found a string/ },
    { name: "a list", body: "- a\n- b\n", code: 78, says: /:1:1 .*found a list/ },
    { name: "binary", body: Uint8Array.from([0x6c, 0x6c, 0x6d, 0x00, 0xff, 0x10]), code: 78, says: /:1:1 .*NUL bytes/ },
    {
      name: "invalid UTF-8",
      body: Uint8Array.from([...Buffer.from("llm:\n  model: caf"), 0xe9, 10]),
      code: 78,
      says: /:1:1 .*not valid UTF-8/,
    },
    { name: "an alias bomb", body: `${bomb}\n`, code: 78, says: /aliases expand too much/ },
    { name: "an unclosed flow sequence", body: "orchestrator: [1, 2\n", code: 78, says: /:\d+:\d+ .*(Flow|flow)/ },
    { name: "bad indentation", body: "llm:\n  model: a\n    backend: b\n", code: 78, says: /:\d+:\d+ / },
    { name: "a duplicate key", body: "llm:\n  model: a\n  model: b\n", code: 78, says: /:3:\d+ .*(unique|Map keys)/i },
    { name: "two documents", body: "llm: {}\n---\nllm: {}\n", code: 78, says: /:2:1 .*expected one YAML document/ },
    { name: "a tab indent", body: "llm:\n\tmodel: a\n", code: 78, says: /:\d+:\d+ / },
    {
      name: "flow nesting 500 deep",
      body: `llm: ${"[".repeat(500)}${"]".repeat(500)}\n`,
      code: 78,
      says: /:1:\d+ .*nesting deeper than 64/,
    },
    {
      name: "block nesting 100 deep",
      body: `x:\n${Array.from({ length: 100 }, (_, i) => `${" ".repeat(i + 1)}k${i}:`).join("\n")} v\n`,
      code: 78,
      says: /nesting deeper than 64/,
    },
    { name: "an unknown section", body: "bogus: 1\n", code: 78, says: /:1:1 +bogus +unknown key/ },
    {
      name: "an unknown key in a section",
      body: "orchestrator:\n  nope: 1\n",
      code: 78,
      says: /:2:3 +orchestrator.nope +unknown key/,
    },
    {
      name: "an error in another key is not blamed on the key being set",
      body: "orchestrator:\n  max_parallel_workers: many\n",
      code: 78,
      says: /:2:25 +orchestrator.max_parallel_workers +expected number/,
    },
    {
      name: "a section that is a scalar",
      body: "orchestrator: 5\n",
      code: 78,
      says: /:1:15 +orchestrator +expected Object/,
    },
    {
      name: "a javascript: URL already in the file",
      body: "llm:\n  base_url: 'javascript:alert(1)'\n",
      code: 78,
      says: /:2:13 +llm.base_url +must be an http/,
    },
    { name: "/dev/zero", special: () => "/dev/zero", code: 78, says: /\/dev\/zero:1:1 .*is a device/ },
    { name: "/dev/urandom", special: () => "/dev/urandom", code: 78, says: /is a device/ },
    {
      name: "a FIFO",
      special: (d) => (mkfifo(join(d, "fifo.yaml")), join(d, "fifo.yaml")),
      code: 78,
      says: /fifo.yaml:1:1 .*named pipe/,
    },
    {
      name: "a directory",
      special: (d) => (mkdirSync(join(d, "dir.yaml")), join(d, "dir.yaml")),
      code: 78,
      says: /dir.yaml:1:1 .*is a directory/,
    },
    {
      name: "over the config cap",
      body: `${GOOD}# ${"x".repeat(500)}\n`,
      env: { OUROBOROS_MAX_CONFIG_BYTES: "300" },
      code: 78,
      says: /:1:1 .*limit is 300 bytes/,
    },
    {
      name: "set llm.base_url to javascript:",
      body: GOOD,
      set: ["llm.base_url", "javascript:alert(1)"],
      code: 64,
      says: /llm.base_url: must be an http/,
    },
    {
      name: "set llm.base_url to file:",
      body: GOOD,
      set: ["llm.base_url", "file:///etc/passwd"],
      code: 64,
      says: /llm.base_url: must be an http/,
    },
    {
      name: "set llm.base_url to ftp:",
      body: GOOD,
      set: ["llm.base_url", "ftp://example.com/"],
      code: 64,
      says: /llm.base_url: must be an http/,
    },
    {
      name: "set llm.base_url to a bare word",
      body: GOOD,
      set: ["llm.base_url", "localhost"],
      code: 64,
      says: /llm.base_url: must be an http/,
    },
    {
      name: "set a number key to a word",
      body: GOOD,
      set: ["orchestrator.max_parallel_workers", "many"],
      code: 64,
      says: /orchestrator.max_parallel_workers: /,
    },
  ];
}

describe("config set refuses hostile config files, changing nothing", () => {
  const cases = hostileConfigs();

  test("the generator has at least 25 cases (with the imports above: well over 30)", () =>
    expect(cases.length).toBeGreaterThanOrEqual(25));

  test("every hostile config: exit code, one line with file:line:col and the field, bytes unchanged, no .bak", async () => {
    const results = await runPool(cases, 3, async (k) => {
      const sub = tempHome("ouro-hostile-config-case-");
      const path = k.special ? k.special(sub) : file(sub, "config.yaml", k.body!);
      const bytes = k.special ? null : readFileSync(path);
      const [key, value] = k.set ?? ["llm.model", "x"];
      const r = await runCli(["config", "set", key, value], { home: sub, env: { OUROBOROS_CONFIG: path, ...k.env } });
      const problems: string[] = [];
      if (r.code !== k.code) problems.push(`exit ${r.code}, expected ${k.code}`);
      const bad = badOutput(r.stderr);
      if (bad) problems.push(bad);
      if (k.code === 78 && !new RegExp(`${path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:\\d+:\\d+`).test(r.stderr))
        problems.push("no file:line:col");
      if (!k.says.test(r.stderr)) problems.push(`message does not match ${k.says}`);
      if (r.stderr.includes("llm.model")) problems.push("blames the key being set");
      if (bytes && !readFileSync(path).equals(bytes)) problems.push("config bytes changed");
      if (existsSync(`${path}.bak`)) problems.push(".bak written");
      return problems.length ? `${k.name}: ${problems.join("; ")} — ${r.stderr.trim()}` : null;
    });
    expect(results.filter(Boolean)).toEqual([]);
  }, 300_000);

  test("a symlinked config.yaml stays a symlink; the write lands in its target, atomically", async () => {
    const sub = tempHome("ouro-config-link-");
    const target = join(sub, "dotfiles", "ouro.yaml");
    mkdirSync(join(sub, "dotfiles"));
    writeFileSync(target, GOOD, { mode: 0o640 });
    symlinkSync("dotfiles/ouro.yaml", join(sub, "config.yaml"));
    const r = await runCli(["config", "set", "llm.base_url", "http://127.0.0.1:9/v1"], { home: sub });
    expect(r.code).toBe(0);
    const { lstatSync, readlinkSync, statSync } = await import("node:fs");
    expect(lstatSync(join(sub, "config.yaml")).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(sub, "config.yaml"))).toBe("dotfiles/ouro.yaml");
    expect(readFileSync(target, "utf8")).toBe(`${GOOD}llm:\n  base_url: http://127.0.0.1:9/v1\n`);
    expect(statSync(target).mode & 0o777).toBe(0o640);
    expect(readFileSync(`${target}.bak`, "utf8")).toBe(GOOD);
  }, 60_000);
});

describe("answers files are read bounded", () => {
  test("over OUROBOROS_MAX_ANSWERS_BYTES, a device, a FIFO: exit 64, one line naming the file, no data directory created", async () => {
    const dir = tempHome("ouro-hostile-answers-");
    const big = file(dir, "answers.yaml", "- one answer that is long enough\n");
    mkfifo(join(dir, "fifo.yaml"));
    const cases: [string, Record<string, string>, RegExp][] = [
      [big, { OUROBOROS_MAX_ANSWERS_BYTES: "10" }, /answers.yaml: file is 33 bytes, the limit is 10 bytes/],
      ["/dev/zero", {}, /\/dev\/zero: is a device/],
      [join(dir, "fifo.yaml"), {}, /fifo.yaml: is a named pipe/],
    ];
    for (const [path, env, says] of cases) {
      const sub = join(dir, `home-${Math.random().toString(16).slice(2)}`);
      const r = await runCli(["init", "start", "build a todo app", "--answers", path], { home: sub, env });
      expect(r.code).toBe(64);
      expect(badOutput(r.stderr)).toBeNull();
      expect(r.stderr).toMatch(says);
      expect(existsSync(sub)).toBe(false);
    }
  }, 120_000);
});
