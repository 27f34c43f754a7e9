/**
 * Re-record adapters/<rt>/fixtures/ from the pinned real CLIs against the loopback mock:
 *   node_modules/.bin/bun test/runtime/record-fixtures.ts [claude codex opencode gemini copilot]
 * Each scenario saves raw stdout (<name>.jsonl), stderr (<name>.stderr) and the exit status
 * (<name>.exit). Run after bumping a CLI version; the parser tests replay these files.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import * as v from "valibot";
import { TaskSchema, type TaskInput } from "../../src/adapter-kit/contract.ts";
import { childEnv } from "../../src/runtime/env.ts";
import { ADAPTERS } from "../../src/runtime/registry.ts";
import { cliEnv, type CliName } from "../lib/cli-env.ts";
import { startMockModel } from "../lib/mock-model/index.ts";

const ROOT = resolve(import.meta.dir, "../..");
const REAL: CliName[] = ["claude", "codex", "opencode", "gemini", "copilot"];
const MODE: Record<CliName, TaskInput["permission_mode"]> = {
  claude: "acceptEdits",
  codex: "acceptEdits",
  opencode: "bypassPermissions",
  gemini: "bypassPermissions",
  copilot: "acceptEdits",
};

async function runRaw(rt: CliName, home: string, ws: string, url: string, resume: string | null, limitMs = 60_000) {
  const a = ADAPTERS[rt];
  const task = v.parse(TaskSchema, {
    prompt: "Reply with the word OK.",
    cwd: ws,
    permission_mode: MODE[rt],
    resume: resume ? { session_id: resume } : null,
    model: rt === "gemini" ? "gemini-2.5-flash" : null,
  });
  const ce = cliEnv(rt, url, { home });
  const inv = a.buildInvocation(task, join(ROOT, "node_modules/.bin", a.descriptor.binary), ce.env);
  if (!inv.ok) throw new Error(inv.error.message);
  const env = childEnv(ce.env, a.descriptor.env, inv.value.env, ["MOCK_API_KEY"]);
  if (!env.ok) throw new Error(env.error.message);
  const p = Bun.spawn(inv.value.argv, {
    cwd: ws,
    env: env.value,
    stdin: inv.value.stdin === null ? "ignore" : new TextEncoder().encode(inv.value.stdin),
    stdout: "pipe",
    stderr: "pipe",
  });
  // Some CLIs retry an HTTP 500 for minutes; the recording keeps what they printed until then.
  const kill = setTimeout(() => p.kill("SIGKILL"), limitMs);
  const [out, errText] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text()]);
  await p.exited;
  clearTimeout(kill);
  return { out, err: errText, exit: p.exitCode };
}

function save(
  rt: string,
  name: string,
  r: { out: string; err: string; exit: number | null },
  ws: string,
  home: string,
) {
  const dir = join(ROOT, "adapters", rt, "fixtures");
  mkdirSync(dir, { recursive: true });
  // Temp paths differ per run; normalise them so fixtures are stable.
  const norm = (s: string) => s.split(ws).join("/tmp/ws").split(home).join("/tmp/home");
  writeFileSync(join(dir, `${name}.jsonl`), norm(r.out));
  writeFileSync(join(dir, `${name}.stderr`), norm(r.err).split("\n").slice(-40).join("\n"));
  writeFileSync(join(dir, `${name}.exit`), `${r.exit}\n`);
}

const which = (process.argv.slice(2) as CliName[]).filter((x) => REAL.includes(x));
for (const rt of which.length ? which : REAL) {
  const mock = await startMockModel({ scenario: "plain" });
  const home = mkdtempSync(join(tmpdir(), `ouro-rec-${rt}-`));
  const ws = join(home, "ws");
  mkdirSync(ws);
  try {
    const plain = await runRaw(rt, home, ws, mock.url, null);
    save(rt, "plain", plain, ws, home);
    const sid = /"(?:session_id|thread_id|sessionID|sessionId)":"([A-Za-z0-9_-]+)"/.exec(plain.out)?.[1] ?? null;
    if (sid) save(rt, "resume", await runRaw(rt, home, ws, mock.url, sid), ws, home);
    mock.setScenario("tool_write");
    save(rt, "tool_write", await runRaw(rt, home, ws, mock.url, null), ws, home);
    mock.setScenario("http_500");
    save(rt, "http_500", await runRaw(rt, home, ws, mock.url, null, 20_000), ws, home);
    process.stderr.write(`recorded ${rt}\n`);
  } finally {
    await mock.stop();
    rmSync(home, { recursive: true, force: true });
  }
}
