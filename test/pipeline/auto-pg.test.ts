/**
 * `auto` with OUROBOROS_DATABASE_URL: the seed's run is recorded in PostgreSQL (seen by `status`
 * through the URL), and so is auto's own log: nothing lands in a local SQLite file.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cliEnv } from "../lib/cli-env.ts";
import { ROOT, runCli, tempHome } from "../lib/cli.ts";
import { interviewScript } from "../lib/interview-script.ts";
import { startMockModel, type MockModel } from "../lib/mock-model/index.ts";
import { pgStoreForFile } from "../lib/postgres.ts";

const shared = pgStoreForFile();
let mock: MockModel;
beforeAll(async () => {
  mock = await startMockModel({ script: interviewScript() });
});
afterAll(async () => mock?.stop());

test.skipIf(!existsSync(join(ROOT, "node_modules/.bin/codex")))(
  "auto records its log and runs its seed on PostgreSQL; no local SQLite file",
  async () => {
    const home = tempHome();
    const project = mkdtempSync(join(tmpdir(), "auto-pg-"));
    const ce = cliEnv("codex", mock.url, { shared: true });
    const env = {
      ...ce.env,
      OPENAI_API_KEY: "k",
      OPENAI_BASE_URL: `${mock.url}/v1`,
      OUROBOROS_LLM_BACKEND: "openai",
      PATH: `${join(ROOT, "node_modules/.bin")}:${ce.env.PATH}`,
      OUROBOROS_PASS_ENV: "MOCK_API_KEY",
      OUROBOROS_DATABASE_URL: shared.url,
    };
    const r = await runCli(["auto", "greet people", "--runtime", "codex", "--json"], { env, cwd: project, home });
    if (r.code !== 0) console.error(r.stderr);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ status: "completed", run_status: "completed" });
    const st = await runCli(["status", out.session_id, "--json"], { env, home: tempHome() });
    expect(JSON.parse(st.stdout).session.status).toBe("completed");
    // auto's own log and the run both live in PostgreSQL: this machine keeps no SQLite file.
    expect(existsSync(join(home, "ouroboros.db"))).toBe(false);
    const ev = await runCli(["events", "--json"], { env, home: tempHome() });
    const types = ev.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l).type as string);
    expect(types).toContain("auto.completed");
    expect(types).toContain("orchestrator.session.completed");
    ce.cleanup();
  },
  180_000,
);
