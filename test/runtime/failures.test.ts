/**
 * Supervisor failure behaviour with a misbehaving fake CLI: each case ends as one typed error
 * within its timeout and leaves no process of the child's group behind.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import type { TaskInput } from "../../src/adapter-kit/contract.ts";
import { cleanupTemps, drain, FAKES, groupMembers, tempDir } from "./helpers.ts";
import { within } from "../lib/timing.ts";

const MISBEHAVE = join(FAKES, "misbehave");
afterAll(cleanupTemps, 30_000);

function task(timeouts: TaskInput["timeouts"] = {}): TaskInput {
  return {
    prompt: "hello",
    cwd: tempDir("fail-ws"),
    timeouts: { startup_ms: 5000, idle_ms: 5000, total_ms: 20000, ...timeouts },
  };
}
const run = (mode: string, t: TaskInput, extra: Record<string, unknown> = {}) =>
  drain("claude", t, {
    binary: MISBEHAVE,
    env: { ...process.env, FAKE_MODE: mode },
    passEnv: ["FAKE_MODE"],
    killGraceMs: 1000,
    ...extra,
  });

function expectNoLeftovers(pid: number | null) {
  expect(pid).not.toBeNull();
  expect(groupMembers(pid!)).toEqual([]);
}

describe("supervisor failure behaviour", () => {
  test("a well-behaved fake ends ok (sanity)", async () => {
    const r = await run("ok", task());
    expect(r.result.ok).toBe(true);
    expect(r.result.text).toBe("FAKE_OK");
    expect(r.result.session_id).toBe("fake-session-1");
    expectNoLeftovers(r.pid);
  });

  test("missing binary → binary_missing with install hint, nothing spawned", async () => {
    const r = await drain("claude", task(), { env: { PATH: "/nonexistent" } });
    expect(r.result.error?.code).toBe("binary_missing");
    expect(r.result.error?.hint).toContain("npm install -g @anthropic-ai/claude-code");
    expect(r.pid).toBeNull();
  });

  test("hang with no output → startup_timeout, group killed", async () => {
    const r = await run("hang", task({ startup_ms: 700 }));
    expect(r.result.error?.code).toBe("startup_timeout");
    expect(r.ms).toBeLessThan(within(4000));
    expectNoLeftovers(r.pid);
  });

  test("stall after first line → idle_timeout (stall watchdog)", async () => {
    let during: number[] = [];
    const r = await drain(
      "claude",
      task({ idle_ms: 700 }),
      { binary: MISBEHAVE, env: { ...process.env, FAKE_MODE: "stall" }, passEnv: ["FAKE_MODE"], killGraceMs: 1000 },
      (m, pid) => {
        if (m.type === "session" && pid !== null) during = groupMembers(pid);
      },
    );
    // The child leads its own process group (so the leftover checks below mean something).
    expect(during).toContain(r.pid!);
    expect(during.length).toBeGreaterThanOrEqual(2);
    expect(r.result.error?.code).toBe("idle_timeout");
    expect(r.result.session_id).toBe("fake-session-1");
    expect(r.ms).toBeLessThan(within(4000));
    expectNoLeftovers(r.pid);
  });

  test("total timeout fires even while output flows", async () => {
    const r = await run("stall", task({ idle_ms: 0, total_ms: 800 }));
    expect(r.result.error?.code).toBe("total_timeout");
    expectNoLeftovers(r.pid);
  });

  test("crash mid-stream (SIGKILL) → killed_by_signal, partial text kept as messages", async () => {
    const r = await run("crash", task());
    expect(r.result.error?.code).toBe("killed_by_signal");
    expect(r.messages.some((m) => m.type === "text" && m.text === "partial")).toBe(true);
    expectNoLeftovers(r.pid);
  });

  test("garbage JSON → protocol_error at once, child stopped", async () => {
    const r = await run("garbage", task());
    expect(r.result.error?.code).toBe("protocol_error");
    expect(r.result.error?.message).toContain("not JSON");
    expect(r.ms).toBeLessThan(within(3000));
    expectNoLeftovers(r.pid);
  });

  test("known event with the wrong shape → protocol_error", async () => {
    const r = await run("bad_shape", task());
    expect(r.result.error?.code).toBe("protocol_error");
    expectNoLeftovers(r.pid);
  });

  test("a 10 MB single line → line_too_long, bounded memory, child stopped", async () => {
    const r = await run("huge_line", task(), { maxLineBytes: 8 * 1024 * 1024 });
    expect(r.result.error?.code).toBe("line_too_long");
    expect(r.ms).toBeLessThan(within(5000));
    expectNoLeftovers(r.pid);
  });

  test("non-zero exit with stderr → exit_nonzero carrying the stderr tail", async () => {
    const r = await run("exit_stderr", task());
    expect(r.result.error?.code).toBe("exit_nonzero");
    expect(r.result.error?.exit_code).toBe(3);
    expect(r.result.error?.message).toContain("credentials rejected");
    expect(r.result.error?.stderr_tail?.join("\n")).toContain("credentials rejected");
    expectNoLeftovers(r.pid);
  });

  test("a CLI asking for interactive input reads EOF → typed error quickly", async () => {
    const r = await run("interactive", task());
    expect(r.result.ok).toBe(false);
    expect(r.result.error?.code).toBe("exit_nonzero");
    expect(r.ms).toBeLessThan(within(3000));
    expectNoLeftovers(r.pid);
  });

  test("helpers left in the group after a normal exit are swept", async () => {
    const r = await run("orphan", task());
    expect(r.result.ok).toBe(true);
    expectNoLeftovers(r.pid);
  });

  test("cancel via AbortSignal: SIGTERM ignored → SIGKILL after the grace period", async () => {
    const ac = new AbortController();
    const r = await drain(
      "claude",
      task({ idle_ms: 0, startup_ms: 0 }),
      {
        binary: MISBEHAVE,
        env: { ...process.env, FAKE_MODE: "ignore_term" },
        passEnv: ["FAKE_MODE"],
        killGraceMs: 500,
        signal: ac.signal,
      },
      (m) => {
        if (m.type === "session") ac.abort();
      },
    );
    expect(r.result.error?.code).toBe("cancelled");
    expect(r.ms).toBeLessThan(within(3000));
    expectNoLeftovers(r.pid);
  });

  test("recursion guard: depth beyond 5 refuses to spawn", async () => {
    const r = await drain("claude", task(), { binary: MISBEHAVE, env: { ...process.env, _OUROBOROS_DEPTH: "5" } });
    expect(r.result.error?.code).toBe("depth_exceeded");
    expect(r.result.error?.message).toContain("Maximum Ouroboros nesting depth (5) exceeded");
    expect(r.pid).toBeNull();
  });

  test("unknown runtime → error listing valid names; missing cwd → cwd_unavailable", async () => {
    const u = await drain("emacs", task());
    expect(u.result.error?.code).toBe("invalid_task");
    expect(u.result.error?.hint).toContain("claude, codex, opencode, gemini, copilot, kiro, hermes");
    const c = await drain("claude", { prompt: "x", cwd: "/nonexistent/dir" }, { binary: MISBEHAVE });
    expect(c.result.error?.code).toBe("cwd_unavailable");
  });
});
