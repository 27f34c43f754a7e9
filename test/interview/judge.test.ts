/**
 * `run workflow --llm-backend openai`: the coding turns go to the runtime (real codex, Responses
 * API), the judging turns to the HTTP backend (Chat Completions) — both against the mock model.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT, runCli, tempHome } from "../lib/cli.ts";
import { cliEnv } from "../lib/cli-env.ts";
import { startMockModel, type MockModel } from "../lib/mock-model/index.ts";
import { pipelineScript } from "../lib/pipeline-script.ts";

let mock: MockModel;
beforeAll(async () => {
  mock = await startMockModel({ script: pipelineScript });
});
afterAll(() => mock.stop());

test("judging goes through the LLM backend, coding through the runtime", async () => {
  const ce = cliEnv("codex", mock.url, { shared: true });
  const project = mkdtempSync(join(tmpdir(), "ouro-judge-"));
  try {
    const env = {
      ...ce.env,
      PATH: `${join(ROOT, "node_modules/.bin")}:${ce.env.PATH}`,
      OUROBOROS_PASS_ENV: "MOCK_API_KEY",
      OPENAI_API_KEY: "k",
      OPENAI_BASE_URL: `${mock.url}/v1`,
    };
    const r = await runCli(
      [
        "run",
        "workflow",
        join(ROOT, "examples/hello-cli.yaml"),
        "--runtime",
        "codex",
        "--llm-backend",
        "openai",
        "--project-dir",
        project,
        "--json",
      ],
      { env, home: tempHome() },
    );
    if (r.code !== 0) console.error(r.stderr);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).status).toBe("completed");
    const reqs = mock.modelRequests();
    const judgeVia = (dialect: string) =>
      reqs.filter((q) => q.dialect === dialect && q.lastUserText.includes("[ouroboros:judge]")).length;
    expect(judgeVia("chat")).toBeGreaterThanOrEqual(2); // one stage-2 verdict per AC
    expect(judgeVia("responses")).toBe(0);
    expect(reqs.some((q) => q.dialect === "responses" && q.lastUserText.includes("[ouroboros:develop]"))).toBe(true);
  } finally {
    ce.cleanup();
  }
}, 180_000);
