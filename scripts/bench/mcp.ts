/**
 * MCP server start-up: spawn `ouroboros mcp serve` → the `initialize` response on stdout (and on
 * to the `tools/list` answer), median of N runs, against `ouroboros --help` (spawn → exit) timed in
 * the same run on the same machine.
 *
 *   node_modules/.bin/bun scripts/bench/mcp.ts [--bin dist/ouroboros] [--runs 30] [--no-write]
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { ROOT, fmt, median, timeCommand, writeSection } from "./lib.ts";

const args = process.argv.slice(2);
const opt = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const bin = resolve(opt("--bin") ?? join(ROOT, "dist/ouroboros"));
const runs = Number(opt("--runs") ?? 30);
const WARMUP = 3;
const TARGET_MS = 150;
const home = mkdtempSync(join(tmpdir(), "ouro-bench-mcp-"));
const env = { ...process.env, OUROBOROS_HOME: home, NO_COLOR: "1" };

const INIT = JSON.stringify({
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "bench", version: "1" } },
});
const LIST = JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/list" });

/** One start: ms from spawn to the initialize reply, and to the tools/list reply. */
async function once(): Promise<{ init: number; list: number }> {
  const t0 = performance.now();
  const p = Bun.spawn([bin, "mcp", "serve"], { env, stdin: "pipe", stdout: "pipe", stderr: "ignore" });
  p.stdin.write(`${INIT}\n${JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" })}\n${LIST}\n`);
  p.stdin.flush();
  const reader = p.stdout.getReader();
  const dec = new TextDecoder();
  let buf = "";
  let init = 0;
  let list = 0;
  while (!list) {
    const r = await reader.read();
    if (r.done) throw new Error("server exited before answering");
    buf += dec.decode(r.value, { stream: true });
    for (let i = buf.indexOf("\n"); i >= 0; i = buf.indexOf("\n")) {
      const msg = JSON.parse(buf.slice(0, i)) as { id?: number };
      buf = buf.slice(i + 1);
      if (msg.id === 1) init = performance.now() - t0;
      if (msg.id === 2) list = performance.now() - t0;
    }
  }
  p.stdin.end();
  await p.exited;
  return { init, list };
}

const inits: number[] = [];
const lists: number[] = [];
for (let i = 0; i < runs + WARMUP; i++) {
  const r = await once();
  if (i < WARMUP) continue;
  inits.push(r.init);
  lists.push(r.list);
}
const help = timeCommand([bin, "--help"], runs, WARMUP, env);
const init = median(inits);
const list = median(lists);
const p90 = [...inits].sort((a, b) => a - b)[Math.floor(inits.length * 0.9)]!;

const body = `
Spawn of \`${bin.replace(`${ROOT}/`, "")} mcp serve\` → JSON-RPC answer on stdout; median of ${runs} runs after ${WARMUP} warm-up
starts, temp OUROBOROS_HOME, measured ${new Date().toISOString().slice(0, 10)} (\`bun scripts/bench/mcp.ts\`).
\`--help\` (spawn → exit) is timed in the same run as the baseline.

| measure | median | p90 | target |
|---|---|---|---|
| spawn → \`initialize\` response | ${fmt(init)} ms | ${fmt(p90)} ms | < ${TARGET_MS} ms (< 300 ms) |
| spawn → \`tools/list\` response | ${fmt(list)} ms | | |
| \`ouroboros --help\` (spawn → exit) | ${fmt(help)} ms | | baseline |
| initialize / --help | ${fmt(init / help, 2)}× | | |

Heavy modules (SQLite, the pipeline) load on the first tool call that needs them, not at start. The runtime registry (with YAML) loads at start: the run tools' \`runtime\` description lists its runtimes, and hosts start the server with \`--runtime\`, which loads it anyway.
`;
process.stdout.write(body);
if (init >= TARGET_MS) process.stderr.write(`initialize median ${fmt(init)} ms is over the ${TARGET_MS} ms target\n`);
if (!args.includes("--no-write")) writeSection("MCP server start-up", body);
