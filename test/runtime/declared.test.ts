/**
 * Runtimes declared in $OUROBOROS_HOME/runtimes/<name>.yaml: listed by `runtimes`, chosen by
 * flag or config, checked by the dry-run, refused clearly by `setup`, a malformed file is exit 78
 * naming file:line:col, and the real claude CLI declared as `myclaude` runs a seed end to end.
 * (The shared contract suite in contract.test.ts runs `myclaude` too.)
 */
import { Database } from "bun:sqlite";
import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getAdapter } from "../../src/runtime/registry.ts";
import { TaskSchema } from "../../src/adapter-kit/contract.ts";
import * as v from "valibot";
import { cliEnv } from "../lib/cli-env.ts";
import { cliArgv, ROOT, runCli } from "../lib/cli.ts";
import { startMockModel } from "../lib/mock-model/index.ts";
import { interviewScript } from "../lib/interview-script.ts";
import { pipelineScript } from "../lib/pipeline-script.ts";
import { DECLARED_CLAUDE, declaringHome } from "./declared-fixture.ts";
import { BIN, cleanupTemps, drain, tempDir } from "./helpers.ts";

afterAll(cleanupTemps);
const SEED = join(ROOT, "examples/hello-cli.yaml");
const PATH = `${BIN}:/usr/bin:/bin`;
const hasClaude = existsSync(join(BIN, "claude"));

describe("a runtime declared in a file", () => {
  test("runtimes lists it after the built-ins, with its file and capabilities", async () => {
    const home = declaringHome("myclaude", DECLARED_CLAUDE);
    const r = await runCli(["runtimes", "--json"], { home, env: { PATH } });
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout).runtimes as {
      name: string;
      declared_in: string | null;
      found: boolean;
      capabilities: Record<string, unknown>;
    }[];
    expect(rows.map((x) => x.name)).toEqual([
      "claude",
      "codex",
      "opencode",
      "gemini",
      "copilot",
      "kiro",
      "hermes",
      "myclaude",
    ]);
    const mine = rows.at(-1)!;
    expect(mine.declared_in).toBe(join(home, "runtimes", "myclaude.yaml"));
    expect(mine.capabilities).toMatchObject({
      targeted_resume: true,
      structured_output: true,
      model_override_support: "native",
      skill_dispatch: false,
    });
    if (hasClaude) expect(mine.found).toBe(true);
  }, 30_000);

  test("--runtime and config runtime_backend choose it; the dry-run resolves its binary and version", async () => {
    const home = declaringHome("myclaude", DECLARED_CLAUDE);
    const flag = await runCli(["run", "workflow", SEED, "--dry-run", "--json", "--runtime", "myclaude"], {
      home,
      env: { PATH },
    });
    const j = JSON.parse(flag.stdout);
    expect(j.runtime).toMatchObject({
      name: "myclaude",
      source: "flag",
      declared_in: join(home, "runtimes", "myclaude.yaml"),
    });
    if (hasClaude) {
      expect(flag.code).toBe(0);
      expect(j.runtime.version).toMatch(/^\d+\.\d+\.\d+/);
    }
    writeFileSync(join(home, "config.yaml"), "orchestrator:\n  runtime_backend: myclaude\n");
    const cfg = await runCli(["run", "workflow", SEED, "--dry-run", "--json"], { home, env: { PATH } });
    expect(JSON.parse(cfg.stdout).runtime).toMatchObject({ name: "myclaude", source: "config" });
  }, 30_000);

  test("setup --runtime says what it cannot do for it and writes nothing", async () => {
    const home = declaringHome("myclaude", DECLARED_CLAUDE);
    const r = await runCli(["setup", "--runtime", "myclaude", "--non-interactive"], {
      home,
      env: { PATH, HOME: home },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("setup cannot register Ouroboros with 'myclaude'");
    expect(r.stderr).toContain("mcp serve --runtime myclaude");
    expect(existsSync(join(home, "config.yaml"))).toBe(false);
  }, 30_000);

  test("a malformed file is exit 78 naming file:line:col; a built-in's name is refused", async () => {
    const home = declaringHome("myclaude", 'binary: claude\nargv: ["-p"]\noutput: xml-stream\n');
    const file = join(home, "runtimes", "myclaude.yaml");
    const list = await runCli(["runtimes"], { home, env: { PATH } });
    expect(list.code).toBe(78);
    expect(list.stderr).toContain(`${file}:3:9  output  output must be one of`);
    const run = await runCli(["run", "workflow", SEED, "--dry-run", "--runtime", "myclaude"], { home, env: { PATH } });
    expect(run.code).toBe(78);
    expect(run.stderr).toContain(`${file}:3:9`);
    writeFileSync(file, 'binary: claude\nargv: ["-p", "{promt}"]\noutput: plain-text\nbogus: 1\n');
    const typo = await runCli(["runtimes"], { home, env: { PATH } });
    expect(typo.code).toBe(78);
    expect(typo.stderr).toContain(`${file}:2:14  argv.1  unknown placeholder`);
    const clash = declaringHome("codex", "binary: x\nargv: []\noutput: plain-text\n");
    const c = await runCli(["runtimes"], { home: clash, env: { PATH } });
    expect(c.code).toBe(78);
    expect(c.stderr).toContain("codex.yaml:1:1");
    expect(c.stderr).toContain("built-in runtime");
  }, 30_000);

  test("a relative binary is found next to its file; a bad file name or a twin .yml is refused", async () => {
    const home = declaringHome("rel", "binary: bin/agent\nargv: []\noutput: plain-text\n");
    mkdirSync(join(home, "runtimes", "bin"));
    writeFileSync(join(home, "runtimes", "bin", "agent"), "#!/bin/sh\necho agent 1.2.3\n");
    chmodSync(join(home, "runtimes", "bin", "agent"), 0o755);
    const r = await runCli(["runtimes", "--json"], { home, env: { PATH } });
    expect(JSON.parse(r.stdout).runtimes.at(-1)).toMatchObject({
      name: "rel",
      path: join(home, "runtimes", "bin/agent"),
      path_source: "declared",
      version: "1.2.3",
    });
    writeFileSync(join(home, "runtimes", "rel.yml"), "binary: x\nargv: []\noutput: plain-text\n");
    const twin = await runCli(["runtimes"], { home, env: { PATH } });
    expect(twin.code).toBe(78);
    expect(twin.stderr).toContain("'rel' is already declared");
    const bad = declaringHome("My Agent", "binary: x\nargv: []\noutput: plain-text\n");
    const b = await runCli(["runtimes"], { home: bad, env: { PATH } });
    expect(b.code).toBe(78);
    expect(b.stderr).toContain("My Agent.yaml:1:1");
  }, 30_000);

  test("argv template: {prompt}/{model}/{cwd}, groups dropped without a value, env from ours, plain-text output", async () => {
    const dir = tempDir("declared-bin");
    const script = join(dir, "echo-agent");
    writeFileSync(script, '#!/bin/sh\nprintf "args:%s|" "$@"; echo; echo "key=$ECHO_KEY"\n');
    chmodSync(script, 0o755);
    const home = declaringHome(
      "echo",
      `binary: ${script}\nargv: ["run", ["--model", "{model}"], "--dir={cwd}", "{prompt}"]\noutput: plain-text\nenv: { ECHO_KEY: "k-\${MY_KEY}", GONE: "\${UNSET_VAR}" }\n`,
    );
    const env = { PATH, OUROBOROS_HOME: home, MY_KEY: "42" };
    const a = getAdapter("echo", env);
    if (!a.ok) throw new Error(a.error.message);
    const task = v.parse(TaskSchema, { prompt: "hi", cwd: "/w" });
    const inv = a.value.buildInvocation(task, script, env);
    expect(inv.ok && inv.value).toEqual({
      argv: [script, "run", "--dir=/w", "hi"],
      env: { ECHO_KEY: "k-42" },
      stdin: null,
    });
    const withModel = a.value.buildInvocation({ ...task, model: "m1" }, script, env);
    expect(withModel.ok && withModel.value.argv).toEqual([script, "run", "--model", "m1", "--dir=/w", "hi"]);
    expect(
      a.value.buildInvocation({ ...task, resume: { session_id: "s1", previous_usage: null } }, script, env).ok,
    ).toBe(false);
    const ws = tempDir("declared-ws");
    const r = await drain("echo", { prompt: "hello", cwd: ws }, { env });
    expect(r.result.ok).toBe(true);
    expect(r.result.text).toBe(`args:run|args:--dir=${ws}|args:hello|\nkey=k-42`);
  }, 30_000);
});

describe.skipIf(!hasClaude)(
  "a seed end to end on the declared runtime (real claude CLI against the scripted model)",
  () => {
    test("run workflow --runtime myclaude: every phase, both ACs pass, files really written", async () => {
      const mock = await startMockModel({ script: pipelineScript });
      const ce = cliEnv("claude", mock.url);
      const home = declaringHome("myclaude", DECLARED_CLAUDE);
      const project = mkdtempSync(join(tmpdir(), "declared-proj-"));
      try {
        const env = { ...ce.env, PATH: `${BIN}:${ce.env.PATH}`, OUROBOROS_HOME: home };
        const p = Bun.spawn(
          [...cliArgv(), "run", "workflow", SEED, "--runtime", "myclaude", "--project-dir", project, "--json"],
          { env, stdout: "pipe", stderr: "pipe" },
        );
        const [stdout, stderr, code] = await Promise.all([
          new Response(p.stdout).text(),
          new Response(p.stderr).text(),
          p.exited,
        ]);
        if (code !== 0) console.error(stderr);
        expect(code).toBe(0);
        expect(JSON.parse(stdout).status).toBe("completed");
        const db = new Database(join(home, "ouroboros.db"), { readonly: true });
        const dispatched = db
          .query("SELECT payload FROM events WHERE event_type = 'execution.ac.attempt.dispatched'")
          .all() as { payload: string }[];
        db.close();
        expect(dispatched.length).toBeGreaterThan(0);
        for (const d of dispatched) expect(JSON.parse(d.payload).runtime).toBe("myclaude");
        const greet = Bun.spawnSync(["python3", join(project, "greet.py"), "World"]);
        expect(greet.stdout.toString().trim()).toBe("Hello, World!");
      } finally {
        await mock.stop();
        ce.cleanup();
      }
    }, 240_000);
  },
);

describe.skipIf(!hasClaude)("auto hands the seed to the declared runtime", () => {
  test("auto --runtime myclaude: model-answered interview → seed → run on myclaude", async () => {
    const mock = await startMockModel({ script: interviewScript() });
    const ce = cliEnv("claude", mock.url);
    const home = declaringHome("myclaude", DECLARED_CLAUDE);
    const project = mkdtempSync(join(tmpdir(), "declared-auto-"));
    try {
      const env = {
        ...ce.env,
        PATH: `${BIN}:${ce.env.PATH}`,
        OPENAI_API_KEY: "k",
        OPENAI_BASE_URL: `${mock.url}/v1`,
        OUROBOROS_LLM_BACKEND: "openai",
      };
      const r = await runCli(["auto", "greet people", "--runtime", "myclaude", "--json"], { env, cwd: project, home });
      if (r.code !== 0) console.error(r.stderr);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ status: "completed", run_status: "completed" });
      const db = new Database(join(home, "ouroboros.db"), { readonly: true });
      const started = db
        .query("SELECT payload FROM events WHERE event_type = 'orchestrator.session.started'")
        .get() as { payload: string };
      db.close();
      expect(JSON.parse(started.payload).runtime).toBe("myclaude");
    } finally {
      await mock.stop();
      ce.cleanup();
    }
  }, 240_000);
});
