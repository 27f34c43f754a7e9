/**
 * Verdicts from what happened, end to end: `ouroboros run workflow` driving a real agent CLI
 * (claude; codex for the read-only sandbox) against the scripted model's misbehaving personas.
 */
import { Database } from "bun:sqlite";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cliEnv, type CliName } from "../lib/cli-env.ts";
import { cliArgv, ROOT } from "../lib/cli.ts";
import { startMockModel, type MockModel } from "../lib/mock-model/index.ts";
import { pipelinePersona, type Persona } from "../lib/pipeline-script.ts";

let mock: MockModel;
beforeAll(async () => {
  mock = await startMockModel({ script: pipelinePersona("competent") });
});
afterAll(async () => mock.stop());

const installed = (cli: string) => existsSync(join(ROOT, "node_modules/.bin", cli));
const SEED = `goal: Create one file
acceptance_criteria:
  - description: hello.txt exists and greets the reader
    expected_artifacts: [hello.txt]
ontology_schema: {name: Files, description: one file}
evaluation_principles:
  - {name: correctness, description: the file is there and says hello, weight: 1}
exit_conditions:
  - {name: done, description: every criterion passed, criteria: all acceptance criteria pass}
metadata: {seed_id: seed_verdict_e2e01}
`;

async function runWith(cli: CliName, persona: Persona, flags: string[] = [], config = "") {
  mock.setScript(pipelinePersona(persona));
  const before = mock.modelRequests().length;
  const ce = cliEnv(cli, mock.url);
  const home = mkdtempSync(join(tmpdir(), "verd-e2e-home-"));
  const project = mkdtempSync(join(tmpdir(), "verd-e2e-proj-"));
  if (config) writeFileSync(join(home, "config.yaml"), config);
  const seed = join(project, "..", `${project.split("/").pop()}.yaml`);
  writeFileSync(seed, SEED);
  const env = {
    ...ce.env,
    PATH: `${join(ROOT, "node_modules/.bin")}:${ce.env.PATH}`,
    OUROBOROS_HOME: home,
    OUROBOROS_PASS_ENV: "MOCK_API_KEY",
  };
  const p = Bun.spawn(
    [...cliArgv(), "run", "workflow", seed, "--runtime", cli, "--project-dir", project, "--json", ...flags],
    { env, stdout: "pipe", stderr: "pipe" },
  );
  const [stdout, stderr, code] = await Promise.all([
    new Response(p.stdout).text(),
    new Response(p.stderr).text(),
    p.exited,
  ]);
  ce.cleanup();
  const db = new Database(join(home, "ouroboros.db"), { readonly: true });
  const rows = db.query("SELECT event_type, payload FROM events ORDER BY seq").all() as {
    event_type: string;
    payload: string;
  }[];
  const status = (db.query("SELECT status FROM sessions").get() as { status: string }).status;
  db.close();
  const events = rows.map((r) => ({ type: r.event_type, data: JSON.parse(r.payload) }));
  const requests = mock.modelRequests().slice(before);
  return {
    code,
    stderr,
    out: stdout ? JSON.parse(stdout) : null,
    project,
    status,
    requests,
    data: (t: string) => events.filter((e) => e.type === t).map((e) => e.data),
  };
}

const marked = (reqs: { lastUserText: string; hasToolResult: boolean }[], m: string) =>
  reqs.filter((r) => r.lastUserText.includes(`[ouroboros:${m}]`) && !r.hasToolResult).length;

describe.skipIf(!installed("claude"))("real claude against misbehaving scripted models", () => {
  test("a worker that never follows any output format is judged on the observed change and passes in one attempt", async () => {
    const r = await runWith("claude", "no_format");
    expect(r.code).toBe(0);
    expect(r.out.status).toBe("completed");
    expect(r.data("execution.ac.attempt.dispatched")).toHaveLength(1);
    expect(r.data("execution.ac.workspace.changed")[0]).toMatchObject({ added: ["hello.txt"], empty: false });
    expect(r.data("execution.ac.claim.recorded")[0].text).toContain("Sure thing");
    expect(r.requests.length).toBeLessThanOrEqual(6);
  }, 180_000);

  test("a judge that never returns JSON: unverifiable after one repair turn, the coder not re-run, exit 3, bounded calls", async () => {
    const r = await runWith("claude", "prose_judge");
    expect(r.code).toBe(3);
    expect(r.out.status).toBe("unverifiable");
    expect(r.status).toBe("unverifiable");
    expect(marked(r.requests, "develop")).toBe(1);
    expect(marked(r.requests, "judge")).toBe(2);
    expect(r.data("routing.tier.escalated")).toHaveLength(0);
    expect(r.data("orchestrator.session.failed")[0].error).toContain("after one repair turn");
    expect(r.requests.length).toBeLessThanOrEqual(6);
  }, 180_000);

  test("a liar claiming success with an evidence JSON but changing nothing is rejected; the event shows the empty diff", async () => {
    const r = await runWith(
      "claude",
      "liar",
      [],
      "resilience:\n  lateral_budget: 0\nexecution:\n  auto_evolve: false\n",
    );
    expect(r.code).toBe(3);
    expect(r.out.status).toBe("failed");
    expect(r.data("execution.ac.workspace.changed")[0]).toMatchObject({
      empty: true,
      added: [],
      modified: [],
      diff: "",
    });
    expect(r.data("evaluation.pipeline.completed")[0]).toMatchObject({ approved: false, rejected_by: "stage1" });
    expect(r.data("resilience.stagnation.detected")[0].reason).toContain("empty diff");
    expect(existsSync(join(r.project, "hello.txt"))).toBe(false);
  }, 240_000);

  test("a write during a read-only turn is refused by the runtime (claude --tools offers no writer)", async () => {
    const r = await runWith("claude", "read_only_writer", ["--tier", "standard"]);
    expect(r.code).toBe(0);
    expect(r.data("execution.ac.turn.completed")[0]).toMatchObject({
      turn: 1,
      read_only: true,
      steps: ["discover", "define"],
    });
    const readOnlyTurn = r.requests.find((q) => q.lastUserText.includes("read-only: do not write files"))!;
    expect(readOnlyTurn.tools.map((t) => t.name).sort()).not.toContain("Bash");
    expect(existsSync(join(r.project, "sneaky.txt"))).toBe(false);
    expect(r.data("execution.ac.read_only.violated")).toHaveLength(0);
  }, 240_000);

  test("a budget that fires: stopped, exit 3, the condition named", async () => {
    const r = await runWith("claude", "never_satisfied", ["--timeout", "4"], "execution:\n  auto_evolve: false\n");
    expect(r.code).toBe(3);
    expect(r.out.status).toBe("stopped");
    expect(r.out.stopCondition).toBe("timeout");
    expect(r.status).toBe("stopped");
    expect(r.data("pipeline.budget.exceeded")[0]).toMatchObject({ name: "timeout", limit: 4 });
    expect(r.data("orchestrator.session.failed")[0]).toMatchObject({ ending: "stopped", stop_condition: "timeout" });
  }, 180_000);
});

describe.skipIf(!installed("codex"))("real codex: read-only turns run in its read-only sandbox", () => {
  test("the writer's shell command in the read-only turn does not change the workspace", async () => {
    const r = await runWith("codex", "read_only_writer", ["--tier", "standard"]);
    expect(r.code).toBe(0);
    // The model did ask for the write; codex ran it in its read-only sandbox and reported the refusal.
    const answered = r.requests.filter(
      (q) => q.lastUserText.includes("read-only: do not write files") && q.hasToolResult,
    );
    expect(answered.length).toBeGreaterThan(0);
    expect(answered[0]!.toolResults.join("\n")).toContain("Read-only file system");
    expect(existsSync(join(r.project, "sneaky.txt"))).toBe(false);
    expect(r.data("execution.ac.read_only.violated")).toHaveLength(0);
    expect(existsSync(join(r.project, "hello.txt"))).toBe(true);
  }, 240_000);
});
