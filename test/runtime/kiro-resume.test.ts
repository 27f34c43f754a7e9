/**
 * Kiro resume is reachable: the session id Kiro prints is taken from its stream, and a caller that
 * knows its Kiro session passes it with `run workflow --resume-id` or the MCP `resume_id`
 * argument; the fake kiro-cli logs the `--resume-id` of every call.
 */
import { Database } from "bun:sqlite";
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect } from "../mcp/client.ts";
import { cliArgv, ROOT, tempHome } from "../lib/cli.ts";
import { cleanupTemps, drain, FAKES, tempDir } from "./helpers.ts";

afterAll(cleanupTemps);
const SEED = join(ROOT, "examples/hello-cli.yaml");
const opts = (extra: Record<string, string> = {}) => ({
  binary: join(FAKES, "kiro-cli"),
  env: { ...process.env, ...extra },
  passEnv: Object.keys(extra),
});

describe("kiro session ids", () => {
  test("a printed session id becomes the session (not answer text)", async () => {
    const r = await drain("kiro", { prompt: "hi", cwd: tempDir("kiro") }, opts({ FAKE_KIRO_SESSION: "kiro-abc-1" }));
    expect(r.result.ok).toBe(true);
    expect(r.result.session_id).toBe("kiro-abc-1");
    expect(r.result.text).not.toContain("session");
    expect(r.messages.some((m) => m.type === "session" && m.session_id === "kiro-abc-1")).toBe(true);
  });
  test("older builds print none: no session unless the task resumed a known id", async () => {
    const fresh = await drain("kiro", { prompt: "hi", cwd: tempDir("kiro") }, opts({ FAKE_KIRO_NO_SESSION: "1" }));
    expect(fresh.result.session_id).toBeNull();
    const resumed = await drain(
      "kiro",
      { prompt: "hi", cwd: tempDir("kiro"), resume: { session_id: "known-1" } },
      opts({ FAKE_KIRO_NO_SESSION: "1" }),
    );
    expect(resumed.result.session_id).toBe("known-1");
  });
});

function kiroEnv(home: string, log: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  return {
    ...env,
    PATH: `${FAKES}:${env.PATH}`,
    OUROBOROS_HOME: home,
    OUROBOROS_PASS_ENV: "FAKE_KIRO_LOG",
    FAKE_KIRO_LOG: log,
    NO_COLOR: "1",
  };
}

const calls = (log: string) =>
  existsSync(log)
    ? readFileSync(log, "utf8")
        .trim()
        .split("\n")
        .map((l) => l.replace("resume-id=", ""))
    : [];

function handles(home: string): string[] {
  const db = new Database(join(home, "ouroboros.db"), { readonly: true });
  const rows = db
    .query("SELECT payload FROM events WHERE event_type = 'execution.runtime.handle' ORDER BY seq")
    .all() as { payload: string }[];
  db.close();
  return rows.map((r) => (JSON.parse(r.payload) as { handle: { session_id: string } }).handle.session_id);
}

describe("run workflow --resume-id (fake kiro-cli)", () => {
  test("the first Kiro turn continues the caller's session; later turns resume the id Kiro printed", async () => {
    const home = tempHome();
    const log = join(home, "kiro.log");
    const project = mkdtempSync(join(tmpdir(), "kiro-proj-"));
    const args = [
      "run",
      "workflow",
      SEED,
      "--runtime",
      "kiro",
      "--resume-id",
      "caller-sess-7",
      "--project-dir",
      project,
      "--max-decomposition-depth",
      "0",
      "--skip-secondary",
      "--json",
    ];
    const p = Bun.spawn([...cliArgv(), ...args], { env: kiroEnv(home, log), stdout: "pipe", stderr: "pipe" });
    await p.exited;
    const seen = calls(log);
    expect(seen[0]).toBe("caller-sess-7");
    // Only the first turn takes the caller's id; later fresh turns start a new Kiro session…
    const fresh = seen.indexOf("");
    expect(fresh).toBeGreaterThan(0);
    expect(seen.slice(fresh).includes("caller-sess-7")).toBe(false);
    // …and since Kiro printed that session's id, the next steps continue it.
    expect(seen.slice(fresh)).toContain("kiro-sess-new-1");
    expect(handles(home)).toContain("kiro-sess-new-1");
  }, 120_000);

  test("a malformed id is refused before anything runs (exit 64)", async () => {
    const home = tempHome();
    const log = join(home, "kiro.log");
    const p = Bun.spawn([...cliArgv(), "run", "workflow", SEED, "--runtime", "kiro", "--resume-id", "../etc"], {
      env: kiroEnv(home, log),
      stdout: "pipe",
      stderr: "pipe",
    });
    const [stderr, code] = await Promise.all([new Response(p.stderr).text(), p.exited]);
    expect(code).toBe(64);
    expect(stderr).toContain("--resume-id '../etc' is not a session id");
    expect(calls(log)).toEqual([]);
  }, 60_000);

  test("MCP execute_seed takes resume_id the same way", async () => {
    const home = tempHome();
    const log = join(home, "kiro.log");
    const project = mkdtempSync(join(tmpdir(), "kiro-proj-"));
    const c = await connect(home, { env: kiroEnv(home, log) });
    try {
      const r = await c.call("ouroboros_execute_seed", {
        seed_path: SEED,
        cwd: project,
        runtime: "kiro",
        resume_id: "host-sess-3",
        max_decomposition_depth: 0,
        skip_secondary: true,
      });
      expect(r.text).not.toContain("Unrecognized");
      expect(calls(log)[0]).toBe("host-sess-3");
    } finally {
      await c.close();
    }
  }, 120_000);
});
