/**
 * TUI benchmark on a 1,000,000-event store:
 *   - open time: launch → the session's AC tree on screen;
 *   - frame latency: a commit by another process → its event on screen (tmux capture-pane polled
 *     every few ms, so the figure is an upper bound that includes the capture itself);
 *   - idle CPU: /proc/<pid>/stat utime+stime of the TUI over 10 s with nothing appended.
 *
 *   node_modules/.bin/bun scripts/bench/tui.ts [--build | --bin dist/ouroboros] [--fresh] [--no-write]
 * Measures the TUI run from source and, with --build (compile now) or --bin, the binary too. The store is built
 * once in $TMPDIR/ouro-bench-tui/ (batched appends through EventStore) and reused.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { openReadonly } from "../../src/events/db.ts";
import type { NewEvent } from "../../src/events/envelope.ts";
import { tailSeq } from "../../src/events/read.ts";
import { EventStore } from "../../src/events/store.ts";
import { recordSession, sessionEvents } from "../../test/lib/session-fixture.ts";
import { BUN, ROOT, fmt, median, writeSection } from "./lib.ts";

const SESSIONS = 200;
const PER_SESSION = 5000;
const LIVE = "orch_11ee000000c7";

// Child mode: append one marked tool call per stdin line and report the commit time.
if (process.argv[2] === "--writer") {
  const [db, sessionId, executionId, acId] = process.argv.slice(3);
  const store = EventStore.open(db!);
  if (!store.ok) throw new Error(store.error.message);
  for await (const line of console) {
    const marker = line.trim();
    if (!marker) continue;
    const r = store.value.append({
      type: "execution.tool.started",
      aggregate_type: "execution",
      aggregate_id: executionId!,
      data: { session_id: sessionId!, ac_id: acId!, tool_name: "Bash", tool_detail: marker },
    });
    if (!r.ok) throw new Error(r.error.message);
    process.stdout.write(`${performance.timeOrigin + performance.now()}\n`);
  }
  process.exit(0);
}

const args = process.argv.slice(2);
const dir = join(tmpdir(), "ouro-bench-tui");
const db = join(dir, "ouroboros.db");
// --build compiles the product binary exactly as scripts/build.ts does, next to the store.
const built = join(tmpdir(), "ouro-bench-tui-bin");
if (args.includes("--build")) {
  const r = Bun.spawnSync([BUN, join(ROOT, "scripts/build.ts"), "--outfile", built], {
    stdout: "inherit",
    stderr: "inherit",
  });
  if (r.exitCode !== 0) throw new Error("build failed");
}
const binArg = args.includes("--bin")
  ? resolve(args[args.indexOf("--bin") + 1]!)
  : args.includes("--build")
    ? built
    : null;

function buildStore(): { liveExec: string; liveAc: string } {
  const live = sessionEvents({ sessionId: LIVE, finished: false, acs: 6, start: new Date(Date.now() - 600_000) });
  const meta = { liveExec: live.executionId, liveAc: live.acIds[5]! };
  const ro = existsSync(db) ? openReadonly(db) : null;
  const have = ro?.ok && ro.value ? tailSeq(ro.value) : 0;
  if (ro?.ok) ro.value?.close();
  if (have >= SESSIONS * PER_SESSION && !args.includes("--fresh")) return meta;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const store = EventStore.open(db);
  if (!store.ok) throw new Error(store.error.message);
  const t0 = performance.now();
  for (let s = 0; s < SESSIONS; s++) {
    const isLive = s === SESSIONS - 1;
    const f = isLive
      ? live
      : sessionEvents({
          sessionId: `orch_${s.toString(16).padStart(12, "0")}`,
          finished: true,
          acs: 6,
          start: new Date(Date.UTC(2026, 9, 1) + s * 3_600_000),
        });
    // Pad each session with tool-call pairs (the bulk of a real log) before its last events.
    const head = f.events.slice(0, -4);
    const tail = f.events.slice(-4);
    const pad: NewEvent[] = [];
    const last = head[head.length - 1]!;
    for (let i = 0; pad.length < PER_SESSION - f.events.length; i++) {
      const data = {
        session_id: f.sessionId,
        ac_id: f.acIds[i % f.acIds.length]!,
        tool_name: i % 2 ? "Read" : "Edit",
        tool_detail: `src/file${i}.ts`,
      };
      pad.push({
        type: i % 2 ? "execution.tool.completed" : "execution.tool.started",
        aggregate_type: "execution",
        aggregate_id: f.executionId,
        timestamp: last.timestamp,
        data,
      });
    }
    const all = [...head, ...pad, ...tail];
    for (let i = 0; i < all.length; i += 5000) {
      const r = store.value.appendBatch(all.slice(i, i + 5000));
      if (!r.ok) throw new Error(r.error.message);
    }
  }
  store.value.close();
  process.stderr.write(`built ${SESSIONS * PER_SESSION} events in ${fmt((performance.now() - t0) / 1000)} s\n`);
  return meta;
}

const tmux = (...a: string[]) => {
  const r = Bun.spawnSync(["tmux", "-L", socket, ...a], { stdout: "pipe", stderr: "pipe" });
  return r.stdout.toString();
};
const socket = `ouro-bench-tui-${process.pid}`;
const screen = () => tmux("capture-pane", "-p", "-t", "b");

async function waitFor(text: string, timeoutMs: number): Promise<number> {
  const t0 = performance.now();
  while (performance.now() - t0 < timeoutMs) {
    if (screen().includes(text)) return performance.timeOrigin + performance.now();
    await Bun.sleep(2);
  }
  throw new Error(`'${text}' not on screen after ${timeoutMs} ms:\n${screen()}`);
}

/** The TUI's own process: the pane's shell may have exec'd it or forked it. */
function tuiPid(): number {
  const root = Number(tmux("display-message", "-p", "-t", "b", "#{pane_pid}").trim());
  const queue = [root];
  while (queue.length) {
    const pid = queue.shift()!;
    const cmd = existsSync(`/proc/${pid}/cmdline`) ? readFileSync(`/proc/${pid}/cmdline`, "utf8") : "";
    if (cmd.includes("tui")) return pid;
    for (const task of existsSync(`/proc/${pid}/task`) ? readdirSync(`/proc/${pid}/task`) : []) {
      const kids = readFileSync(`/proc/${pid}/task/${task}/children`, "utf8").trim();
      if (kids) queue.push(...kids.split(/\s+/).map(Number));
    }
  }
  throw new Error("TUI process not found");
}

function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(f[11]) + Number(f[12]); // utime, stime (fields 14 and 15)
}
const CLK_TCK = Number(Bun.spawnSync(["getconf", "CLK_TCK"]).stdout.toString().trim()) || 100;

async function idleCpu(seconds: number): Promise<number> {
  const pid = tuiPid();
  await Bun.sleep(1500);
  const [t0, c0] = [performance.now(), cpuTicks(pid)];
  await Bun.sleep(seconds * 1000);
  const [t1, c1] = [performance.now(), cpuTicks(pid)];
  return ((c1 - c0) / CLK_TCK / ((t1 - t0) / 1000)) * 100;
}

interface Result {
  openMs: number;
  latencies: number[];
  cpuSession: number;
  cpuTicking: number;
  cpuList: number;
}

async function measure(cli: string[], meta: { liveExec: string; liveAc: string }): Promise<Result> {
  const q = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;
  // Session view of the live session first: open time and latency.
  const launched = performance.timeOrigin + performance.now();
  tmux(
    "-f",
    "/dev/null",
    "new-session",
    "-d",
    "-s",
    "b",
    "-x",
    "120",
    "-y",
    "40",
    `${cli.map(q).join(" ")} tui --db ${q(db)} ${LIVE}`,
  );
  const openMs = (await waitFor("acceptance criteria", 30_000)) - launched;

  const writer = Bun.spawn([BUN, import.meta.path, "--writer", db, LIVE, meta.liveExec, meta.liveAc], {
    stdin: "pipe",
    stdout: "pipe",
    stderr: "inherit",
  });
  const lines = writer.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let buf = "";
  const nextLine = async () => {
    while (!buf.includes("\n")) {
      const r = await lines.read();
      if (r.done) throw new Error("writer exited");
      buf += r.value;
    }
    const i = buf.indexOf("\n");
    const l = buf.slice(0, i);
    buf = buf.slice(i + 1);
    return Number(l);
  };
  const latencies: number[] = [];
  for (let i = 0; i < 25; i++) {
    const marker = `bench-marker-${i}-${Math.random().toString(36).slice(2, 8)}`;
    writer.stdin.write(`${marker}\n`);
    writer.stdin.flush();
    const committed = await nextLine();
    const seen = await waitFor(marker, 5000);
    latencies.push(seen - committed);
    await Bun.sleep(150 + Math.random() * 100);
  }
  writer.stdin.end();
  await writer.exited;
  const cpuSession = await idleCpu(10);

  tmux("send-keys", "-t", "b", "Escape");
  await waitFor("ouroboros sessions", 5000);
  const cpuList = await idleCpu(10);
  tmux("send-keys", "-t", "b", "q");
  await Bun.sleep(300);
  tmux("kill-session", "-t", "b");

  // Worst idle case: a session started minutes ago with a tool running on the selected AC, so
  // two clocks show seconds and the screen is redrawn every second.
  const young = recordSession(db, {
    sessionId: `orch_${Date.now().toString(16).padStart(12, "0").slice(-12)}`,
    finished: false,
    acs: 6,
    start: new Date(Date.now() - 150_000),
  });
  tmux(
    "-f",
    "/dev/null",
    "new-session",
    "-d",
    "-s",
    "b",
    "-x",
    "120",
    "-y",
    "40",
    `${cli.map(q).join(" ")} tui --db ${q(db)} ${young.sessionId}`,
  );
  await waitFor("acceptance criteria", 30_000);
  tmux("send-keys", "-t", "b", "G");
  await waitFor("tool in progress", 5000);
  const cpuTicking = await idleCpu(10);
  tmux("send-keys", "-t", "b", "q");
  await Bun.sleep(300);
  tmux("kill-session", "-t", "b");
  return { openMs, latencies, cpuSession, cpuTicking, cpuList };
}

const meta = buildStore();
try {
  const targets: [string, string[]][] = [["from source", [BUN, join(ROOT, "src/cli/main.ts")]]];
  if (binArg) targets.push([binArg === built ? "compiled binary" : `\`${binArg.replace(`${ROOT}/`, "")}\``, [binArg]]);
  const results: [string, Result][] = [];
  for (const [name, cli] of targets) results.push([name, await measure(cli, meta)]);
  const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.ceil(xs.length * 0.95) - 1]!;
  const row = (what: string, f: (r: Result) => string, target: string) =>
    `| ${what} | ${results.map(([, r]) => f(r)).join(" | ")} | ${target} |`;
  const cores = Bun.spawnSync(["nproc"]).stdout.toString().trim();
  const body = `
Command: \`node_modules/.bin/bun scripts/bench/tui.ts${args.includes("--build") ? " --build" : binArg ? ` --bin ${binArg.replace(`${ROOT}/`, "")}` : ""}\`, ${new Date().toISOString().slice(0, 10)}, ${cores} cores.
Store: ${(SESSIONS * PER_SESSION).toLocaleString("en-US")} events (${SESSIONS} sessions × ${PER_SESSION}), built by batched \`EventStore.appendBatch\`. TUI in tmux 120×40.
Latency = a commit by a second process (it prints the time once \`append\` returns) → the marker visible in \`tmux capture-pane\` (polled every 2 ms; the capture is included), ${results[0]![1].latencies.length} appends 150–250 ms apart. Idle CPU = utime+stime from /proc/<pid>/stat over 10 s with no appends.

| what | ${results.map(([n]) => n).join(" | ")} | target |
|---|${results.map(() => "---|").join("")}---|
${row("open the live session (launch → AC tree on screen)", (r) => `${fmt(r.openMs, 0)} ms`, "—")}
${row("append → on screen, median", (r) => `${fmt(median(r.latencies))} ms`, "< 250 ms")}
${row("append → on screen, p95 / max", (r) => `${fmt(p95(r.latencies))} / ${fmt(Math.max(...r.latencies))} ms`, "< 250 ms")}
${row("idle CPU, live session view (> 10 min old: clock redrawn each minute)", (r) => `${fmt(r.cpuSession, 2)} %`, "< 2 %")}
${row("idle CPU, session 2.5 min old, running tool selected (redrawn each second)", (r) => `${fmt(r.cpuTicking, 2)} %`, "< 2 %")}
${row("idle CPU, session list", (r) => `${fmt(r.cpuList, 2)} %`, "< 2 %")}
`;
  process.stdout.write(body);
  if (!args.includes("--no-write")) writeSection("TUI", body);
} finally {
  Bun.spawnSync(["tmux", "-L", socket, "kill-server"], { stdout: "ignore", stderr: "ignore" });
  rmSync(join(process.env.TMUX_TMPDIR || "/tmp", `tmux-${process.getuid?.() ?? 0}`, socket), { force: true });
}
