/**
 * Crash safety: kill -9 at points spread over the whole run, each followed by a resume → one
 * completed session, both ACs passed, integrity ok, no passed AC dispatched again. Kill points
 * are event counts (a fraction of a reference run's events), not wall-clock delays, so they fall
 * in the same places on a fast or a loaded machine. Most rounds run the scripted agent in its own
 * process; three run the real Codex CLI through `ouroboros run workflow`.
 */
import { Database } from "bun:sqlite";
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cliEnv } from "../lib/cli-env.ts";
import { BUN, cliArgv, ROOT } from "../lib/cli.ts";
import { startMockModel, type MockModel } from "../lib/mock-model/index.ts";
import { pipelineScript } from "../lib/pipeline-script.ts";
import { within } from "../lib/timing.ts";

// 10 scripted rounds or 3 real-CLI rounds, each a run, a kill and a resume: minutes when loaded.
setDefaultTimeout(within(300_000));

const TERMINAL = ["orchestrator.session.completed", "orchestrator.session.failed", "orchestrator.session.cancelled"];
const DRIVER = join(ROOT, "test/lib/scripted-run.ts");
const SEED = join(ROOT, "examples/hello-cli.yaml");

interface Ev {
  seq: number;
  type: string;
  data: Record<string, any>;
}

function events(db: string, session?: string): Ev[] {
  if (!existsSync(db)) return [];
  const d = new Database(db, { readonly: true });
  try {
    // Killed while the database was being created: the file can exist before its tables do.
    if (!d.query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'events'").get()) return [];
    const rows = d
      .query(`SELECT seq, event_type, payload FROM events ${session ? "WHERE session_id = ?" : ""} ORDER BY seq`)
      .all(...(session ? [session] : [])) as { seq: number; event_type: string; payload: string }[];
    return rows.map((r) => ({ seq: r.seq, type: r.event_type, data: JSON.parse(r.payload) }));
  } finally {
    d.close();
  }
}

/** A count query on the log; 0 while the file or its schema does not exist yet. */
function count(db: string, where = "1"): number {
  if (!existsSync(db)) return 0;
  try {
    const d = new Database(db, { readonly: true });
    try {
      return (d.query(`SELECT count(*) AS n FROM events WHERE ${where}`).get() as { n: number }).n;
    } finally {
      d.close();
    }
  } catch {
    return 0;
  }
}
const eventCount = (db: string) => count(db);

/** SIGKILL `proc` as soon as `reached()` holds for its log (or when it has ended by itself). */
async function killWhen(proc: Bun.Subprocess, db: string, reached: () => boolean): Promise<number> {
  let ended = false;
  void proc.exited.then(() => (ended = true));
  while (!ended && !reached()) await Bun.sleep(5);
  if (!ended) proc.kill("SIGKILL");
  await proc.exited;
  return eventCount(db);
}

/** Stratified kill points over a run of `total` events: one in each of `rounds` equal slices. */
function killPoints(total: number, rounds: number, seed: number): number[] {
  let x = seed;
  const rng = () => {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    return x / 0x7fffffff;
  };
  return Array.from({ length: rounds }, (_, i) => 1 + Math.floor(((i + rng()) / rounds) * (total - 1)));
}

/** After a kill: resume (or start over if no session began), then check the final state. */
async function recoverAndCheck(
  db: string,
  resume: (sessionId: string) => Promise<number>,
  fresh: () => Promise<number>,
): Promise<"resumed" | "fresh" | "finished"> {
  let ev = events(db);
  const sessionId = ev.find((e) => e.type === "orchestrator.session.started")?.data.session_id as string | undefined;
  let outcome: "resumed" | "fresh" | "finished" = "finished";
  if (sessionId && !ev.some((e) => TERMINAL.includes(e.type))) {
    const passedBefore = new Set(
      ev.filter((e) => e.type === "execution.ac.status_changed" && e.data.status === "passed").map((e) => e.data.ac_id),
    );
    const lastSeq = ev.at(-1)!.seq;
    expect(await resume(sessionId)).toBe(0);
    const after = events(db, sessionId).filter((e) => e.seq > lastSeq);
    // The killed process's lease is taken over at once (its pid is gone from this host), then resumed.
    const taken = after[0]!.type === "orchestrator.session.lease_taken_over";
    if (taken) expect(after[0]!.data.reason).toBe("holder_gone");
    expect(after[taken ? 1 : 0]!.type).toBe("orchestrator.session.resumed");
    for (const acId of passedBefore)
      expect(after.some((e) => e.type === "execution.ac.attempt.dispatched" && e.data.ac_id === acId)).toBe(false);
    outcome = "resumed";
  } else if (!sessionId) {
    expect(await fresh()).toBe(0);
    outcome = "fresh";
  }
  ev = events(db);
  expect(ev.filter((e) => TERMINAL.includes(e.type)).map((e) => e.type)).toEqual(["orchestrator.session.completed"]);
  expect(
    new Set(
      ev.filter((e) => e.type === "execution.ac.status_changed" && e.data.status === "passed").map((e) => e.data.ac_id),
    ).size,
  ).toBe(2);
  const d = new Database(db, { readonly: true });
  expect((d.query("PRAGMA integrity_check").get() as { integrity_check: string }).integrity_check).toBe("ok");
  expect((d.query("SELECT status FROM sessions").all() as { status: string }[]).map((x) => x.status)).toEqual([
    "completed",
  ]);
  d.close();
  return outcome;
}

const temp = (p: string) => mkdtempSync(join(tmpdir(), p));

describe("crash safety: kill -9 anywhere, then resume", () => {
  test("10 rounds on the scripted agent, one kill point in each tenth of the run", async () => {
    const scripted = (db: string, project: string, home: string, resume?: string) =>
      Bun.spawn([BUN, DRIVER, db, project, ...(resume ? [resume] : [])], {
        env: { ...process.env, OUROBOROS_HOME: home },
        stdout: "ignore",
        stderr: "pipe",
      });
    // Reference run: how many events a whole run writes.
    const ref = temp("crash-ref-");
    expect(await scripted(join(ref, "ouroboros.db"), temp("crash-proj-"), ref).exited).toBe(0);
    const total = eventCount(join(ref, "ouroboros.db"));
    expect(total).toBeGreaterThan(20);
    const points = killPoints(total, 10, 0x2545f491);
    const outcomes: string[] = [];
    const killedAt: number[] = [];
    for (const target of points) {
      const home = temp("crash-home-");
      const project = temp("crash-proj-");
      const db = join(home, "ouroboros.db");
      killedAt.push(await killWhen(scripted(db, project, home), db, () => eventCount(db) >= target));
      outcomes.push(
        await recoverAndCheck(
          db,
          (id) => scripted(db, project, home, id).exited,
          () => scripted(db, project, home).exited,
        ),
      );
    }
    // The kills really are spread: early, middle and late in the run, and nearly all mid-session.
    expect(Math.min(...killedAt)).toBeLessThan(total * 0.2);
    expect(Math.max(...killedAt)).toBeGreaterThan(total * 0.7);
    expect(outcomes.filter((o) => o === "resumed").length).toBeGreaterThanOrEqual(8);
  });
});

describe("crash safety with a real agent CLI", () => {
  let mock: MockModel;
  beforeAll(async () => {
    mock = await startMockModel({ script: pipelineScript });
  });
  afterAll(async () => mock?.stop());
  const installed = existsSync(join(ROOT, "node_modules/.bin/codex"));

  // Early, middle and late in a run, named by progress events (no reference run needed).
  const MOMENTS: [string, string][] = [
    ["the first AC dispatched", "event_type = 'execution.ac.attempt.dispatched'"],
    [
      "the first AC passed",
      "event_type = 'execution.ac.status_changed' AND json_extract(payload, '$.status') = 'passed'",
    ],
    [
      "evaluation started",
      "event_type = 'pipeline.phase.started' AND json_extract(payload, '$.phase') = 'evaluation' AND json_extract(payload, '$.ac_id') IS NULL",
    ],
  ];

  test.skipIf(!installed)(
    "3 rounds on Codex through `ouroboros run workflow`: killed early, mid-way and late",
    async () => {
      const ce = cliEnv("codex", mock.url, { shared: true });
      const setup = () => {
        const home = temp("crash-codex-");
        const project = temp("crash-codex-proj-");
        return {
          home,
          project,
          db: join(home, "ouroboros.db"),
          env: {
            ...ce.env,
            PATH: `${join(ROOT, "node_modules/.bin")}:${ce.env.PATH}`,
            OUROBOROS_HOME: home,
            OUROBOROS_PASS_ENV: "MOCK_API_KEY",
          },
        };
      };
      const run = (s: ReturnType<typeof setup>, args: string[]) =>
        Bun.spawn([...cliArgv(), "run", "workflow", ...args, "--json"], {
          env: s.env,
          stdout: "ignore",
          stderr: "ignore",
        });
      const outcomes: string[] = [];
      for (const [, where] of MOMENTS) {
        const s = setup();
        await killWhen(
          run(s, [SEED, "--runtime", "codex", "--project-dir", s.project]),
          s.db,
          () => count(s.db, where) > 0,
        );
        outcomes.push(
          await recoverAndCheck(
            s.db,
            (id) => run(s, ["--resume", id]).exited,
            () => run(s, [SEED, "--runtime", "codex", "--project-dir", s.project]).exited,
          ),
        );
      }
      expect(outcomes.filter((o) => o === "resumed").length).toBeGreaterThanOrEqual(2);
    },
  );
});
