/**
 * The stdio channel and the server's lifetime: only JSON-RPC lines on stdout on every path (bad
 * flags and start-up errors included), exit within 2 s of stdin EOF, a broken pipe or the parent's
 * death, and concurrent servers sharing one WAL database.
 */
import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { cliArgv, ROOT, runCli, tempHome } from "../lib/cli.ts";
import { recordSession } from "../lib/session-fixture.ts";
import { connect } from "./client.ts";
import { within } from "../lib/timing.ts";

const INIT = {
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "1" } },
};
const line = (m: unknown) => `${JSON.stringify(m)}\n`;

function spawnServer(home: string, args: string[] = []) {
  return Bun.spawn([...cliArgv(), "mcp", "serve", ...args], {
    env: { ...process.env, OUROBOROS_HOME: home, NO_COLOR: "1" },
    stdin: "pipe",
    stdout: "pipe",
    stderr: "pipe",
    cwd: ROOT,
  });
}

/** Every non-empty stdout line must be a JSON-RPC 2.0 message. */
function expectOnlyJsonRpc(stdout: string): unknown[] {
  const lines = stdout.split("\n").filter((l) => l !== "");
  return lines.map((l) => {
    const m = JSON.parse(l) as { jsonrpc: string };
    expect(m.jsonrpc).toBe("2.0");
    return m;
  });
}

const gone = (pid: number) => {
  const stat = `/proc/${pid}/stat`;
  if (!existsSync(stat)) return true;
  return readFileSync(stat, "utf8").split(") ")[1]?.startsWith("Z") ?? true;
};

describe("stdout carries JSON-RPC only", () => {
  test("a session of good and bad requests, then stdin EOF: valid lines only, exit within 2 s", async () => {
    const home = tempHome("ouro-mcp-raw-");
    recordSession(join(home, "ouroboros.db"), { finished: true });
    const p = spawnServer(home);
    const requests = [
      INIT,
      { jsonrpc: "2.0", method: "notifications/initialized" },
      { jsonrpc: "2.0", id: 2, method: "tools/list" },
      {
        jsonrpc: "2.0",
        id: 3,
        method: "tools/call",
        params: { name: "ouroboros_query_events", arguments: { limit: "x" } },
      },
      {
        jsonrpc: "2.0",
        id: 4,
        method: "tools/call",
        params: { name: "ouroboros_validate_seed", arguments: { seed_path: join(ROOT, "examples/hello-cli.yaml") } },
      },
      {
        jsonrpc: "2.0",
        id: 5,
        method: "tools/call",
        params: { name: "ouroboros_start_execute_seed", arguments: { seed_content: "goal: [unclosed" } },
      },
      { jsonrpc: "2.0", id: 6, method: "resources/read", params: { uri: "ouroboros://nope" } },
      { jsonrpc: "2.0", id: 7, method: "no/such/method" },
      { jsonrpc: "2.0", id: 8, method: "resources/read", params: { uri: "ouroboros://sessions/current" } },
    ];
    p.stdin.write(`${requests.map(line).join("")}this is not json\n`);
    p.stdin.flush();
    const out = new Response(p.stdout).text();
    await Bun.sleep(800);
    const t0 = performance.now();
    p.stdin.end();
    const code = await p.exited;
    const elapsed = performance.now() - t0;
    expect(elapsed).toBeLessThan(within(2000));
    expect(code).toBe(0);
    const msgs = expectOnlyJsonRpc(await out) as { id?: number | null; result?: any; error?: any }[];
    // The non-JSON line is answered too: a parse error without an id.
    expect(msgs.filter((m) => m.id === null).map((m) => m.error.code)).toEqual([-32700]);
    expect(
      msgs
        .filter((m) => m.id !== null)
        .map((m) => m.id)
        .sort(),
    ).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const byId = new Map(msgs.map((m) => [m.id, m]));
    expect(byId.get(3)!.result.isError).toBe(true);
    expect(byId.get(4)!.result.isError).toBeUndefined();
    expect(byId.get(5)!.result.isError).toBe(true);
    expect(byId.get(6)!.error.message).toContain("unknown resource");
    expect(byId.get(7)!.error.code).toBe(-32601);
  });

  test("bad flags and start-up errors print nothing on stdout", async () => {
    for (const args of [["--bogus"], ["--runtime", "nope"], ["--transport", "sse"], ["--db"]]) {
      const r = await runCli(["mcp", "serve", ...args], { stdin: "" });
      expect(r.stdout).toBe("");
      expect(r.code).not.toBe(0);
      expect(r.stderr).toStartWith("error: ");
    }
    const bogus = await runCli(["mcp", "serve", "--bogus"], { stdin: "" });
    expect(bogus.code).toBe(64);
    expect(bogus.stderr).toContain("unknown option '--bogus' for `ouroboros mcp serve`");
  });

  test("an event store that cannot open is a tool error, not stdout noise", async () => {
    const home = tempHome("ouro-mcp-baddb-");
    const p = spawnServer(home, ["--db", "/proc/ouroboros-cannot-be-here/x.db"]);
    p.stdin.write(
      line(INIT) +
        line({
          jsonrpc: "2.0",
          id: 2,
          method: "tools/call",
          params: { name: "ouroboros_session_status", arguments: { session_id: "orch_1" } },
        }),
    );
    p.stdin.flush();
    const out = new Response(p.stdout).text();
    await Bun.sleep(800);
    p.stdin.end();
    await p.exited;
    const msgs = expectOnlyJsonRpc(await out) as { id: number; result?: any }[];
    const r = msgs.find((m) => m.id === 2)!;
    expect(r.result.isError).toBe(true);
    expect(r.result.content[0].text).toContain("/proc/ouroboros-cannot-be-here");
  });
});

test("once claimed, stdout is reached only through the returned writer (console and process.stdout go to stderr)", async () => {
  const script = `import { claimStdout } from ${JSON.stringify(join(ROOT, "src/mcp/server.ts"))};
const write = claimStdout();
console.log("console.log"); console.info("console.info"); console.debug("console.debug"); console.dir({ dir: 1 }); console.table([1]);
process.stdout.write("process.stdout.write\\n");
write("PROTOCOL\\n");`;
  const file = join(tempHome(), "probe.ts");
  await Bun.write(file, script);
  const p = Bun.spawn([join(ROOT, "node_modules/.bin/bun"), file], { stdout: "pipe", stderr: "pipe" });
  const [out, err] = [await new Response(p.stdout).text(), await new Response(p.stderr).text()];
  expect(await p.exited).toBe(0);
  expect(out).toBe("PROTOCOL\n");
  for (const s of ["console.log", "console.info", "console.debug", "dir", "process.stdout.write"])
    expect(err).toContain(s);
});

describe("lifetime", () => {
  test("a closed stdout (broken pipe) ends the server", async () => {
    const p = spawnServer(tempHome());
    p.stdout.cancel();
    await Bun.sleep(200);
    const t0 = performance.now();
    p.stdin.write(line(INIT));
    p.stdin.flush();
    await p.exited;
    expect(performance.now() - t0).toBeLessThan(within(2000));
  });

  test("the server leaves within 2 s when its parent dies without closing stdin", async () => {
    const [cmd, ...pre] = cliArgv();
    const q = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;
    // The shell starts the server with a stdin that stays open (sleep's pipe), prints its pid and exits
    // once the server is up: its instance record exists (written after it noted its parent; a fixed
    // sleep lost that race on a loaded machine and left a server that never saw its parent change).
    const home = tempHome();
    const wait = `i=0; while [ ! -e ${q(join(home, "mcp-servers"))}/$!.json ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i+1)); done`;
    const sh = Bun.spawn(
      ["sh", "-c", `sleep 30 | ${[cmd!, ...pre].map(q).join(" ")} mcp serve >/dev/null 2>&1 & echo $!; ${wait}`],
      { env: { ...process.env, OUROBOROS_HOME: home }, stdout: "pipe" },
    );
    const pid = Number((await new Response(sh.stdout).text()).trim());
    await sh.exited;
    const t0 = performance.now();
    while (!gone(pid) && performance.now() - t0 < 5000) await Bun.sleep(50);
    expect(gone(pid)).toBe(true);
    expect(performance.now() - t0).toBeLessThan(within(2000));
  });

  test("OUROBOROS_CLIENT_PID: the server follows that process instead of its parent", async () => {
    const client = Bun.spawn(["sleep", "30"]);
    const p = Bun.spawn([...cliArgv(), "mcp", "serve"], {
      env: { ...process.env, OUROBOROS_HOME: tempHome(), OUROBOROS_CLIENT_PID: String(client.pid) },
      stdin: "pipe",
      stdout: "pipe",
      stderr: "pipe",
    });
    p.stdin.write(line(INIT));
    p.stdin.flush();
    const reader = p.stdout.getReader();
    expect(JSON.parse(new TextDecoder().decode((await reader.read()).value!)).id).toBe(1);
    await Bun.sleep(700);
    expect(p.exitCode).toBeNull(); // stdin still open, client alive: still serving
    client.kill();
    await client.exited;
    const t0 = performance.now();
    await p.exited;
    expect(performance.now() - t0).toBeLessThan(within(2000));
    expect(await new Response(p.stderr).text()).toContain(`client ${client.pid} exited`);
  });

  test("an idle server checkpoints the WAL back into the database file", async () => {
    const home = tempHome("ouro-mcp-idle-");
    const db = join(home, "ouroboros.db");
    const fx = recordSession(db, { finished: false });
    const c = await connect(home, { env: { OUROBOROS_MCP_IDLE_CHECKPOINT_SECONDS: "1" } });
    try {
      expect((await c.call("ouroboros_cancel_execution", { execution_id: fx.executionId })).json.action).toBe(
        "cancelled",
      );
      const walAfterWrite = statSync(`${db}-wal`).size;
      expect(walAfterWrite).toBeGreaterThan(0);
      const t0 = Date.now();
      while (statSync(`${db}-wal`).size > 0 && Date.now() - t0 < 4000) await Bun.sleep(100);
      expect(statSync(`${db}-wal`).size).toBe(0);
      expect(Date.now() - t0).toBeGreaterThan(300); // not at once: only after the idle period
      // Still serving, and the data is in the main file.
      expect((await c.call("ouroboros_session_status", { session_id: fx.sessionId })).json.status).toBe("cancelled");
    } finally {
      await c.close();
    }
  });

  test("concurrent servers share the WAL database without lock errors", async () => {
    const home = tempHome("ouro-mcp-wal-");
    const db = join(home, "ouroboros.db");
    const sessions = Array.from({ length: 12 }, (_, i) =>
      recordSession(db, { sessionId: `orch_0000000000${i.toString(16).padStart(2, "0")}`, finished: false }),
    );
    const servers = await Promise.all([connect(home), connect(home), connect(home)]);
    try {
      const calls = sessions.flatMap((s, i) => [
        servers[i % 3]!.call("ouroboros_cancel_execution", { execution_id: s.executionId, reason: `stop ${i}` }),
        servers[(i + 1) % 3]!.call("ouroboros_query_events", { session_id: s.sessionId, limit: 500 }),
        servers[(i + 2) % 3]!.call("ouroboros_session_status", { session_id: s.sessionId }),
      ]);
      const results = await Promise.all(calls);
      for (const r of results) expect(r.isError).toBe(false);
      for (const s of sessions)
        expect((await servers[0]!.call("ouroboros_session_status", { session_id: s.sessionId })).json.status).toBe(
          "cancelled",
        );
      for (const s of servers) expect(s.stderr()).not.toMatch(/locked|busy/i);
    } finally {
      await Promise.all(servers.map((s) => s.close()));
    }
  });
});
