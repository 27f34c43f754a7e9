/**
 * Output into pipes: a slow reader gets every line in order (writers wait for drain), a reader
 * that goes away (`| head -1`) ends the command quietly with exit 0.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { writeBulkEvents } from "../lib/bulk-events.ts";
import { BUN, cliArgv, tempHome } from "../lib/cli.ts";

const N = 100_000;
let home = "";
const cli = () =>
  cliArgv()
    .map((a) => `'${a}'`)
    .join(" ");

async function sh(cmd: string): Promise<{ out: string; err: string; code: number }> {
  const p = Bun.spawn(["bash", "-c", cmd], {
    env: { ...process.env, OUROBOROS_HOME: home, NO_COLOR: "1" },
    stdout: "pipe",
    stderr: "pipe",
  });
  const [out, err, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  return { out, err, code };
}

// Reads stdin slowly: a pause after every 256 KiB, so the writer meets a full pipe many times.
const SLOW_READER = `
let n = 0; const chunks = [];
for await (const c of Bun.stdin.stream()) { chunks.push(c); n += c.length; if (n > 256 * 1024) { n = 0; await Bun.sleep(20); } }
await Bun.write(Bun.stdout, new Blob(chunks));`;

function expectAllInOrder(text: string, from = 1): void {
  const lines = text.split("\n");
  expect(lines.pop()).toBe("");
  expect(lines).toHaveLength(N);
  let expected = from;
  for (const l of lines) {
    const row = JSON.parse(l).rowid;
    if (row !== expected) throw new Error(`line ${expected - from + 1}: rowid ${row}, expected ${expected}`);
    expected++;
  }
}

beforeAll(() => {
  home = tempHome();
  writeBulkEvents(join(home, "ouroboros.db"), N);
}, 120_000);

describe("stdout into pipes", () => {
  test("events --json into a slow reader: all 100,000 lines arrive, in order", async () => {
    const r = await sh(`${cli()} events --json | '${BUN}' -e '${SLOW_READER}'; echo "status=\${PIPESTATUS[0]}" >&2`);
    expect(r.err.trim()).toBe("status=0");
    expectAllInOrder(r.out);
  });

  test("events --json into a file, and into a non-blocking pipe (EAGAIN): the same bytes as the SQL listing", async () => {
    const want = await sh(`${cli()} events --json --limit ${N}`);
    expect(want.code).toBe(0);
    const file = join(home, "copy.jsonl");
    const r = await sh(`${cli()} events --json > '${file}'`);
    expect({ code: r.code, err: r.err }).toEqual({ code: 0, err: "" });
    expect(await Bun.file(file).text()).toBe(want.out);
    // O_NONBLOCK is the pipe's, shared with the child: its writes meet EAGAIN while this reads slowly.
    const nonBlocking = `
import os, subprocess, sys, time
r, w = os.pipe()
os.set_blocking(w, False)
p = subprocess.Popen(sys.argv[1:], stdout=w)
os.close(w)
out = []
while True:
    time.sleep(0.002)
    b = os.read(r, 1 << 16)
    if not b: break
    out.append(b)
sys.stdout.buffer.write(b"".join(out))
sys.exit(p.wait())`;
    const argv = [...cliArgv(), "events", "--json"].map((a) => `'${a}'`).join(" ");
    const nb = await sh(`python3 -c '${nonBlocking}' ${argv}`);
    expect({ code: nb.code, err: nb.err }).toEqual({ code: 0, err: "" });
    expect(nb.out === want.out).toBe(true);
  });

  test("events export into a reader that starts late: every line, and the count is what it wrote", async () => {
    const r = await sh(`${cli()} events export orch_bulk | (sleep 1; cat)`);
    expectAllInOrder(r.out);
    expect(r.err).toContain(`exported ${N} events`);
  });

  test("events --follow --json into a reader that starts late: all 100,000 lines, in order", async () => {
    const p = Bun.spawn([...cliArgv(), "events", "--follow", "--json"], {
      env: { ...process.env, OUROBOROS_HOME: home },
      stdout: "pipe",
      stderr: "pipe",
    });
    await Bun.sleep(1000); // the pipe fills while nobody reads
    const reader = p.stdout.getReader();
    const decoder = new TextDecoder();
    const parts: string[] = [];
    let lines = 0;
    while (lines < N) {
      const { value, done } = await reader.read();
      if (done) break;
      const part = decoder.decode(value, { stream: true });
      parts.push(part);
      for (let i = part.indexOf("\n"); i >= 0; i = part.indexOf("\n", i + 1)) lines++;
    }
    p.kill("SIGTERM");
    expect(await p.exited).toBe(0);
    expectAllInOrder(parts.join(""));
  });

  test("| head -1 exits 0 with nothing on stderr (events, events --follow, export)", async () => {
    for (const cmd of ["events --json", "events", "events --follow --json", "events export orch_bulk"]) {
      const r = await sh(`${cli()} ${cmd} | head -1; echo "status=\${PIPESTATUS[0]}"`);
      const [first, status] = r.out.trim().split("\n");
      expect(first).toContain("orch_bulk");
      expect(status).toBe("status=0");
      expect(r.err).toBe("");
    }
  });
});
