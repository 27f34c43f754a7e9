/**
 * Double Diamond for one atomic AC: discover → define → develop → deliver. The PAL tier decides
 * how many runtime turns the four steps take (frugal 1, standard 2, frontier 4); every step still
 * gets its phase events, naming the turn that covered it. Later turns continue the same native
 * session where the runtime can resume; otherwise earlier outputs are inlined.
 * Read-only turns run with the runtime's read-only switch; a write the workspace shows after such
 * a turn is recorded as a violation. The deliver report is only a claim: nothing requires it.
 */
import { createHash } from "node:crypto";
import type { Tier } from "../config/schema.ts";
import type { Seed } from "../seed/schema.ts";
import { MARK, runAgent, type Agent, type AgentEvent, type AgentOutcome } from "./agent.ts";
import type { ObservedCommand } from "./evaluate.ts";
import type { Emit } from "./session.ts";
import { compare, isEmptyChange, snapshot } from "./workspace.ts";

export const STEPS = ["discover", "define", "develop", "deliver"] as const;
export type Step = (typeof STEPS)[number];
const READ_TOOLS = ["Read", "Glob", "Grep", "LS"];

interface Turn {
  steps: Step[];
  /** null = the runtime's full tool set. */
  tools: string[] | null;
  readOnly: boolean;
}

/** Turns per tier (frugal one turn, standard two, frontier four). */
export const TURNS: Record<Tier, Turn[]> = {
  frugal: [{ steps: ["discover", "define", "develop", "deliver"], tools: null, readOnly: false }],
  standard: [
    { steps: ["discover", "define"], tools: READ_TOOLS, readOnly: true },
    { steps: ["develop", "deliver"], tools: null, readOnly: false },
  ],
  frontier: [
    { steps: ["discover"], tools: READ_TOOLS, readOnly: true },
    { steps: ["define"], tools: [], readOnly: true },
    { steps: ["develop"], tools: null, readOnly: false },
    { steps: ["deliver"], tools: [...READ_TOOLS, "Bash"], readOnly: false },
  ],
};

export interface DiamondInput {
  seed: Seed;
  acId: string;
  description: string;
  expectedArtifacts: readonly string[];
  attempt: number;
  tier: Tier;
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
  /** The last turn's text: the agent's own report, kept as a claim. */
  claim: string;
  handle: Record<string, unknown> | null;
  commands: ObservedCommand[];
  turns: number;
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
    ...(s.evaluation_principles.length
      ? ["Principles:", ...s.evaluation_principles.map((p) => `- ${p.name}: ${p.description}`)]
      : []),
    ...(i.feedback ? [`Why the previous attempt was rejected: ${i.feedback}`] : []),
    ...(i.directive ? [i.directive] : []),
  ];
}

const INSTRUCTIONS: Record<Step, string> = {
  discover: "discover: do not modify anything. Find the relevant files, unknowns and risks for this criterion.",
  define: "define: decide the plan: files to change, approach, how it will be verified.",
  develop: "develop: make the change in the working directory now.",
  deliver:
    'deliver: run the checks that prove the criterion, then say briefly what you did. To record follow-up work that is out of scope, add lines "TODO(ouroboros): <text>".',
};

export function turnPrompt(
  turn: Turn,
  index: number,
  total: number,
  i: DiamondInput,
  previous: Partial<Record<Step, string>>,
  resumed: boolean,
): string {
  const inline = resumed
    ? []
    : STEPS.filter((s) => previous[s]).map((s) => `Output of ${s}:\n${previous[s]!.slice(0, 3000)}`);
  const steps = turn.steps.map((s) => `- ${INSTRUCTIONS[s]}`);
  const head =
    total === 1
      ? "Do all of this in this one turn:"
      : `Turn ${index + 1}/${total}${turn.readOnly ? " (read-only: do not write files)" : ""}:`;
  return [
    MARK[turn.steps.includes("develop") ? "develop" : turn.steps[0]!],
    ...context(i),
    ...inline,
    head,
    ...steps,
  ].join("\n");
}

export const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

const SHELL = /^(bash|shell|run_shell_command|shell_command|local_shell|exec_command)$/i;

export async function runDiamond(
  agent: Agent,
  i: DiamondInput,
  emit: Emit,
  signal: AbortSignal,
  onEvent: (e: AgentEvent) => void,
): Promise<DiamondResult> {
  const res: DiamondResult = {
    ok: false,
    outputs: {},
    claim: "",
    handle: i.resume,
    commands: [],
    turns: 0,
    tokens: 0,
    costUsd: 0,
  };
  const turns = TURNS[i.tier];
  // Shell commands with their exit codes, from the runtime's own tool events.
  const pending = new Map<string, ObservedCommand>();
  const observe = (e: AgentEvent) => {
    if (e.kind === "tool" && SHELL.test(e.name)) {
      const cmd: ObservedCommand = {
        tool: e.name,
        command: (e.detail ?? "").replace(/^[^:]*:\s*/, "").slice(0, 300),
        exit_code: null,
        is_error: null,
      };
      res.commands.push(cmd);
      pending.set(e.id ?? String(res.commands.length), cmd);
    } else if (e.kind === "tool_result") {
      const cmd = (e.id ? pending.get(e.id) : undefined) ?? res.commands.findLast((c) => c.is_error === null);
      if (cmd) {
        cmd.is_error = e.isError ?? false;
        cmd.exit_code = e.exitCode ?? (e.isError ? null : 0);
      }
    }
    onEvent(e);
  };
  for (const [k, turn] of turns.entries()) {
    const started = performance.now();
    for (const step of turn.steps)
      await emit("execution.ac.phase.started", { ac_id: i.acId, phase: step, attempt: i.attempt, turn: k + 1 });
    const resumed = agent.canResume && res.handle !== null;
    const prompt = turnPrompt(turn, k, turns.length, i, res.outputs, resumed);
    const before = turn.readOnly ? snapshot(i.cwd) : null;
    const out: AgentOutcome = await runAgent(
      agent,
      {
        prompt,
        cwd: i.cwd,
        tools: turn.tools,
        readOnly: turn.readOnly,
        model: i.model,
        resume: resumed ? res.handle : null,
        idleMs: i.idleMs,
      },
      signal,
      observe,
    );
    res.turns++;
    res.tokens += out.tokens;
    res.costUsd += out.costUsd;
    if (out.handle) res.handle = out.handle;
    for (const step of turn.steps) res.outputs[step] = out.text;
    res.claim = out.text;
    if (before) {
      const change = compare(i.cwd, before, snapshot(i.cwd));
      if (!isEmptyChange(change))
        await emit("execution.ac.read_only.violated", {
          ac_id: i.acId,
          attempt: i.attempt,
          turn: k + 1,
          steps: turn.steps,
          added: change.added,
          modified: change.modified,
          deleted: change.deleted,
        });
    }
    await emit("execution.ac.turn.completed", {
      ac_id: i.acId,
      attempt: i.attempt,
      turn: k + 1,
      steps: turn.steps,
      read_only: turn.readOnly,
      ok: out.ok,
      duration_ms: Math.round(performance.now() - started),
    });
    for (const step of turn.steps)
      await emit("execution.ac.phase.completed", {
        ac_id: i.acId,
        phase: step,
        attempt: i.attempt,
        turn: k + 1,
        output_sha256: sha256(out.text),
        duration_ms: Math.round(performance.now() - started),
        ok: out.ok,
        ...(out.ok ? {} : { error: out.error, error_type: out.errorType }),
      });
    if (!out.ok) return { ...res, error: `${turn.steps.join("+")}: ${out.error}`, errorType: out.errorType };
  }
  return { ...res, ok: true };
}
