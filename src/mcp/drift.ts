/**
 * `ouroboros_measure_drift`: how far a session's workspace has moved from its seed. The facts are
 * observed here (each criterion's status from the event log, expected artefacts present or not,
 * the workspace's change); one judge call rates goal, constraint and ontology drift from them,
 * and the score is combined in code: goal 50 % + constraints 30 % + ontology 20 %. A judge that
 * does not answer in the asked format leaves the score null (`unverifiable`), never a guess.
 * Every measurement is a `drift.measured` event of the session.
 */
import * as v from "valibot";
import { ok, type Result } from "../errors.ts";
import type { EventPayload } from "../events/catalogue.ts";
import { rowToEvent } from "../events/envelope.ts";
import { extractJson } from "../util/extract-json.ts";
import { checkArtifacts } from "../pipeline/mechanical.ts";
import { leaves, replay } from "../events/session-state.ts";
import type { Seed } from "../seed/schema.ts";
import { describeDir } from "./artifact.ts";
import { checkWorkspace, type McpContext } from "./context.ts";
import { authoringDeps } from "./interview.ts";

export const DRIFT_TAG = "[ouroboros:drift]";
export const DRIFT_WEIGHTS = { goal: 0.5, constraints: 0.3, ontology: 0.2 } as const;
const unit = v.pipe(
  v.number(),
  v.transform((x) => Math.min(1, Math.max(0, x))),
);
const DriftReplySchema = v.object({
  goal_drift: unit,
  constraint_drift: unit,
  ontology_drift: unit,
  reasons: v.optional(v.array(v.string()), []),
});

export async function measureDrift(
  ctx: McpContext,
  a: { session_id: string; cwd?: string },
): Promise<Result<Record<string, unknown>>> {
  const d = await authoringDeps(ctx);
  if (!d.ok) return d;
  const { llm, backend } = d.value;
  const { lookupSession } = await import("./views.ts");
  const s = await lookupSession(backend, a.session_id);
  if (!s.ok) return s;
  const sessionId = s.value.session_id;
  const state = replay(sessionId, (await backend.queryEvents({ session: sessionId })).map(rowToEvent));
  const started = (state.started?.data ?? {}) as { seed?: Seed; project_dir?: string };
  if (!started.seed)
    return { ok: false, error: { kind: "invalidData", message: `session ${sessionId} has no recorded seed` } };
  const seed = started.seed;
  const dir = checkWorkspace(ctx.options, a.cwd ?? started.project_dir ?? process.cwd());
  if (!dir.ok) return dir;

  // Observed: what the log and the file system say, independent of any model.
  const acs = leaves(state).map((x) => ({ ac_id: x.ac_id, description: x.description, status: x.status }));
  const missing = checkArtifacts(
    dir.value,
    seed.acceptance_criteria.flatMap((c) => c.expected_artifacts ?? []),
  )
    .filter((x) => !x.exists)
    .map((x) => x.path);
  const observed = [
    ...acs
      .filter((x) => x.status !== "passed")
      .map((x) => `criterion ${x.ac_id} is ${x.status}: ${x.description.slice(0, 120)}`),
    ...missing.map((p) => `expected artifact missing: ${p}`),
  ];
  const workspace = describeDir(dir.value);

  const r = await llm.complete(
    [
      {
        role: "system",
        content: [
          DRIFT_TAG,
          "Rate how far the workspace has drifted from the specification, each from 0.0 (on target) to 1.0 (unrelated): goal_drift (does the work serve the goal), constraint_drift (are the constraints respected), ontology_drift (do the domain names and fields match).",
          'Judge only from the evidence. Reply with one JSON object: {"goal_drift": 0..1, "constraint_drift": 0..1, "ontology_drift": 0..1, "reasons": ["one short sentence per finding"]}',
        ].join("\n"),
      },
      {
        role: "user",
        content: [
          `Goal: ${seed.goal}`,
          `Constraints: ${JSON.stringify(seed.constraints)}`,
          `Ontology: ${JSON.stringify(seed.ontology_schema)}`,
          "Acceptance criteria and their observed status:",
          ...acs.map((x) => `- ${x.ac_id} [${x.status}]: ${x.description}`),
          `Missing expected artifacts: ${missing.join(", ") || "none"}`,
          `Workspace (${workspace.kind}${workspace.truncated ? ", truncated" : ""}):`,
          workspace.text,
        ].join("\n"),
      },
    ],
    { temperature: 0.1, max_tokens: 1024, json: true },
  );
  const parsed = r.ok ? v.safeParse(DriftReplySchema, extractJson(r.value.content)) : null;
  const components = parsed?.success
    ? {
        goal: parsed.output.goal_drift,
        constraints: parsed.output.constraint_drift,
        ontology: parsed.output.ontology_drift,
      }
    : null;
  const score = components
    ? Math.round(
        (DRIFT_WEIGHTS.goal * components.goal +
          DRIFT_WEIGHTS.constraints * components.constraints +
          DRIFT_WEIGHTS.ontology * components.ontology) *
          10000,
      ) / 10000
    : null;
  const judged = parsed?.success
    ? parsed.output.reasons
    : [r.ok ? "drift judge reply is not the JSON asked for" : `drift judge could not run: ${r.error.message}`];
  const result: EventPayload<"drift.measured"> = {
    session_id: sessionId,
    status: score === null ? "unverifiable" : "measured",
    drift_score: score,
    components,
    weights: DRIFT_WEIGHTS,
    reasons: [...observed, ...judged],
    observed: {
      acs_total: acs.length,
      acs_passed: acs.filter((x) => x.status === "passed").length,
      missing_artifacts: missing,
      workspace: workspace.kind,
    },
  };
  const ev = await backend.append({
    type: "drift.measured",
    aggregate_type: "session",
    aggregate_id: sessionId,
    data: { ...result },
  });
  return ev.ok ? ok(result) : ev;
}
