/**
 * One contract suite over every adapter. claude, codex, opencode, gemini and copilot run the REAL
 * pinned CLIs against the loopback mock model (one shared HOME per CLI for the run); kiro and hermes run fake
 * executables that check argv and print the documented output. `myclaude` is the real claude CLI
 * declared in a runtime file ($OUROBOROS_HOME/runtimes/myclaude.yaml) instead of its built-in
 * adapter: what is its own (argv, output parsing, tool mapping, resume, install hint) runs on it too.
 * Heavy tests run sequentially; each real CLI launch costs seconds of CPU, so a launch proves only
 * what no other one does:
 * - watchdog and crash stop each real CLI's own process tree mid-stall (SIGTERM to the group, and
 *   the sweep after the leader dies); how an AbortSignal cancel reaches that same group kill is
 *   the supervisor's and is proven on a fake (failures.test.ts).
 * - myclaude skips watchdog and crash: the same claude binary under the same supervisor runs them
 *   through the built-in adapter above.
 * - opencode skips crash: it runs as one process (no child at all while its model call streams), so
 *   after its leader dies there is nothing to sweep; its watchdog test still stops its group.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { PermissionMode, TaskInput } from "../../src/adapter-kit/contract.ts";
import { ADAPTERS } from "../../src/runtime/registry.ts";
import type { RunOptions } from "../../src/runtime/run.ts";
import { cliEnv, type CliName } from "../lib/cli-env.ts";
import { MOCK_FILE, MOCK_FILE_CONTENT, startMockModel, type MockModel } from "../lib/mock-model/index.ts";
import { DECLARED_CLAUDE, declaringHome } from "./declared-fixture.ts";
import { within } from "../lib/timing.ts";
import { BIN, cleanupTemps, drain, FAKES, groupMembers, tempDir } from "./helpers.ts";

afterAll(cleanupTemps, 30_000);

const REAL: {
  rt: string;
  cli: CliName;
  toolMode: PermissionMode;
  model?: string;
  declared?: string;
  /** false: the CLI leaves no helper process for the crash sweep to find (see above). */
  helpers?: false;
}[] = [
  { rt: "claude", cli: "claude", toolMode: "acceptEdits" },
  { rt: "myclaude", cli: "claude", toolMode: "acceptEdits", declared: DECLARED_CLAUDE },
  { rt: "codex", cli: "codex", toolMode: "acceptEdits" },
  { rt: "opencode", cli: "opencode", toolMode: "bypassPermissions", helpers: false },
  // auto_edit hides the shell tool in headless mode, so the tool round-trip needs yolo.
  { rt: "gemini", cli: "gemini", toolMode: "bypassPermissions", model: "gemini-2.5-flash" },
  { rt: "copilot", cli: "copilot", toolMode: "acceptEdits" },
];
// Real CLIs start in seconds on an idle machine and in tens of seconds on a loaded one.
const T = within(90_000) * 2;

/** Poll until the mock has seen a model request (the CLI is mid-stream). */
async function untilModelCalled(mock: MockModel, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (mock.modelRequests().filter((r) => !r.wantsJson).length === 0 && Date.now() < end) await Bun.sleep(50);
}

for (const { rt, cli, toolMode, model, declared, helpers } of REAL) {
  const bin = join(BIN, ADAPTERS[cli].descriptor.binary);
  // A declared runtime is found through $OUROBOROS_HOME/runtimes/ in the environment given to runTask.
  const ouroEnv: Record<string, string> = declared ? { OUROBOROS_HOME: declaringHome(rt, declared) } : {};
  describe.skipIf(!existsSync(bin))(
    `${rt} (real ${cli} CLI against the mock model${declared ? ", declared in a runtime file" : ""})`,
    () => {
      async function withMock<T>(
        scenario: Parameters<typeof startMockModel>[0],
        fn: (mock: MockModel, env: Record<string, string>, ws: string) => Promise<T>,
      ): Promise<T> {
        const mock = await startMockModel(scenario);
        const ce = cliEnv(cli, mock.url, { shared: true });
        try {
          return await fn(mock, { ...ce.env, ...ouroEnv }, tempDir(`${rt}-ws`));
        } finally {
          await mock.stop();
        }
      }
      const opts = (env: Record<string, string>, extra: Partial<RunOptions> = {}): RunOptions => ({
        env,
        binary: bin,
        passEnv: ["MOCK_API_KEY"],
        killGraceMs: 2000,
        ...extra,
      });
      const task = (ws: string, extra: Partial<TaskInput> = {}): TaskInput => ({
        prompt: "Reply with OK.",
        cwd: ws,
        model: model ?? null,
        timeouts: { startup_ms: within(60_000), idle_ms: within(30_000), total_ms: within(80_000) },
        ...extra,
      });

      // One session proves the answer, the tool round-trip and resume: a fresh launch runs the tool
      // scenario, then a second launch resumes its session with the plain scenario (two CLI starts
      // instead of four; each property keeps its own assertion).
      test(
        "a tool call writes a file in the workspace; resume continues that session with a plain answer",
        async () => {
          await withMock({ scenario: "tool_write" }, async (mock, env, ws) => {
            const first = await drain(
              rt,
              task(ws, { prompt: "Remember the word PINEAPPLE. Create the file.", permission_mode: toolMode }),
              opts(env),
            );
            expect(first.result.error).toBeNull();
            expect(first.result.ok).toBe(true);
            expect(first.result.text).toBe("MOCK_DONE");
            expect(first.messages.some((m) => m.type === "tool_call" && m.name === "Bash")).toBe(true);
            expect(readFileSync(join(ws, MOCK_FILE), "utf8").trim()).toBe(MOCK_FILE_CONTENT);
            const sid = first.result.session_id!;
            expect(sid).toMatch(/^[A-Za-z0-9_-]+$/);
            expect(groupMembers(first.pid!)).toEqual([]);

            mock.setScenario("plain");
            const second = await drain(rt, task(ws, { prompt: "Which word?", resume: { session_id: sid } }), opts(env));
            expect(second.result.error).toBeNull();
            expect(second.result.ok).toBe(true);
            expect(second.result.text).toBe("MOCK_OK");
            expect(second.messages.some((m) => m.type === "text")).toBe(true);
            expect(second.result.session_id).toBe(sid);
            const last = mock
              .modelRequests()
              .filter((r) => !r.wantsJson)
              .at(-1)!;
            expect(last.allText.join("\n")).toContain("PINEAPPLE");
            expect(groupMembers(second.pid!)).toEqual([]);
            // Every request reached the loopback mock and was a model call it understands.
            expect(mock.requests.length).toBeGreaterThan(0);
            expect(mock.modelRequests().length).toBeGreaterThan(0);
          });
        },
        2 * T,
      );

      // The supervisor's stops on this binary's own tree: once per binary, so not again for myclaude.
      if (!declared) {
        test(
          "stalled model stream → watchdog fires, the whole process tree is stopped",
          async () => {
            await withMock({ scenario: "stall" }, async (_mock, env, ws) => {
              const r = await drain(
                rt,
                task(ws, { timeouts: { startup_ms: 15_000, idle_ms: 2_500, total_ms: 60_000 } }),
                opts(env),
              );
              expect(r.result.error?.code === "idle_timeout" || r.result.error?.code === "startup_timeout").toBe(true);
              expect(groupMembers(r.pid!)).toEqual([]);
            });
          },
          T,
        );

        if (helpers !== false)
          test(
            "crash mid-stream → typed error, helpers swept",
            async () => {
              await withMock({ scenario: "stall" }, async (mock, env, ws) => {
                const spawned: number[] = [];
                void untilModelCalled(mock).then(() => spawned[0] !== undefined && process.kill(spawned[0], "SIGKILL"));
                const r = await drain(rt, task(ws), opts(env, { onSpawn: (p: number) => void spawned.push(p) }));
                expect(r.result.ok).toBe(false);
                expect(r.result.error?.code).toBe("killed_by_signal");
                expect(groupMembers(r.pid!)).toEqual([]);
              });
            },
            T,
          );
      }

      test("missing binary → error with an install hint", async () => {
        const r = await drain(rt, task(tempDir(`${rt}-ws`)), { env: { PATH: "/nonexistent", ...ouroEnv } });
        expect(r.result.error?.code).toBe("binary_missing");
        expect(r.result.error?.hint).toContain("npm install -g");
      });
    },
  );
}

describe("kiro (fake kiro-cli)", () => {
  const opts = (extra: Record<string, string> = {}) => ({
    binary: join(FAKES, "kiro-cli"),
    env: { ...process.env, ...extra },
    passEnv: Object.keys(extra),
  });
  test("plain answer: argv checked, ANSI and '> ' stripped", async () => {
    const r = await drain("kiro", { prompt: "hi", cwd: tempDir("kiro"), tools: ["Bash", "Read"] }, opts());
    expect(r.result.ok).toBe(true);
    expect(r.result.text).toBe("KIRO_OK\ntrust=--trust-tools=shell,read");
    // The session id line (kiro-cli 2.19+) is the session, not part of the answer.
    expect(r.result.session_id).toBe("kiro-sess-new-1");
  });
  test("bypass trusts everything; model id is dotted; known id resumes with --resume-id", async () => {
    const r = await drain(
      "kiro",
      {
        prompt: "hi",
        cwd: tempDir("kiro"),
        permission_mode: "bypassPermissions",
        model: "claude-sonnet-4-6",
        resume: { session_id: "kiro-sess-1" },
      },
      opts(),
    );
    expect(r.result.text).toContain("trust=--trust-all-tools");
    expect(r.result.text).toContain("model=claude-sonnet-4.6");
    expect(r.result.text).toContain("resumed=kiro-sess-1");
    expect(r.result.session_id).toBe("kiro-sess-1");
  });
  test("exit ≠ 0 → typed error naming stderr", async () => {
    const r = await drain("kiro", { prompt: "hi", cwd: tempDir("kiro") }, opts({ FAKE_KIRO_EXIT: "1" }));
    expect(r.result.error?.code).toBe("exit_nonzero");
    expect(r.result.error?.message).toBe("Kiro CLI failed (exit 1): kiro: authentication required");
  });
  test("missing binary → install hint", async () => {
    const r = await drain("kiro", { prompt: "hi", cwd: tempDir("kiro") }, { env: { PATH: "/nonexistent" } });
    expect(r.result.error?.code).toBe("binary_missing");
    expect(r.result.error?.hint).toContain("kiro.dev");
  });
});

describe("hermes (fake hermes)", () => {
  const opts = (extra: Record<string, string> = {}) => ({
    binary: join(FAKES, "hermes"),
    env: { ...process.env, ...extra },
    passEnv: Object.keys(extra),
  });
  test("plain answer: reasoning box stripped, session id from stderr", async () => {
    const r = await drain("hermes", { prompt: "hi", cwd: tempDir("hermes") }, opts());
    expect(r.result.ok).toBe(true);
    expect(r.result.text).toBe("HERMES_OK");
    expect(r.result.session_id).toBe("20260101_120000_abc123");
  });
  test("resume passes --resume <id> and keeps the id; bypass adds --yolo", async () => {
    const r = await drain(
      "hermes",
      {
        prompt: "hi",
        cwd: tempDir("hermes"),
        permission_mode: "bypassPermissions",
        resume: { session_id: "20260101_120000_abc123" },
      },
      opts(),
    );
    expect(r.result.text).toBe("HERMES_OK\nyolo=1\nresumed=20260101_120000_abc123");
    expect(r.result.session_id).toBe("20260101_120000_abc123");
  });
  test("exit ≠ 0 → 'Hermes execution failed' with stderr", async () => {
    const r = await drain("hermes", { prompt: "hi", cwd: tempDir("hermes") }, opts({ FAKE_HERMES_FAIL: "1" }));
    expect(r.result.error?.message).toBe("Hermes execution failed:\nprovider error: 401 unauthorized");
  });
});
