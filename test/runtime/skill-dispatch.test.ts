/**
 * Skill dispatch in the runtime layer: an `ooo <skill>` prompt to a runtime that declares
 * `skill_dispatch` runs the skill's MCP tool in-process and the agent CLI is never spawned
 * (proved with the Kiro fake set to fail if started); any other prompt reaches the CLI.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ADAPTERS, RUNTIME_NAMES } from "../../src/runtime/registry.ts";
import { runTaskToResult } from "../../src/runtime/run.ts";
import { queryEvents } from "../../src/events/read.ts";
import { EventStore } from "../../src/events/store.ts";
import { dispatchFor, skillCall } from "../../src/skills/dispatch.ts";
import { runSkillCall } from "../../src/mcp/skill-call.ts";
import { provideSkillRunner } from "../../src/runtime/skill-runner.ts";
import { cleanupTemps, FAKES, tempDir } from "./helpers.ts";

let home: string;
let project: string;
const saved = process.env.OUROBOROS_HOME;
beforeAll(() => {
  // What cli/main.ts provides in the program.
  provideSkillRunner(runSkillCall);
  home = tempDir("dispatch-home");
  project = tempDir("dispatch-proj");
  process.env.OUROBOROS_HOME = home;
  writeFileSync(join(project, "go.mod"), "module x\n");
  mkdirSync(join(project, "cmd"));
  writeFileSync(join(project, "cmd/main.go"), "package main\n");
});
afterAll(() => {
  if (saved === undefined) delete process.env.OUROBOROS_HOME;
  else process.env.OUROBOROS_HOME = saved;
  cleanupTemps();
});

describe("the router", () => {
  test("prefix → name or alias → the skill's first tool with its argument template", () => {
    expect(skillCall("ooo status orch_1", "/p")).toMatchObject({
      tool: "ouroboros_session_status",
      args: { session_id: "orch_1" },
    });
    expect(skillCall("/ouroboros:unstuck the build fails\nsince Monday", "/p")).toMatchObject({
      tool: "ouroboros_lateral_think",
      args: { problem_context: "the build fails\nsince Monday" },
    });
    expect(skillCall("  ooo stuck tests flake", "/p")?.skill.name).toBe("unstuck");
    expect(skillCall("ooo interview a todo app", "/p")?.args).toEqual({ initial_context: "a todo app", cwd: "/p" });
    // An empty $1 leaves the argument out, so the tool's default applies.
    expect(skillCall("ooo brownfield", "/p")?.args).toEqual({ scan_root: "/p" });
    for (const p of [
      "ooo help",
      "ooo",
      "ooo setup",
      "oooops",
      "please ooo run x",
      "ooo nosuchskill x",
      "/ouroboros:",
      "[ouroboros:develop] ooo run",
    ])
      expect(skillCall(p, "/p")).toBeNull();
  });

  test("the gate is the declared capability", () => {
    const caps = ADAPTERS.kiro.descriptor.capabilities;
    expect(dispatchFor(caps, "ooo qa out.txt", "/p")?.tool).toBe("ouroboros_qa");
    expect(dispatchFor({ ...caps, skill_dispatch: false }, "ooo qa out.txt", "/p")).toBeNull();
  });
});

describe("Kiro's interceptor (fake kiro-cli)", () => {
  const kiroEnv = { ...process.env, OUROBOROS_KIRO_CLI_PATH: join(FAKES, "kiro-cli") } as Record<string, string>;

  test("`ooo brownfield scan` runs the MCP tool over the event log; Kiro is not started", async () => {
    let spawned = 0;
    // The fake fails with exit 3 if it runs at all.
    const { result, messages } = await runTaskToResult(
      "kiro",
      { prompt: "ooo brownfield scan", cwd: project },
      { env: { ...kiroEnv, FAKE_KIRO_EXIT: "3" }, onSpawn: () => spawned++ },
    );
    expect(spawned).toBe(0);
    expect(result.ok).toBe(true);
    expect(messages[0]).toMatchObject({
      type: "tool_call",
      name: "ouroboros_brownfield",
      input: { action: "scan", scan_root: project },
    });
    const out = JSON.parse(result.text);
    expect(out).toMatchObject({
      action: "scan",
      path: project,
      languages: [{ language: "Go", files: 1 }],
      test_commands: ["go test ./..."],
    });
    const store = EventStore.open(join(home, "ouroboros.db"));
    if (!store.ok) throw new Error(store.error.message);
    const scans = queryEvents(store.value.reader, { typeGlob: "brownfield.scanned" });
    store.value.close();
    expect(scans.length).toBe(1);
  });

  test("a tool error is the task's failure, still without spawning Kiro", async () => {
    let spawned = 0;
    const { result } = await runTaskToResult(
      "kiro",
      { prompt: "ooo status", cwd: project },
      { env: kiroEnv, onSpawn: () => spawned++ },
    );
    expect(spawned).toBe(0);
    expect(result.ok).toBe(false);
    expect(result.error?.message).toBe("ouroboros_session_status: missing required parameter 'session_id'");
  });

  test("prompts that are not tool skills reach Kiro", async () => {
    for (const prompt of ["write the file", "ooo help"]) {
      let spawned = 0;
      const { result } = await runTaskToResult(
        "kiro",
        { prompt, cwd: project },
        { env: kiroEnv, onSpawn: () => spawned++ },
      );
      expect(spawned).toBe(1);
      expect(result.text).toContain("KIRO_OK");
    }
  });
});

test("every runtime declaring skill_dispatch intercepts before looking for its binary", async () => {
  const declaring = RUNTIME_NAMES.filter((rt) => ADAPTERS[rt].descriptor.capabilities.skill_dispatch);
  expect(declaring).toContain("kiro");
  for (const rt of declaring) {
    const { result } = await runTaskToResult(
      rt,
      { prompt: "ooo brownfield query", cwd: project },
      { binary: "/nonexistent/agent-cli" },
    );
    expect(result.ok, `${rt}: ${result.error?.message}`).toBe(true);
    expect(JSON.parse(result.text).default).toBeNull();
  }
});
