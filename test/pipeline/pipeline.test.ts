import { describe, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defaultConfig, type Config } from "../../src/config/schema.ts";
import { queryEvents } from "../../src/events/read.ts";
import { EventStore } from "../../src/events/store.ts";
import { runPipeline } from "../../src/pipeline/run.ts";
import { parseSeedText } from "../../src/seed/load.ts";
import { ScriptedAgent, type Script } from "../lib/scripted-agent.ts";
import type { AgentEvent, AgentTask } from "../../src/pipeline/agent.ts";
import { SqliteBackend } from "../../src/events/sqlite-backend.ts";

const SEED = (extra = "", principles = "") => `
goal: Make two files
acceptance_criteria:
  - description: a.txt exists
    verify_command: test -f a.txt
    expected_artifacts: [a.txt]
  - description: b.txt exists next to a.txt
    expected_artifacts: [b.txt]
    depends_on: [1]
ontology_schema: {name: Files, description: files}
evaluation_principles:
${principles || "  - {name: correctness, description: right, weight: 1.0}"}
${extra}
metadata: {seed_id: seed_test00000001}
`;

async function run(seedText: string, script: Script = {}, tweak: (c: Config) => void = () => {}) {
  const home = mkdtempSync(join(tmpdir(), "pipe-"));
  const project = mkdtempSync(join(tmpdir(), "proj-"));
  process.env.OUROBOROS_HOME = home;
  const store = EventStore.open(join(home, "ouroboros.db"));
  if (!store.ok) throw new Error(store.error.message);
  const seed = parseSeedText("seed.yaml", seedText);
  if (!seed.seed) throw new Error(JSON.stringify(seed.errors));
  const config = defaultConfig();
  tweak(config);
  const agent = new ScriptedAgent(script);
  const r = await runPipeline({
    backend: SqliteBackend.of(store.value),
    agent,
    runtime: "scripted",
    config,
    seed: seed.seed,
    projectDir: project,
    parallel: 2,
    maxDepth: 1,
  });
  if (!r.ok) throw new Error(r.error.message);
  const events = queryEvents(store.value.reader, { session: r.value.sessionId });
  return {
    outcome: r.value,
    events,
    types: events.map((e) => e.event_type),
    backend: SqliteBackend.of(store.value),
    agent,
    project,
    data: (t: string) => events.filter((e) => e.event_type === t).map((e) => JSON.parse(e.payload)),
  };
}

describe("six-phase pipeline with a scripted agent", () => {
  test("every phase's events appear in order and the session completes", async () => {
    const r = await run(SEED());
    expect(r.outcome.status).toBe("completed");
    const phases = r
      .data("pipeline.phase.started")
      .filter((d) => !d.ac_id)
      .map((d) => d.phase);
    expect(phases).toEqual(["big_bang", "pal_router", "double_diamond", "resilience", "evaluation", "secondary_loop"]);
    const completed = r
      .data("pipeline.phase.completed")
      .filter((d) => !d.ac_id)
      .map((d) => d.phase);
    expect(completed).toEqual([
      "big_bang",
      "pal_router",
      "resilience",
      "double_diamond",
      "evaluation",
      "secondary_loop",
    ]);
    expect(r.types[0]).toBe("orchestrator.session.started");
    expect(r.types.at(-1)).toBe("orchestrator.session.completed");
    expect(r.data("routing.decision.made").map((d) => d.tier)).toEqual(["frugal", "frugal"]);
    const steps = r
      .data("execution.ac.phase.started")
      .filter((d) => d.ac_id === r.data("ac.tree.built")[0].nodes[0].ac_id)
      .map((d) => d.phase);
    expect(steps).toEqual(["discover", "define", "develop", "deliver"]);
    const s1 = r.data("evaluation.stage.completed").find((d) => d.stage === 1 && d.ac_id);
    expect(s1.outcome).toBe("passed");
    expect(s1.evidence.checks[0]).toMatchObject({ command: "test -f a.txt", exit_code: 0, outcome: "passed" });
    expect(r.data("ac.decomposition.decided").map((d) => d.disposition)).toEqual(["ATOMIC", "ATOMIC"]);
    // Dependencies: AC 2 starts only after AC 1 passed.
    const firstB = r.types.indexOf(
      "execution.ac.attempt.dispatched",
      r.types.indexOf("execution.ac.attempt.dispatched") + 1,
    );
    const aPassed = r.events.findIndex(
      (e) => e.event_type === "execution.ac.status_changed" && JSON.parse(e.payload).status === "passed",
    );
    expect(aPassed).toBeLessThan(firstB);
  });

  test("frugal: one runtime turn per attempt; the four phase events all name that turn", async () => {
    const r = await run(SEED());
    const acA = r.data("ac.tree.built")[0].nodes[0].ac_id;
    expect(r.agent.prompts.filter((p) => p.includes(`(${acA})`))).toHaveLength(1);
    const steps = r.data("execution.ac.phase.completed").filter((d) => d.ac_id === acA);
    expect(steps.map((d) => [d.phase, d.turn])).toEqual([
      ["discover", 1],
      ["define", 1],
      ["develop", 1],
      ["deliver", 1],
    ]);
    expect(r.data("execution.ac.turn.completed").filter((d) => d.ac_id === acA)).toHaveLength(1);
  });

  test("principle weights change the verdict", async () => {
    const judge = () => ({ ac_compliance: true, score: 0.9, principles: { correctness: 0.95, style: 0.1 } });
    const heavyCorrect = await run(
      SEED(
        "",
        "  - {name: correctness, description: right, weight: 1.0}\n  - {name: style, description: pretty, weight: 0.0}",
      ),
      { judge },
    );
    expect(heavyCorrect.outcome.status).toBe("completed");
    const heavyStyle = await run(
      SEED(
        "",
        "  - {name: correctness, description: right, weight: 0.0}\n  - {name: style, description: pretty, weight: 1.0}",
      ),
      { judge },
      (c) => {
        c.execution.auto_evolve = false;
        c.execution.ac_retry_attempts = 0;
      },
    );
    expect(heavyStyle.outcome.status).toBe("failed");
    const verdict = heavyStyle.data("evaluation.stage.completed").find((d) => d.stage === 2);
    expect(verdict.evidence.weighted).toBe(0.1);
    expect(verdict.evidence.principles).toEqual([
      { name: "correctness", weight: 0, score: 0.95 },
      { name: "style", weight: 1, score: 0.1 },
    ]);
  });

  test("a reward-hacking risk vetoes an otherwise perfect score", async () => {
    const r = await run(SEED(), { judge: () => ({ ac_compliance: true, score: 1, reward_hacking_risk: 0.9 }) }, (c) => {
      c.execution.auto_evolve = false;
      c.execution.ac_retry_attempts = 0;
    });
    expect(r.outcome.status).toBe("failed");
    expect(r.data("evaluation.pipeline.completed")[0].reasons.join()).toContain("veto");
  });

  // Budget kinds (cost, elapsed, generations) stop the run (exit 3); the others complete it.
  const STOPS = new Set(["cost", "elapsed", "generations"]);
  const exitCases: [string, string, Script, (c: Config) => void][] = [
    ["all_acs_passed", "all_acs_passed", {}, () => {}],
    ["score", "score >= 0.5", {}, () => {}],
    ["cost", "cost_usd >= 0.001", {}, () => {}],
    ["elapsed", "elapsed_seconds >= 0", {}, () => {}],
    ["command", "command: test -f a.txt", {}, () => {}],
    [
      "generations",
      "generations >= 1",
      { judge: () => ({ ac_compliance: false, score: 0.2 }) },
      (c) => {
        c.execution.ac_retry_attempts = 0;
        c.evolution.max_generations = 3;
      },
    ],
    ["judged", "The files look complete", { exitJudge: () => "YES, both files exist" }, () => {}],
  ];
  for (const [name, criteria, script, tweak] of exitCases) {
    test(`exit condition '${name}' terminates the run and is named in the terminal event`, async () => {
      const r = await run(
        SEED(`exit_conditions:\n  - {name: stop_${name}, description: d, criteria: "${criteria}"}`),
        script,
        tweak,
      );
      expect(r.data("pipeline.exit_condition.met")[0].name).toBe(`stop_${name}`);
      const terminal = r.events.at(-1)!;
      expect(terminal.event_type).toBe(
        STOPS.has(name) ? "orchestrator.session.failed" : "orchestrator.session.completed",
      );
      expect(JSON.parse(terminal.payload).exit_condition).toBe(`stop_${name}`);
      expect(JSON.parse(terminal.payload).ending).toBe(STOPS.has(name) ? "stopped" : "completed");
      expect(r.outcome.status).toBe(STOPS.has(name) ? "stopped" : "completed");
      expect(r.outcome.exitCondition).toBe(`stop_${name}`);
    });
  }
});

describe("secondary loop: evolution", () => {
  const reject = { ac_compliance: false, score: 0.3 };
  test("approval at generation 1 → converged at 1", async () => {
    const r = await run(
      SEED(),
      {
        judge: (ac, attempt) => (ac.startsWith("a.txt") && attempt < 2 ? reject : { ac_compliance: true, score: 0.9 }),
      },
      (c) => {
        c.execution.ac_retry_attempts = 0;
      },
    );
    expect(r.data("lineage.converged")).toEqual([expect.objectContaining({ generation: 1 })]);
    expect(r.outcome.status).toBe("completed");
  });
  test("never approved, ontology changing → exhausted at the cap", async () => {
    const r = await run(
      SEED(),
      {
        judge: () => reject,
        reflect: (g) => ({
          refined: [],
          ontology: { version: g, fields: Array.from({ length: g }, (_, i) => `f${i}`) },
        }),
      },
      (c) => {
        c.execution.ac_retry_attempts = 0;
        c.evolution.max_generations = 3;
      },
    );
    expect(r.data("lineage.exhausted")[0].generation).toBe(3);
    expect(r.outcome.status).toBe("failed");
  });
  test("never approved, ontology repeating → stagnated after the window", async () => {
    const r = await run(
      SEED(),
      { judge: () => reject, reflect: () => ({ refined: [], ontology: { same: true } }) },
      (c) => {
        c.execution.ac_retry_attempts = 0;
        c.evolution.max_generations = 10;
        c.evolution.stagnation_window = 2;
      },
    );
    expect(r.data("lineage.stagnated")[0].generation).toBe(3);
  });
});

describe("resilience in the attempt loop", () => {
  test("three identical failures → spinning → hacker persona, budget spent → stagnated", async () => {
    const r = await run(SEED(), { judge: () => ({ ac_compliance: false, score: 0.1 }) }, (c) => {
      c.execution.auto_evolve = false;
      c.resilience.lateral_budget = 1;
    });
    expect(r.data("resilience.stagnation.detected")[0].pattern).toBe("spinning");
    expect(r.data("resilience.lateral.activated")[0].persona).toBe("hacker");
    expect(r.data("resilience.lateral.exhausted")).toHaveLength(1);
    expect(r.data("execution.ac.status_changed").some((d) => d.status === "stagnated")).toBe(true);
    expect(r.agent.prompts.some((p) => p.includes("Lateral-thinking directive (hacker"))).toBe(true);
    expect(r.data("routing.tier.escalated")[0]).toMatchObject({ from: "frugal", to: "standard" });
  });
});

describe("stall watchdog and heartbeat", () => {
  test("a runtime that goes silent is reported as a stall and retried; heartbeats are timer-driven", async () => {
    let calls = 0;
    // The first develop turn goes silent and ends the way the runtime layer reports it (idle_timeout).
    class Stalling extends ScriptedAgent {
      override async *run(task: AgentTask, signal: AbortSignal): AsyncIterable<AgentEvent> {
        if (task.prompt.startsWith("[ouroboros:develop]") && calls++ === 0) {
          await Bun.sleep(1200);
          yield { kind: "final", ok: false, text: "", error: "codex became unresponsive", errorType: "idle_timeout" };
          return;
        }
        yield* super.run(task, signal);
      }
    }
    const home = mkdtempSync(join(tmpdir(), "pipe-"));
    process.env.OUROBOROS_HOME = home;
    const store = EventStore.open(join(home, "ouroboros.db"));
    if (!store.ok) throw new Error(store.error.message);
    const config = defaultConfig();
    config.execution.heartbeat_seconds = 1;
    const seed = parseSeedText("s.yaml", SEED()).seed!;
    const out = await runPipeline({
      backend: SqliteBackend.of(store.value),
      agent: new Stalling(),
      runtime: "scripted",
      config,
      seed,
      projectDir: mkdtempSync(join(tmpdir(), "proj-")),
      parallel: 1,
      maxDepth: 0,
    });
    expect(out.ok && out.value.status).toBe("completed");
    const types = queryEvents(store.value.reader, {}).map((e) => e.event_type);
    expect(types).toContain("execution.ac.stall_detected");
    expect(types).toContain("execution.ac.heartbeat");
  });
});
