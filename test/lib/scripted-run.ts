/**
 * A whole pipeline run in its own process with the scripted agent (no model, no agent CLI), so
 * crash tests can kill -9 it at any point and resume it like the CLI does.
 *
 *   bun test/lib/scripted-run.ts <db> <project-dir>             → new session (db: a path or postgres:// URL)
 *   bun test/lib/scripted-run.ts <db> <project-dir> <session>   → resume it
 * Prints {"sessionId", "status"} and exits 0 when the run completed.
 */
import { defaultConfig } from "../../src/config/schema.ts";
import { openBackend } from "../../src/events/open-backend.ts";
import { runPipeline } from "../../src/pipeline/run.ts";
import { parseSeedText } from "../../src/seed/load.ts";
import { ScriptedAgent } from "./scripted-agent.ts";

export const SCRIPTED_SEED = `
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
  - {name: correctness, description: right, weight: 1.0}
metadata: {seed_id: seed_crash0000001}
`;

if (import.meta.main) {
  const [db, project, resume] = process.argv.slice(2);
  const backend = await openBackend(db!);
  if (!backend.ok) throw new Error(backend.error.message);
  const seed = resume ? undefined : parseSeedText("seed.yaml", SCRIPTED_SEED).seed;
  // A few ms per agent call spreads the run's events over time, as a real agent would.
  const agent = new ScriptedAgent({ delayMs: 15 });
  const r = await runPipeline({
    backend: backend.value,
    agent,
    runtime: "scripted",
    config: defaultConfig(),
    seed,
    resumeSessionId: resume,
    projectDir: project!,
    parallel: 2,
    maxDepth: 1,
  });
  await backend.value.close();
  if (!r.ok) {
    process.stderr.write(`${r.error.message}\n`);
    process.exit(1);
  }
  process.stdout.write(`${JSON.stringify({ sessionId: r.value.sessionId, status: r.value.status })}\n`);
  process.exit(r.value.status === "completed" ? 0 : 1);
}
