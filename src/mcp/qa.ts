/**
 * `ouroboros_qa`: a judge-only verdict for any artefact (a file, a directory's change, a diff or
 * text) against a quality bar, or against a session's seed (goal, criteria, weighted principles).
 * No checks run and nothing is built: the pipeline's stage-2 judge (src/pipeline/judge.ts) reads
 * the artefact; approval needs compliance and a score at or above `pass_threshold`. Request and
 * verdict are events (aggregate "qa", tied to the session when one is given).
 */
import { randomBytes } from "node:crypto";
import { fail, ok, type Result } from "../errors.ts";
import { type EventType, type PayloadWithout, withFilled } from "../events/catalogue.ts";
import { stage2 } from "../pipeline/judge.ts";
import type { Seed } from "../seed/schema.ts";
import { readArtifact } from "./artifact.ts";
import { checkWorkspace, type McpContext } from "./context.ts";
import { authoringDeps } from "./interview.ts";

export interface QaArgs {
  artifact: string;
  quality_bar?: string;
  pass_threshold?: number;
  session_id?: string;
  cwd?: string;
}

export async function qaTool(
  ctx: McpContext,
  a: QaArgs,
  signal: AbortSignal,
): Promise<Result<Record<string, unknown>>> {
  const d = await authoringDeps(ctx);
  if (!d.ok) return d;
  const { llm, backend, config } = d.value;
  let seed: Seed | null = null;
  let sessionId: string | null = null;
  let projectDir: string | undefined;
  if (a.session_id) {
    const { lookupSession } = await import("./views.ts");
    const s = await lookupSession(backend, a.session_id);
    if (!s.ok) return s;
    sessionId = s.value.session_id;
    const data = (await backend.sessionStart(sessionId)) ?? {};
    seed = data.seed ?? null;
    projectDir = data.project_dir;
  }
  if (!seed && !a.quality_bar)
    return fail(
      "badArgs",
      "ouroboros_qa: give 'quality_bar' (what good looks like) or a 'session_id' whose seed sets the bar",
    );
  const dir = checkWorkspace(ctx.options, a.cwd ?? projectDir ?? process.cwd());
  if (!dir.ok) return dir;
  const artifact = readArtifact(a.artifact, dir.value);
  const threshold = a.pass_threshold ?? 0.8;
  const criteria = [a.quality_bar, ...(seed?.acceptance_criteria.map((c, i) => `${i + 1}) ${c.description}`) ?? [])]
    .filter(Boolean)
    .join("; ");
  const qaId = `qa_${randomBytes(6).toString("hex")}`;
  const record = <T extends Extract<EventType, `qa.${string}`>>(
    type: T,
    data: PayloadWithout<T, "qa_id" | "session_id">,
  ) =>
    backend.append({
      type,
      aggregate_type: "qa",
      aggregate_id: qaId,
      data: withFilled<T, "qa_id" | "session_id">(
        { qa_id: qaId, ...(sessionId ? { session_id: sessionId } : {}) },
        data,
      ),
    });
  const started = await record("qa.started", {
    artifact_kind: artifact.kind,
    artifact_path: artifact.path,
    quality_bar: criteria.slice(0, 2000),
    pass_threshold: threshold,
  });
  if (!started.ok) return started;
  const [{ llmAgent }, { llmWithModel }] = await Promise.all([
    import("../pipeline/llm-agent.ts"),
    import("../llm/role-model.ts"),
  ]);
  const input = {
    goal: seed?.goal ?? a.quality_bar!,
    ac: criteria,
    principles: seed?.evaluation_principles ?? [],
    stage1: {
      artifact_kind: artifact.kind,
      artifact_path: artifact.path,
      truncated: artifact.truncated,
      note: "judge-only QA: no checks were run",
    },
    change: null,
    commands: [],
    claim: artifact.text,
    claimLabel: "The artefact under review:",
  };
  // llm.qa_model, when set, is the model every QA judging call runs with.
  const judge = llmAgent(llmWithModel(llm, config.config.llm.qa_model));
  const s2 = await stage2(judge, dir.value, input, threshold, config.config.evaluation.reward_hacking_veto, signal);
  const verdict = s2.outcome === "approved" ? "pass" : s2.outcome === "rejected" ? "fail" : "unverifiable";
  const result = {
    qa_id: qaId,
    session_id: sessionId,
    verdict,
    score: s2.reply?.score ?? null,
    pass_threshold: threshold,
    weighted: s2.weighted,
    principles: s2.principles,
    reasons: s2.reasons,
    reasoning: s2.reply?.reasoning ?? s2.raw_excerpt,
    artifact: { kind: artifact.kind, path: artifact.path, truncated: artifact.truncated },
  } satisfies PayloadWithout<"qa.verdict.recorded", "qa_id"> & { qa_id: string };
  const done = await record("qa.verdict.recorded", result);
  return done.ok ? ok(result) : done;
}
