/**
 * The README's main job, fully offline: start the bundled scripted model server on 127.0.0.1;
 * turn an idea into a seed with `init start --answers scripts/demo/greet-answers.yaml` (interview and
 * seed generation over the OpenAI-compatible HTTP backend); then point the real Codex CLI (pinned
 * in node_modules) at the same server and run that seed through all six phases with the compiled
 * binary; then print the session summary.
 * The model is a script (test/lib/pipeline-script.ts), not a real model: it answers each
 * pipeline prompt kind deterministically and writes the expected files through Codex's shell tool.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { cliEnv } from "../test/lib/cli-env.ts";

const root = resolve(import.meta.dir, "..");
const bin = join(root, "dist/ouroboros");
const runtime = process.env.DEMO_RUNTIME ?? "codex";
const say = (s: string) => process.stderr.write(`\n== ${s}\n`);

say("starting the scripted model server (loopback only; this is a script, not a real model)");
const server = Bun.spawn(
  [
    join(root, "node_modules/.bin/bun"),
    join(root, "test/lib/mock-model/serve.ts"),
    "--port",
    "0",
    "--scenario",
    "interview",
  ],
  { stdout: "pipe", stderr: "ignore" },
);
const reader = server.stdout.getReader();
const { value } = await reader.read();
const url = new TextDecoder().decode(value).trim();
const ce = cliEnv(runtime as "codex", url);
const project = mkdtempSync(join(tmpdir(), "ouroboros-demo-project-"));
const home = mkdtempSync(join(tmpdir(), "ouroboros-demo-home-"));
const env = {
  ...ce.env,
  PATH: `${join(root, "node_modules/.bin")}:${ce.env.PATH}`,
  OUROBOROS_HOME: home,
  OUROBOROS_PASS_ENV: "MOCK_API_KEY",
  OPENAI_API_KEY: "demo-key",
  OPENAI_BASE_URL: `${url}/v1`,
};

let code = 1;
try {
  say(
    `ouroboros init start --answers scripts/demo/greet-answers.yaml --llm-backend openai  (model: scripted, at ${url})`,
  );
  const init = Bun.spawnSync(
    [
      bin,
      "init",
      "start",
      "--answers",
      join(root, "scripts/demo/greet-answers.yaml"),
      "--llm-backend",
      "openai",
      "--json",
    ],
    { env, cwd: project, stdout: "pipe", stderr: "inherit" },
  );
  if (init.exitCode !== 0) throw new Error(`init start exited ${init.exitCode}`);
  const interview = JSON.parse(init.stdout.toString()) as {
    seed_path: string;
    ambiguity_score: number;
    rounds: number;
  };
  process.stdout.write(`${interview.seed_path}\n`);
  say(
    `the generated seed (${interview.rounds} rounds, ambiguity ${interview.ambiguity_score}): ${interview.seed_path}`,
  );
  process.stdout.write(readFileSync(interview.seed_path, "utf8"));
  say(`ouroboros run workflow <that seed> --runtime ${runtime}  (project: ${project})`);
  const run = Bun.spawnSync(
    [bin, "run", "workflow", interview.seed_path, "--runtime", runtime, "--project-dir", project],
    { env, stdout: "inherit", stderr: "inherit" },
  );
  code = run.exitCode ?? 1;
  say("ouroboros status");
  Bun.spawnSync([bin, "status"], { env, stdout: "inherit", stderr: "inherit" });
  const session = Bun.spawnSync([bin, "status", "--json"], { env }).stdout.toString();
  const id = (JSON.parse(session) as { sessions: { session_id: string }[] }).sessions[0]?.session_id;
  if (id) {
    say(`ouroboros status ${id}`);
    Bun.spawnSync([bin, "status", id], { env, stdout: "inherit", stderr: "inherit" });
  }
  say(`what the agent wrote: python3 ${join(project, "greet.py")} Demo`);
  const greet = Bun.spawnSync(["python3", join(project, "greet.py"), "Demo"]);
  process.stdout.write(
    greet.stdout.toString() || `(greet.py missing: ${readFileSync(join(project, "greet.py"), "utf8").length})\n`,
  );
  say(`events: OUROBOROS_HOME=${home} ${bin} events --json | head`);
} finally {
  server.kill();
  ce.cleanup();
}
process.exit(code);
