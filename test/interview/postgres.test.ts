/**
 * `init` with OUROBOROS_DATABASE_URL: the interview's events land in PostgreSQL, so it can be
 * resumed from another home (another machine) that has only the URL; no home gets a SQLite file.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PgEventStore } from "../../src/events/pg/store.ts";
import { runCli, tempHome } from "../lib/cli.ts";
import { interviewScript } from "../lib/interview-script.ts";
import { startMockModel, type MockModel } from "../lib/mock-model/index.ts";
import { freshDatabase } from "../lib/postgres.ts";

let mock: MockModel;
let cwd: string;
let url: string;
let pg: PgEventStore;
beforeAll(async () => {
  mock = await startMockModel({ script: interviewScript() });
  cwd = mkdtempSync(join(tmpdir(), "ouro-idea-")); // not a project: greenfield
  url = await freshDatabase();
  const p = await PgEventStore.open(url);
  if (!p.ok) throw new Error(p.error.message);
  pg = p.value;
}, 120_000);
afterAll(async () => {
  await pg?.close();
  await mock?.stop();
});

const env = () => ({
  OPENAI_API_KEY: "k",
  OPENAI_BASE_URL: `${mock.url}/v1`,
  OUROBOROS_LLM_BACKEND: "openai",
  OUROBOROS_DATABASE_URL: url,
  CI: undefined,
});

describe("init on PostgreSQL", () => {
  test("an interview started in one home is resumed from another through the database alone", async () => {
    const first = tempHome();
    const r = await runCli(["init", "start", "greet people", "--answers", "-"], {
      env: env(),
      cwd,
      home: first,
      stdin: '["a1", "a2", "a3"]',
    });
    expect(r.code, r.stderr).toBe(1); // the answers ran out before the interview was clear enough
    const id = /init resume (interview_\w+)/.exec(r.stderr)![1]!;
    const recorded = await pg.aggregateEvents("interview", id);
    expect(recorded.filter((e) => e.type === "interview.response.recorded").map((e) => e.data.user_response)).toEqual([
      "a1",
      "a2",
      "a3",
    ]);

    // A second home has no state file of this interview: only PostgreSQL knows it.
    const second = tempHome();
    const res = await runCli(["init", "resume", id, "--answers", "-", "--json"], {
      env: env(),
      cwd,
      home: second,
      stdin: "- a4\n",
    });
    expect(res.code, res.stderr).toBe(0);
    const out = JSON.parse(res.stdout);
    expect(out).toMatchObject({ interview_id: id, status: "completed", rounds: 4, ready: true });
    const types = (await pg.aggregateEvents("interview", id)).map((e) => e.type);
    expect(types[0]).toBe("interview.started");
    expect(types.filter((t) => t === "interview.response.recorded")).toHaveLength(4);
    expect(types).toEqual(expect.arrayContaining(["interview.completed", "seed.created"]));
    expect(await pg.hasEventsFor(id)).toBe(true);

    for (const home of [first, second]) expect(existsSync(join(home, "ouroboros.db"))).toBe(false);
  });

  test("resuming an interview the database does not know: exit 4, nothing created", async () => {
    const home = tempHome();
    const r = await runCli(["init", "resume", "interview_19990101_000000", "--answers", "-"], {
      env: env(),
      cwd,
      home,
      stdin: "- a\n",
    });
    expect(r.code).toBe(4);
    expect(r.stderr).toContain("no interview 'interview_19990101_000000'");
    expect(existsSync(join(home, "ouroboros.db"))).toBe(false);
  });
});
