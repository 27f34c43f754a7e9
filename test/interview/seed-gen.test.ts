/**
 * Seed generation through the real HTTP backend against the loopback mock model: the repair
 * loop sends the exact validation errors back and stops at the round limit.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { SqliteBackend } from "../../src/events/sqlite-backend.ts";
import { createHttpBackend } from "../../src/llm/http.ts";
import { InterviewLog, readInterviewEvents } from "../../src/interview/log.ts";
import { generateSeed, gate } from "../../src/interview/seed-gen.ts";
import { parseSeedReply } from "../../src/interview/seed-reply.ts";
import { parseSeedText } from "../../src/seed/load.ts";
import { tempHome } from "../lib/cli.ts";
import { interviewScript, VALID_SEED_REPLY } from "../lib/interview-script.ts";
import { startMockModel, type MockModel } from "../lib/mock-model/index.ts";

const BROKEN = VALID_SEED_REPLY.replace('"artifacts": ["greet.py"]', '"artifacts": ["/etc/greet.py"]');

let home: string;
let backend: SqliteBackend;
const mocks: MockModel[] = [];
beforeAll(() => {
  home = tempHome("ouro-seedgen-");
  process.env.OUROBOROS_HOME = home;
  const s = SqliteBackend.open(join(home, "ouroboros.db"));
  if (!s.ok) throw new Error(s.error.message);
  backend = s.value;
});
afterAll(async () => {
  await backend.close();
  for (const m of mocks) await m.stop();
});

async function llmWith(seedReplies: string[]) {
  const mock = await startMockModel({ script: interviewScript({ seedReplies }) });
  mocks.push(mock);
  return {
    mock,
    llm: createHttpBackend({ name: "openai", apiKey: "k", baseUrl: `${mock.url}/v1`, model: "mock-model" }),
  };
}

async function readyInterview(): Promise<InterviewLog> {
  const id = `interview_test_${Math.random().toString(16).slice(2, 8)}`;
  const log = await InterviewLog.create(backend, id, { initial_context: "greet people" });
  if (!log.ok) throw new Error(log.error.message);
  for (let i = 1; i <= 3; i++)
    await log.value.record("interview.response.recorded", {
      round_number: i,
      question: `Q${i}?`,
      user_response: `A${i}`,
      provenance: "user",
      timestamp: new Date().toISOString(),
    });
  await log.value.record("interview.ambiguity.scored", {
    round_number: 3,
    ambiguity: { ambiguity_score: 0.16, breakdown: [], ready: true, unmet: [], threshold: 0.2, milestone: "ready" },
  });
  return log.value;
}

describe("seed reply parsing", () => {
  test("a valid reply parses; stray lines, bad JSON and missing keys are all listed", () => {
    expect(parseSeedReply(`\`\`\`\n${VALID_SEED_REPLY}\n\`\`\``).ok).toBe(true);
    const bad = parseSeedReply("GOAL: x\nhello there\nCONSTRAINTS: [oops");
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    const d = bad.error.details!.join("\n");
    expect(d).toContain("line 2: not a known KEY: value line");
    expect(d).toContain("CONSTRAINTS: not valid one-line JSON");
    expect(d).toContain("ONTOLOGY_NAME is missing");
    expect(d).toContain("ACCEPTANCE_CRITERIA is missing");
  });
});

describe("generateSeed", () => {
  test("valid at the first try: saved, loads with the seed loader, event recorded", async () => {
    const { llm } = await llmWith([VALID_SEED_REPLY]);
    const log = await readyInterview();
    const r = await generateSeed(log, llm);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.repairs).toBe(0);
    expect(r.value.path).toBe(join(home, "seeds", `${r.value.seed_id}.yaml`));
    const loaded = parseSeedText(r.value.path, readFileSync(r.value.path, "utf8"));
    expect(loaded.errors).toEqual([]);
    expect(loaded.seed?.metadata.interview_id).toBe(log.state.interview_id);
    expect(loaded.seed?.metadata.ambiguity_score).toBe(0.16);
    expect(log.state.seed_id).toBe(r.value.seed_id);
  });

  test("a seed broken in a known way is repaired: the exact error goes back to the model", async () => {
    const { llm, mock } = await llmWith([BROKEN, VALID_SEED_REPLY]);
    const log = await readyInterview();
    const r = await generateSeed(log, llm);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.repairs).toBe(1);
    const reqs = mock.modelRequests();
    expect(reqs).toHaveLength(2);
    expect(reqs[1]!.lastUserText).toContain(
      "acceptance_criteria.0.expected_artifacts: expected_artifacts entries must be portable workspace-relative paths: '/etc/greet.py'",
    );
    const events = (await readInterviewEvents(backend, log.state.interview_id)).map((e) => e.type);
    expect(events.filter((t) => t === "seed.repair.attempted")).toHaveLength(1);
    const seed = parseSeedText(r.value.path, readFileSync(r.value.path, "utf8")).seed!;
    expect(seed.metadata.parent_seed_id).toMatch(/^seed_[0-9a-f]{12}$/);
  });

  test("gives up after the repair limit with the last error list", async () => {
    const { llm, mock } = await llmWith([BROKEN]);
    const log = await readyInterview();
    const r = await generateSeed(log, llm, { maxRepairRounds: 5 });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.message).toContain("no valid seed after 5 repair round(s)");
    expect(r.error.details?.join("\n")).toContain("/etc/greet.py");
    expect(mock.modelRequests()).toHaveLength(6);
    const events = (await readInterviewEvents(backend, log.state.interview_id)).map((e) => e.type);
    expect(events.filter((t) => t === "seed.repair.attempted")).toHaveLength(6);
    expect(events.at(-1)).toBe("seed.generation.failed");
  });

  test("the gate refuses a not-ready interview unless forced, naming the score", async () => {
    const id = "interview_test_gate";
    const log = await InterviewLog.create(backend, id, { initial_context: "x" });
    if (!log.ok) throw new Error("create");
    await log.value.record("interview.ambiguity.scored", {
      round_number: 3,
      ambiguity: {
        ambiguity_score: 0.35,
        breakdown: [],
        ready: false,
        unmet: [],
        threshold: 0.2,
        milestone: "progress",
      },
    });
    const g = gate(log.value, false);
    expect(g.ok).toBe(false);
    if (!g.ok) expect(g.error.message).toBe("not ready for a seed: ambiguity 0.35 is above the seed threshold 0.20");
    expect(gate(log.value, true).ok).toBe(true);
  });
});
