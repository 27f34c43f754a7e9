/**
 * Double Diamond for one atomic AC: discover → define → develop → deliver, one runtime turn each.
 * Where the runtime can resume, later steps continue the same native session; otherwise the
 * previous outputs are inlined. Discover is read-only, define has no tools.
 */
import { createHash } from "node:crypto";
import type { Seed } from "../seed/schema.ts";
import { MARK, runAgent, type Agent, type AgentEvent, type AgentOutcome } from "./agent.ts";
import type { Emit } from "./session.ts";

export const STEPS = ["discover", "define", "develop", "deliver"] as const;
export type Step = (typeof STEPS)[number];
const TOOLS: Record<Step, string[] | null> = {
  discover: ["Read", "Glob", "Grep", "LS"],
  define: [],
  develop: null,
  deliver: ["Read", "Glob", "Grep", "LS", "Bash"],
};

export interface DiamondInput {
  seed: Seed;
  acId: string;
  description: string;
  expectedArtifacts: readonly string[];
  attempt: number;
  cwd: string;
  model: string | null;
  directive: string | null;
  feedback: string | null;
  resume: Record<string, unknown> | null;
  /** Stall watchdog: longest silence from the runtime before it is killed (ms). */
  idleMs?: number;
}

export interface DiamondResult {
  ok: boolean;
  outputs: Partial<Record<Step, string>>;
  handle: Record<string, unknown> | null;
  error?: string;
  errorType?: string;
  tokens: number;
  costUsd: number;
}

function context(i: DiamondInput): string[] {
  const s = i.seed;
  return [
    `Goal: ${s.goal}`,
    ...(s.constraints.length ? ["Constraints:", ...s.constraints.map((c) => `- ${c}`)] : []),
    `Acceptance criterion (${i.acId}): ${i.description}`,
    ...(i.expectedArtifacts.length ? [`Files that must exist afterwards: ${i.expectedArtifacts.join(", ")}`] : []),
    `Ontology: ${s.ontology_schema.name} — ${s.ontology_schema.description}`,
    ...(s.evaluation_principles.length ? ["Principles:", ...s.evaluation_principles.map((p) => `- ${p.name}: ${p.description}`)] : []),
    ...(i.feedback ? [`Why the previous attempt was rejected: ${i.feedback}`] : []),
    ...(i.directive ? [i.directive] : []),
  ];
}

const INSTRUCTIONS: Record<Step, string> = {
  discover: "Step 1/4 discover: do not modify anything. List the relevant files, unknowns and risks for this criterion.",
  define: "Step 2/4 define: no tools. Give the plan: files to change, approach, how it will be verified, ontology fields touched.",
  develop: "Step 3/4 develop: make the change in the working directory now.",
  deliver:
    'Step 4/4 deliver: run the checks that prove the criterion and report evidence as JSON: {"commands":[{"command":"...","exit_code":0}],"artifacts":["path"]}. To record follow-up work that is out of scope, add lines "TODO(ouroboros): <text>".',
};

export function stepPrompt(step: Step, i: DiamondInput, previous: Partial<Record<Step, string>>, resumed: boolean): string {
  const inline = resumed ? [] : STEPS.filter((s) => previous[s]).map((s) => `Output of ${s}:\n${previous[s]!.slice(0, 3000)}`);
  return [MARK[step], ...context(i), ...inline, INSTRUCTIONS[step]].join("\n");
}

export const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

/** Evidence is required from deliver: a JSON object with a commands list, or the verify run itself. */
export function hasEvidence(deliver: string): boolean {
  return /"commands"\s*:\s*\[/.test(deliver) || /exit[_ ]code/i.test(deliver);
}

export async function runDiamond(agent: Agent, i: DiamondInput, emit: Emit, signal: AbortSignal, onEvent: (e: AgentEvent) => void): Promise<DiamondResult> {
  const res: DiamondResult = { ok: false, outputs: {}, handle: i.resume, tokens: 0, costUsd: 0 };
  // A trivial criterion merges discover and define into one turn; both events are still written.
  const trivial = i.description.length < 60 && i.expectedArtifacts.length <= 1;
  for (const step of STEPS) {
    if (trivial && step === "define") {
      const t0 = performance.now();
      emit("execution.ac.phase.started", { ac_id: i.acId, phase: step, attempt: i.attempt, merged_into: "discover" });
      res.outputs.define = res.outputs.discover ?? "";
      emit("execution.ac.phase.completed", { ac_id: i.acId, phase: step, attempt: i.attempt, output_sha256: sha256(res.outputs.define), duration_ms: Math.round(performance.now() - t0), merged_into: "discover" });
      continue;
    }
    const started = performance.now();
    emit("execution.ac.phase.started", { ac_id: i.acId, phase: step, attempt: i.attempt });
    const resumed = agent.canResume && res.handle !== null;
    let prompt = stepPrompt(step, i, res.outputs, resumed);
    if (trivial && step === "discover") prompt += `\n${INSTRUCTIONS.define}`;
    const out: AgentOutcome = await runAgent(agent, { prompt, cwd: i.cwd, tools: TOOLS[step], model: i.model, resume: resumed ? res.handle : null, idleMs: i.idleMs }, signal, onEvent);
    res.tokens += out.tokens;
    res.costUsd += out.costUsd;
    if (out.handle) res.handle = out.handle;
    res.outputs[step] = out.text;
    emit("execution.ac.phase.completed", {
      ac_id: i.acId, phase: step, attempt: i.attempt, output_sha256: sha256(out.text), duration_ms: Math.round(performance.now() - started), ok: out.ok,
      ...(out.ok ? {} : { error: out.error, error_type: out.errorType }),
    });
    if (!out.ok) return { ...res, error: `${step}: ${out.error}`, errorType: out.errorType };
  }
  if (!hasEvidence(res.outputs.deliver ?? "")) return { ...res, error: "deliver: no evidence record (commands run, exit codes, artifacts)", errorType: "no_evidence" };
  return { ...res, ok: true };
}
