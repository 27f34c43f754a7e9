/**
 * Standalone mock model: `bun test/lib/mock-model/serve.ts --port 0 --scenario plain [--text T]`.
 * Prints its base URL as the only stdout line, logs each request on stderr, runs until killed.
 */
import { isScenario, SCENARIOS, startMockModel, type ScenarioName } from "./index.ts";

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const scenario = flag("scenario") ?? "plain";
// "pipeline": the scripted model for whole pipeline runs; "interview": interviews and seeds too (README demo).
// "pipeline:<persona>": one of the misbehaving personas in ../pipeline-script.ts (PERSONAS).
const persona = scenario.startsWith("pipeline:") ? scenario.slice("pipeline:".length) : null;
const pipeline =
  scenario === "pipeline"
    ? (await import("../pipeline-script.ts")).pipelineScript
    : persona
      ? await (async () => {
          const m = await import("../pipeline-script.ts");
          return (m.PERSONAS as readonly string[]).includes(persona)
            ? m.pipelinePersona(persona as (typeof m.PERSONAS)[number])
            : undefined;
        })()
      : scenario === "interview"
        ? (await import("../interview-script.ts")).interviewScript()
        : undefined;
if (!pipeline && !isScenario(scenario)) {
  process.stderr.write(
    `unknown scenario '${scenario}'; valid: ${SCENARIOS.join(", ")}, pipeline, pipeline:<persona>, interview\n`,
  );
  process.exit(64);
}
const mock = await startMockModel({
  ...(pipeline ? { script: pipeline } : { scenario: scenario as ScenarioName }),
  port: Number(flag("port") ?? 0),
  text: flag("text"),
});
process.stdout.write(`${mock.url}\n`);
let seen = 0;
setInterval(() => {
  for (; seen < mock.requests.length; seen++) {
    const r = mock.requests[seen]!;
    process.stderr.write(`mock: ${r.method} ${r.path}${r.search}${r.dialect ? ` (${r.dialect})` : ""}\n`);
  }
}, 200);
const shutdown = () => void mock.stop().then(() => process.exit(0));
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
