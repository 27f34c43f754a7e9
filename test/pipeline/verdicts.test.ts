/**
 * Verdicts from what happened (in-process, scripted agent): the orchestrator's own snapshot diff,
 * not the agent's report, decides; a judge that cannot answer never re-runs the coder; budgets stop
 * the run; turns per tier; batched Big Bang; worded exit conditions; one evaluation function.
 */
import { describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defaultConfig, type Config } from "../../src/config/schema.ts";
import { listSessions, queryEvents } from "../../src/events/read.ts";
import { EventStore } from "../../src/events/store.ts";
import type { Agent, AgentEvent, AgentTask } from "../../src/pipeline/agent.ts";
import { runDiamond } from "../../src/pipeline/diamond.ts";
import { evaluateCriterion } from "../../src/pipeline/evaluate.ts";
import { runPipeline } from "../../src/pipeline/run.ts";
import { compare, snapshot } from "../../src/pipeline/workspace.ts";
import { parseExitCriteria } from "../../src/seed/exit-conditions.ts";
import { parseSeedText } from "../../src/seed/load.ts";
import { cliArgv, ROOT } from "../lib/cli.ts";
import { ScriptedAgent } from "../lib/scripted-agent.ts";
import { SqliteBackend } from "../../src/events/sqlite-backend.ts";

const SEED = (ac = "  - description: a.txt exists\n    expected_artifacts: [a.txt]", extra = "") => `
goal: Make a file
acceptance_criteria:
${ac}
ontology_schema: {name: Files, description: files}
evaluation_principles:
  - {name: correctness, description: right, weight: 1.0}
${extra}
metadata: {seed_id: seed_verdicts0001}
`;

async function run(
  seedText: string,
  agent: Agent,
  tweak: (c: Config) => void = () => {},
  opts: { maxCostUsd?: number; maxDepth?: number } = {},
) {
  const home = mkdtempSync(join(tmpdir(), "verd-"));
  const project = mkdtempSync(join(tmpdir(), "verd-proj-"));
  process.env.OUROBOROS_HOME = home;
  const store = EventStore.open(join(home, "ouroboros.db"));
  if (!store.ok) throw new Error(store.error.message);
  const seed = parseSeedText("seed.yaml", seedText);
  if (!seed.seed) throw new Error(JSON.stringify(seed.errors));
  const config = defaultConfig();
  config.execution.auto_evolve = false;
  tweak(config);
  const r = await runPipeline({
    backend: SqliteBackend.of(store.value),
    agent,
    runtime: "scripted",
    config,
    seed: seed.seed,
    projectDir: project,
    parallel: 1,
    maxDepth: opts.maxDepth ?? 0,
    maxCostUsd: opts.maxCostUsd,
  });
  if (!r.ok) throw new Error(r.error.message);
  const events = queryEvents(store.value.reader, { session: r.value.sessionId });
  return {
    outcome: r.value,
    project,
    data: (t: string) => events.filter((e) => e.event_type === t).map((e) => JSON.parse(e.payload)),
    types: events.map((e) => e.event_type),
    reader: store.value.reader,
  };
}

/** A scripted agent whose judge never answers with JSON. */
class ProseJudge extends ScriptedAgent {
  judgeCalls = 0;
  override async *run(task: AgentTask, signal: AbortSignal): AsyncIterable<AgentEvent> {
    if (task.prompt.startsWith("[ouroboros:judge]")) {
      this.judgeCalls++;
      this.prompts.push(task.prompt);
      yield { kind: "final", ok: true, text: "Looks fine to me, well done!" };
      return;
    }
    yield* super.run(task, signal);
  }
}

const develops = (a: ScriptedAgent) => a.prompts.filter((p) => p.startsWith("[ouroboros:develop]")).length;

describe("observed evidence decides, the report is only a claim", () => {
  test("a worker that never follows any output format passes in one attempt on the observed change", async () => {
    const agent = new ScriptedAgent({ deliver: () => "done!! (no JSON, no evidence record)" });
    const r = await run(SEED(), agent);
    expect(r.outcome.status).toBe("completed");
    expect(develops(agent)).toBe(1);
    const change = r.data("execution.ac.workspace.changed")[0];
    expect(change).toMatchObject({ added: ["a.txt"], empty: false });
    expect(change.diff).toContain("+made for: a.txt exists");
    expect(r.data("execution.ac.claim.recorded")[0]).toMatchObject({
      present: true,
      text: "done!! (no JSON, no evidence record)",
    });
    const judgePrompt = agent.prompts.find((p) => p.startsWith("[ouroboros:judge]"))!;
    expect(judgePrompt).toContain("Files changed (observed by the orchestrator");
    expect(judgePrompt).toContain("+made for: a.txt exists");
    expect(judgePrompt).toContain("claim (unverified");
  });

  test("a judge that never returns JSON: unverifiable after one repair turn, the coder not re-run, no escalation", async () => {
    const agent = new ProseJudge();
    const r = await run(SEED(), agent, (c) => (c.execution.auto_evolve = true));
    expect(r.outcome.status).toBe("unverifiable");
    expect(agent.judgeCalls).toBe(2);
    expect(agent.prompts.filter((p) => p.startsWith("[ouroboros:judge]"))[1]).toContain(
      "Your previous reply could not be used: no JSON object found",
    );
    expect(develops(agent)).toBe(1);
    expect(r.types).not.toContain("routing.tier.escalated");
    expect(r.types).not.toContain("lineage.generation.started");
    expect(r.data("execution.ac.status_changed").at(-1)).toMatchObject({ status: "unverifiable" });
    const end = r.data("orchestrator.session.failed")[0];
    expect(end.ending).toBe("unverifiable");
    expect(end.error).toContain("judge reply is not the JSON asked for after one repair turn");
    expect(r.outcome.modelCalls).toBe(3);
  });

  test("a runtime that cannot run the turn (and changed nothing) is not the coder's failure: unverifiable, not re-run, not escalated", async () => {
    class Broken extends ScriptedAgent {
      override async *run(task: AgentTask, signal: AbortSignal): AsyncIterable<AgentEvent> {
        if (!task.prompt.startsWith("[ouroboros:develop]")) return yield* super.run(task, signal);
        this.prompts.push(task.prompt);
        yield { kind: "final", ok: false, text: "", error: "claude exited 1: not logged in", errorType: "cli_error" };
      }
    }
    const agent = new Broken();
    const r = await run(SEED(), agent, (c) => (c.execution.auto_evolve = true));
    expect(r.outcome.status).toBe("unverifiable");
    expect(develops(agent)).toBe(1);
    expect(agent.prompts.some((p) => p.startsWith("[ouroboros:judge]"))).toBe(false);
    expect(r.types).not.toContain("routing.tier.escalated");
    expect(r.data("execution.ac.status_changed").at(-1)).toMatchObject({
      status: "unverifiable",
      reason: "runtime: discover+define+develop+deliver: claude exited 1: not logged in",
    });
  });

  test("a liar that claims success with an evidence JSON but changes nothing is rejected; the event shows the empty diff; a repeat is stagnation at once", async () => {
    const agent = new ScriptedAgent({
      develop: () => false,
      deliver: () => '{"commands":[{"command":"test -f a.txt","exit_code":0}],"artifacts":["a.txt"]}',
      judge: () => ({ ac_compliance: true, score: 1 }),
    });
    const r = await run(SEED(), agent, (c) => (c.resilience.lateral_budget = 0));
    expect(r.outcome.status).toBe("failed");
    const changes = r.data("execution.ac.workspace.changed");
    expect(changes[0]).toMatchObject({ empty: true, added: [], modified: [], deleted: [], diff: "" });
    expect(r.data("evaluation.pipeline.completed")[0]).toMatchObject({ approved: false, rejected_by: "stage1" });
    expect(r.data("resilience.stagnation.detected")[0]).toMatchObject({
      attempts: 2,
      reason: "empty diff and the same rejection as the previous attempt",
    });
    expect(develops(agent)).toBe(2);
  });

  test("a write during a read-only turn is recorded as a violation", async () => {
    const agent = new ScriptedAgent({ writeWhenReadOnly: true });
    const cwd = mkdtempSync(join(tmpdir(), "ro-"));
    const emitted: [string, Record<string, unknown>][] = [];
    const seed = parseSeedText("s.yaml", SEED()).seed!;
    const r = await runDiamond(
      agent,
      {
        seed,
        acId: "ac_1",
        description: "a.txt exists",
        expectedArtifacts: ["a.txt"],
        attempt: 1,
        tier: "standard",
        cwd,
        model: null,
        directive: null,
        feedback: null,
        resume: null,
      },
      async (t, d) => (emitted.push([t, d]), null),
      new AbortController().signal,
      () => {},
    );
    expect(r.turns).toBe(2);
    const v = emitted.filter(([t]) => t === "execution.ac.read_only.violated");
    expect(v).toHaveLength(1);
    expect(v[0]![1]).toMatchObject({ turn: 1, steps: ["discover", "define"], added: ["sneaky.txt"] });
  });
});

describe("turn economy", () => {
  test("standard takes two turns (the first read-only), frontier four; every step's events name their turn", async () => {
    const seed = parseSeedText("s.yaml", SEED()).seed!;
    for (const [tier, turns] of [
      ["standard", [1, 1, 2, 2]],
      ["frontier", [1, 2, 3, 4]],
    ] as const) {
      const agent = new ScriptedAgent();
      const tasks: AgentTask[] = [];
      const spy: Agent = { name: "spy", canResume: true, run: (t, s) => (tasks.push(t), agent.run(t, s)) };
      const emitted: [string, Record<string, unknown>][] = [];
      const r = await runDiamond(
        spy,
        {
          seed,
          acId: "ac_1",
          description: "a.txt exists",
          expectedArtifacts: ["a.txt"],
          attempt: 1,
          tier,
          cwd: mkdtempSync(join(tmpdir(), "turns-")),
          model: null,
          directive: null,
          feedback: null,
          resume: null,
        },
        async (t, d) => (emitted.push([t, d]), null),
        new AbortController().signal,
        () => {},
      );
      expect(r.ok).toBe(true);
      expect(emitted.filter(([t]) => t === "execution.ac.phase.completed").map(([, d]) => d.turn)).toEqual([...turns]);
      expect(tasks.length).toBe(turns.at(-1)!);
      expect(tasks[0]!.readOnly).toBe(true);
      expect(tasks[0]!.tools).toEqual(["Read", "Glob", "Grep", "LS"]);
    }
  });

  test("Big Bang asks only about criteria that are not evidently atomic, in one batched call per level", async () => {
    const long =
      "  - description: a.txt exists\n    expected_artifacts: [a.txt]\n  - description: b.txt holds a header; then a body section; and then a footer as well as a signature line\n  - description: c.txt lists three things, and sorts them, and numbers them\n";
    const agent = new ScriptedAgent();
    const r = await run(SEED(long), agent, () => {}, { maxDepth: 1 });
    const asks = agent.prompts.filter((p) => p.startsWith("[ouroboros:decompose]"));
    expect(asks).toHaveLength(1);
    expect(asks[0]).not.toContain("a.txt exists");
    expect(asks[0]).toContain("b.txt holds a header");
    expect(asks[0]).toContain("c.txt lists three things");
    expect(r.data("ac.decomposition.decided")[0]).toMatchObject({
      disposition: "ATOMIC",
      reason: "evidently atomic (no model call)",
    });
  });

  test("a criterion split into two children that both pass counts as passed in the log and the projections", async () => {
    const split = JSON.stringify({
      children: [{ description: "first half of the work is done" }, { description: "second half of the work is done" }],
      covers_parent: true,
      rationale: "two independent halves",
    });
    const agent = new ScriptedAgent({ decompose: () => split });
    const r = await run(
      SEED(
        "  - description: the work is done in two halves, and the first half comes first, and then the second half\n",
      ),
      agent,
      () => {},
      { maxDepth: 1 },
    );
    expect(r.outcome.status).toBe("completed");
    const root = r.data("ac.tree.built")[0].nodes[0].ac_id;
    const rootEvents = r.data("execution.ac.status_changed").filter((d) => d.ac_id === root);
    expect(rootEvents).toEqual([expect.objectContaining({ status: "passed", rolled_up: true })]);
    const row = listSessions(r.reader)[0];
    expect(row).toMatchObject({ acs_passed: 1, acs_failed: 0, acs_total: 1 });
  });

  test("exit conditions in words map to predicates when the seed loads (no model call)", () => {
    expect(parseExitCriteria("All acceptance criteria pass").predicate).toEqual({ kind: "all_acs_passed" });
    expect(parseExitCriteria("score at least 0.8").predicate).toEqual({ kind: "score", min: 0.8 });
    expect(parseExitCriteria("after 3 generations").predicate).toEqual({ kind: "generations", min: 3 });
    expect(parseExitCriteria("within 10 minutes").predicate).toEqual({ kind: "elapsed_seconds", min: 600 });
    expect(parseExitCriteria("cost exceeds $2.50").predicate).toEqual({ kind: "cost_usd", min: 2.5 });
    expect(parseExitCriteria("The README reads well").predicate).toEqual({
      kind: "judged",
      text: "The README reads well",
    });
  });

  test("a worded success condition ends the run without a judged call", async () => {
    const agent = new ScriptedAgent({ exitJudge: () => "YES" });
    const r = await run(
      SEED(
        undefined,
        "exit_conditions:\n  - {name: done, description: d, criteria: every acceptance criterion passes}",
      ),
      agent,
    );
    expect(r.outcome).toMatchObject({ status: "completed", exitCondition: "done" });
    expect(agent.prompts.some((p) => p.startsWith("[ouroboros:exit-judge]"))).toBe(false);
  });
});

describe("secondary loop and dry-run", () => {
  test("the secondary loop calls no model when there is nothing to do (a judged condition is asked once)", async () => {
    const agent = new ScriptedAgent({ exitJudge: () => "NO" });
    const r = await run(
      SEED(undefined, "exit_conditions:\n  - {name: nice, description: d, criteria: The file reads nicely}"),
      agent,
    );
    expect(r.outcome.status).toBe("completed");
    expect(agent.prompts.filter((p) => p.startsWith("[ouroboros:exit-judge]"))).toHaveLength(1);
    expect(r.data("pipeline.phase.completed").find((d) => d.phase === "secondary_loop" && !d.ac_id).outcome).toBe(
      "nothing to do",
    );
    expect(agent.prompts).toHaveLength(3);
  });

  test("dry-run shows the budgets and the predicate a worded exit condition maps to", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dry-"));
    const file = join(dir, "seed.yaml");
    writeFileSync(
      file,
      SEED(undefined, "exit_conditions:\n  - {name: done, description: d, criteria: all acceptance criteria pass}"),
    );
    const p = Bun.spawn(
      [...cliArgv(), "run", "workflow", file, "--dry-run", "--json", "--runtime", "claude", "--max-cost-usd", "2.5"],
      {
        env: { ...process.env, OUROBOROS_HOME: dir, PATH: `${join(ROOT, "node_modules/.bin")}:${process.env.PATH}` },
        stdout: "pipe",
        stderr: "pipe",
      },
    );
    const out = JSON.parse(await new Response(p.stdout).text());
    await p.exited;
    expect(out.budgets).toEqual({
      max_cost_usd: 2.5,
      timeout_seconds: 14400,
      max_turns_per_ac: 12,
      max_turns_per_session: 200,
    });
    expect(out.exit_conditions[0]).toMatchObject({ name: "done", kind: "all_acs_passed", mapped_from_words: true });
  }, 30_000);
});

describe("budgets and endings", () => {
  test("--max-cost-usd fires: stopped, named, exit-3 ending; the summary counts turns, model calls, tokens, cost", async () => {
    const seed = SEED(
      "  - description: a.txt exists\n    expected_artifacts: [a.txt]\n  - description: b.txt exists\n    expected_artifacts: [b.txt]",
    );
    const agent = new ScriptedAgent({ costPerCall: 0.5 });
    const r = await run(seed, agent, () => {}, { maxCostUsd: 0.6 });
    expect(r.outcome.status).toBe("stopped");
    expect(r.outcome.stopCondition).toBe("max_cost_usd");
    expect(r.data("pipeline.budget.exceeded")[0]).toMatchObject({ name: "max_cost_usd", limit: 0.6 });
    expect(r.data("orchestrator.session.failed")[0]).toMatchObject({
      ending: "stopped",
      stop_condition: "max_cost_usd",
    });
    expect(r.outcome.summary).toMatch(/turns 1, model calls 2, tokens 20, cost \$1\.0000/);
    expect(develops(agent)).toBe(1);
  });

  test("the per-AC turn cap bounds a criterion that never passes", async () => {
    const agent = new ScriptedAgent({ judge: () => ({ ac_compliance: false, score: 0.1 }) });
    const r = await run(SEED(), agent, (c) => {
      c.execution.max_turns_per_ac = 2;
      c.execution.ac_retry_attempts = 10;
      c.resilience.stagnation_enabled = false;
    });
    expect(r.outcome.status).toBe("failed");
    expect(r.data("execution.ac.budget.exhausted")[0]).toMatchObject({ budget: "max_turns_per_ac", limit: 2 });
    expect(r.outcome.turns).toBe(2);
  });
});

describe("one evaluation function (pipeline and MCP)", () => {
  const cfg = defaultConfig();
  const base = {
    cwd: "",
    goal: "g",
    ac: "a.txt exists",
    principles: [{ name: "p", description: "d", weight: 1 }],
    change: null,
    commands: [],
    claim: "",
    config: cfg,
    signal: new AbortController().signal,
  };
  const ac = (extra: Record<string, unknown>) =>
    parseSeedText(
      "s.yaml",
      SEED(
        `  - description: x\n${Object.entries(extra)
          .map(([k, v]) => `    ${k}: ${v}`)
          .join("\n")}`,
      ),
    ).seed!.acceptance_criteria;

  test("consensus can withhold an approval but never grant one the judge refused", async () => {
    const judge = new ScriptedAgent({ judge: () => ({ ac_compliance: false, score: 0.2, uncertainty: 0.9 }) });
    const v = await evaluateCriterion({
      ...base,
      cwd: mkdtempSync(join(tmpdir(), "ev-")),
      judge,
      criteria: [],
      triggerConsensus: true,
    });
    expect(v).toMatchObject({ outcome: "rejected", rejectedBy: "judge", stage3: null });
    expect(judge.prompts.some((p) => p.startsWith("[ouroboros:vote]"))).toBe(false);
  });

  test("every check unverifiable: not passed by the judge alone unless verify_exemption_reason", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "ev-"));
    const judge = new ScriptedAgent();
    const blocked = await evaluateCriterion({
      ...base,
      cwd,
      judge,
      criteria: ac({ verify_command: "curl http://127.0.0.1/" }),
    });
    expect(blocked.outcome).toBe("unverifiable");
    expect(blocked.reasons[0]).toContain("verify_exemption_reason");
    expect(judge.prompts).toHaveLength(0);
    writeFileSync(join(cwd, "x"), "");
    const judged = await evaluateCriterion({
      ...base,
      cwd,
      judge,
      criteria: [
        { ...ac({ verify_command: "curl http://127.0.0.1/" })[0]!, verify_exemption_reason: "manual check by design" },
      ],
    });
    expect(judged.outcome).toBe("approved");
  });
});

describe("workspace snapshots", () => {
  test("git: a tree through a temporary index; the user's index and HEAD are untouched", () => {
    const dir = mkdtempSync(join(tmpdir(), "snap-git-"));
    const git = (...a: string[]) =>
      Bun.spawnSync(["git", "-c", "user.email=t@t", "-c", "user.name=t", ...a], { cwd: dir }).stdout.toString();
    git("init", "-q");
    writeFileSync(join(dir, "kept.txt"), "one\n");
    git("add", "kept.txt");
    git("commit", "-qm", "init");
    writeFileSync(join(dir, "staged.txt"), "staged\n");
    git("add", "staged.txt");
    const indexBefore = git("ls-files", "--stage");
    const head = git("rev-parse", "HEAD");
    const before = snapshot(dir);
    writeFileSync(join(dir, "kept.txt"), "two\n");
    writeFileSync(join(dir, "new.txt"), "fresh\n");
    const c = compare(dir, before, snapshot(dir));
    expect(c).toMatchObject({ snapshot: "git", added: ["new.txt"], modified: ["kept.txt"], deleted: [] });
    expect(c.diff).toContain("-one");
    expect(c.diff).toContain("+two");
    expect(git("ls-files", "--stage")).toBe(indexBefore);
    expect(git("rev-parse", "HEAD")).toBe(head);
    expect(git("stash", "list")).toBe("");
  });

  test("elsewhere: a manifest of paths, sizes and hashes, with a unified diff of small text files", () => {
    const dir = mkdtempSync(join(tmpdir(), "snap-man-"));
    writeFileSync(join(dir, "a.txt"), "old\n");
    const before = snapshot(dir);
    writeFileSync(join(dir, "a.txt"), "new\n");
    writeFileSync(join(dir, "b.txt"), "b\n");
    const c = compare(dir, before, snapshot(dir));
    expect(c).toMatchObject({ snapshot: "manifest", added: ["b.txt"], modified: ["a.txt"] });
    expect(c.diff).toContain("-old");
    expect(c.diff).toContain("+new");
  });
});

describe("read-only turns per runtime argv", () => {
  test("claude --tools, codex --sandbox read-only, opencode --agent plan, gemini --approval-mode plan, copilot --available-tools", async () => {
    const { ADAPTERS } = await import("../../src/runtime/registry.ts");
    const { TaskSchema } = await import("../../src/adapter-kit/contract.ts");
    const v = await import("valibot");
    const argv = (rt: keyof typeof ADAPTERS, readOnly: boolean) => {
      const task = v.parse(TaskSchema, {
        prompt: "p",
        cwd: "/tmp",
        permission_mode: "bypassPermissions",
        tools: ["Read", "Glob", "Grep", "LS"],
        read_only: readOnly,
      });
      const inv = ADAPTERS[rt].buildInvocation(task, rt, { HOME: "/tmp" });
      if (!inv.ok) throw new Error(inv.error.message);
      return inv.value.argv.join(" ");
    };
    expect(argv("claude", true)).toContain("--tools Read,Glob,Grep,LS");
    expect(argv("codex", true)).toContain("--sandbox read-only");
    expect(argv("codex", false)).toContain("--dangerously-bypass-approvals-and-sandbox");
    expect(argv("opencode", true)).toContain("--agent plan");
    expect(argv("opencode", true)).not.toContain("--auto");
    expect(argv("gemini", true)).toContain("--approval-mode plan");
    expect(argv("gemini", false)).toContain("--approval-mode yolo");
    expect(argv("copilot", true)).toContain("--available-tools=view,glob,grep");
  });
});
