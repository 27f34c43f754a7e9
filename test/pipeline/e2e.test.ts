/**
 * Whole pipeline runs through the CLI with real agent CLIs (pinned devDependencies) against the
 * scripted loopback model: every phase in order, Ctrl-C and resume, cancel from another process.
 * (kill -9 at many points: crash.test.ts.) One shared HOME per agent CLI for the whole run.
 */
import { Database } from "bun:sqlite";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cliEnv, type CliName } from "../lib/cli-env.ts";
import { cliArgv, ROOT } from "../lib/cli.ts";
import { startMockModel, type MockModel } from "../lib/mock-model/index.ts";
import { pipelineScript } from "../lib/pipeline-script.ts";

let mock: MockModel;
beforeAll(async () => {
  mock = await startMockModel({ script: pipelineScript });
});
afterAll(async () => mock.stop());

const installed = (cli: string) => existsSync(join(ROOT, "node_modules/.bin", cli));
const SEED = join(ROOT, "examples/hello-cli.yaml");

function setup(cli: CliName) {
  const ce = cliEnv(cli, mock.url, { shared: true });
  const home = mkdtempSync(join(tmpdir(), "e2e-home-"));
  const project = mkdtempSync(join(tmpdir(), "e2e-proj-"));
  const env = {
    ...ce.env,
    PATH: `${join(ROOT, "node_modules/.bin")}:${ce.env.PATH}`,
    OUROBOROS_HOME: home,
    OUROBOROS_PASS_ENV: "MOCK_API_KEY",
  };
  return { env, home, project, cleanup: ce.cleanup };
}

async function cli(args: string[], env: Record<string, string>) {
  const p = Bun.spawn([...cliArgv(), ...args], { env, stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([
    new Response(p.stdout).text(),
    new Response(p.stderr).text(),
    p.exited,
  ]);
  return { stdout, stderr, code };
}

function events(home: string, session?: string) {
  const db = new Database(join(home, "ouroboros.db"), { readonly: true });
  // The file exists a moment before its tables do (a run killed or polled while it migrates): no events yet.
  if (!db.query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'events'").get()) {
    db.close();
    return [];
  }
  const rows = db
    .query(`SELECT seq, event_type, payload FROM events ${session ? "WHERE session_id = ?" : ""} ORDER BY seq`)
    .all(...(session ? [session] : [])) as { seq: number; event_type: string; payload: string }[];
  db.close();
  return rows.map((r) => ({ seq: r.seq, type: r.event_type, data: JSON.parse(r.payload) }));
}

/** Poll `ok` (a read of the log) until it holds; the file exists before its tables do, so reads may throw at first. */
async function until(ok: () => boolean, deadlineMs = 120_000): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (Date.now() < end) {
    try {
      if (ok()) return;
    } catch {}
    await Bun.sleep(25);
  }
  throw new Error("the run made no progress before the deadline");
}

const SIX = ["big_bang", "pal_router", "double_diamond", "resilience", "evaluation", "secondary_loop"];

describe("full pipeline with real agent CLIs against the scripted model", () => {
  for (const runtime of ["codex", "claude"] as const) {
    test.skipIf(!installed(runtime))(
      `${runtime}: all six phases in order, both ACs pass, files really written`,
      async () => {
        const s = setup(runtime);
        const r = await cli(
          ["run", "workflow", SEED, "--runtime", runtime, "--project-dir", s.project, "--json"],
          s.env,
        );
        expect(r.code).toBe(0);
        const out = JSON.parse(r.stdout);
        expect(out.status).toBe("completed");
        const ev = events(s.home, out.sessionId);
        const started = ev.filter((e) => e.type === "pipeline.phase.started" && !e.data.ac_id).map((e) => e.data.phase);
        expect(started).toEqual(SIX);
        expect(ev.at(-1)!.type).toBe("orchestrator.session.completed");
        expect(ev.filter((e) => e.type === "execution.ac.status_changed" && e.data.status === "passed")).toHaveLength(
          2,
        );
        expect(ev.some((e) => e.type === "execution.tool.started")).toBe(true);
        const greet = Bun.spawnSync(["python3", join(s.project, "greet.py"), "World"]);
        expect(greet.stdout.toString().trim()).toBe("Hello, World!");
        s.cleanup();
      },
      120_000,
    );
  }
});

describe("interrupt and cancel", () => {
  test.skipIf(!installed("codex"))(
    "Ctrl-C pauses (exit 75, no terminal event); --resume finishes without re-running passed ACs",
    async () => {
      const s = setup("codex");
      const p = Bun.spawn(
        [...cliArgv(), "run", "workflow", SEED, "--runtime", "codex", "--project-dir", s.project, "--json"],
        { env: s.env, stdout: "pipe", stderr: "ignore" },
      );
      // Waits for progress, not for a fixed time: the same point on a fast or a loaded machine.
      await until(() =>
        events(s.home).some((e) => e.type === "execution.ac.status_changed" && e.data.status === "passed"),
      );
      p.kill("SIGINT");
      expect(await p.exited).toBe(75);
      let ev = events(s.home);
      const sessionId = ev[0]!.data.session_id as string;
      expect(
        ev.some((e) =>
          ["orchestrator.session.completed", "orchestrator.session.failed", "orchestrator.session.cancelled"].includes(
            e.type,
          ),
        ),
      ).toBe(false);
      expect(ev.at(-1)!.type).toBe("orchestrator.session.paused");
      const passed = ev
        .filter((e) => e.type === "execution.ac.status_changed" && e.data.status === "passed")
        .map((e) => e.data.ac_id);
      const lastSeq = ev.at(-1)!.seq;
      const r = await cli(["run", "workflow", "--resume", sessionId.slice(0, 10), "--json"], s.env);
      expect(r.code).toBe(0);
      ev = events(s.home, sessionId);
      for (const acId of passed)
        expect(
          ev.some((e) => e.seq > lastSeq && e.type === "execution.ac.attempt.dispatched" && e.data.ac_id === acId),
        ).toBe(false);
      expect(ev.at(-1)!.type).toBe("orchestrator.session.completed");
      s.cleanup();
    },
    240_000,
  );

  test.skipIf(!installed("codex"))(
    "ouroboros cancel from another process stops a running session",
    async () => {
      const s = setup("codex");
      const p = Bun.spawn(
        [...cliArgv(), "run", "workflow", SEED, "--runtime", "codex", "--project-dir", s.project, "--json"],
        { env: s.env, stdout: "pipe", stderr: "ignore" },
      );
      let sessionId: string | undefined;
      await until(() => {
        sessionId = events(s.home).find((e) => e.type === "orchestrator.session.started")?.data.session_id;
        return sessionId !== undefined;
      });
      expect(sessionId).toBeDefined();
      const c = await cli(["cancel", sessionId!, "--json"], s.env);
      expect(c.code).toBe(0);
      expect(JSON.parse(c.stdout).action).toBe("requested");
      expect(await p.exited).toBe(1);
      const terminal = events(s.home, sessionId)
        .filter((e) => e.type.startsWith("orchestrator.session.") && e.type !== "orchestrator.session.started")
        .at(-1)!;
      expect(terminal.type).toBe("orchestrator.session.cancelled");
      s.cleanup();
    },
    240_000,
  );
});
