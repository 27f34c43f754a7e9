/**
 * Prompt texts for the interview. Each carries a `[ouroboros:…]` tag on
 * its first line so logs, and the scripted mock model in tests, can tell the calls apart.
 */
import type { ChatMessage } from "../llm/index.ts";
import { type Ambiguity, FLOORS, LABELS } from "./ambiguity.ts";
import type { InterviewState } from "./state.ts";

export const TAG = {
  question: "[ouroboros:interview:question]",
  score: "[ouroboros:interview:score]",
  seed: "[ouroboros:seed:generate]",
  answer: "[ouroboros:auto:answer]",
} as const;

const CONTEXT_IN_SYSTEM = 1_800;
const ANSWER_CUT = 4_000;
const HISTORY_BUDGET = 14_000;
/** Answers starting with these are facts about the world, never requirements. */
export const FACT_PREFIXES = ["[from-code]", "[from-repo]", "[from-research]", "[from-data]"];
export const isFact = (answer: string) => FACT_PREFIXES.some((p) => answer.trimStart().toLowerCase().startsWith(p));

function perspectives(round: number, last: Ambiguity | null): string[] {
  if (last && last.ambiguity_score <= 0.25)
    return [
      "seed-closer: drive toward the last open gaps so the seed can be written",
      "breadth-keeper: make sure no major area was never discussed",
      "architect: structure, boundaries, data flow",
    ];
  const panel = ["breadth-keeper: make sure no major area was never discussed"];
  if (round <= 2)
    panel.push("researcher: what facts are missing", "simplifier: what is the smallest version that is still useful");
  if (round >= 3) panel.push("architect: structure, boundaries, data flow");
  return panel;
}

function snapshot(a: Ambiguity | null): string {
  if (!a) return "";
  const weakest = [...a.breakdown].sort((x, y) => x.clarity_score - y.clarity_score).slice(0, 2);
  const weak = weakest
    .map((c) => `${LABELS[c.name]} ${c.clarity_score.toFixed(2)} (floor ${FLOORS[c.name].toFixed(2)})`)
    .join(", ");
  return `Last ambiguity ${a.ambiguity_score.toFixed(2)}. Weakest: ${weak}.${a.unmet.length ? ` Unmet: ${a.unmet.join("; ")}.` : ""} Aim the question at the weakest dimension.`;
}

/** Q/A pairs as chat turns, answers cut, oldest dropped to fit the budget. */
function history(s: InterviewState): ChatMessage[] {
  const pairs = s.rounds.map((r) => [
    { role: "assistant" as const, content: r.question },
    { role: "user" as const, content: r.skipped ? "(skipped — no answer)" : r.user_response.slice(0, ANSWER_CUT) },
  ]);
  let total = 0;
  const kept: ChatMessage[][] = [];
  for (let i = pairs.length - 1; i >= 0; i--) {
    const size = pairs[i]!.reduce((n, m) => n + m.content.length, 0);
    if (total + size > HISTORY_BUDGET && kept.length) break;
    total += size;
    kept.unshift(pairs[i]!);
  }
  return kept.flat();
}

export function questionMessages(s: InterviewState, round: number): ChatMessage[] {
  const ctx = s.initial_context;
  const system = [
    TAG.question,
    s.persona === "pm"
      ? `You are a product manager of Ouroboros, a spec-first workflow engine, interviewing a stakeholder for a product requirements document. Round ${round}.`
      : `You are the Socratic interviewer of Ouroboros, a spec-first workflow engine. Round ${round}.`,
    "Ask exactly ONE question that most reduces the ambiguity of the idea below. No preamble, no lists of questions, never offer to build anything.",
    s.persona === "pm"
      ? "Cover: the users and their problem, the outcome that counts as success (measurable), scope and non-goals, priorities, and how acceptance will be verified."
      : "Cover: the goal, constraints (tech, time, scope, non-goals), and how success will be verified.",
    `Initial context: ${ctx.slice(0, CONTEXT_IN_SYSTEM)}${ctx.length > CONTEXT_IN_SYSTEM ? " … (continued in the first message)" : ""}`,
    "Answer prefixes: [from-code], [from-research], [from-data] mark facts observed by a tool; [from-user] or none marks the user's own decision.",
    s.is_brownfield
      ? `This is an existing project (${s.codebase_paths.map((p) => p.path).join(", ")}). Ask how the change fits what exists.`
      : "",
    s.codebase_context ? `Project scan: ${s.codebase_context.slice(0, CONTEXT_IN_SYSTEM)}` : "",
    snapshot(s.ambiguity),
    `Perspectives to weigh: ${perspectives(round, s.ambiguity).join("; ")}.`,
  ].filter(Boolean);
  const msgs: ChatMessage[] = [{ role: "system", content: system.join("\n") }];
  if (ctx.length > CONTEXT_IN_SYSTEM)
    msgs.push(
      { role: "user", content: `Full initial context:\n${ctx}` },
      { role: "assistant", content: "Understood." },
    );
  msgs.push(...history(s));
  msgs.push({ role: "user", content: `Ask the round ${round} question now.` });
  return msgs;
}

export function transcript(s: InterviewState, withheldFacts = false): string {
  const lines = [
    `Initial context:\n${s.initial_context}`,
    ...(s.codebase_context ? [`Project context (scanned): ${s.codebase_context}`] : []),
    "",
  ];
  for (const r of s.rounds) {
    if (withheldFacts && r.provenance === "observation") continue;
    lines.push(
      `Q${r.round_number}: ${r.question}`,
      `A${r.round_number}: ${r.skipped ? "(skipped)" : r.user_response.slice(0, ANSWER_CUT)}`,
      "",
    );
  }
  return lines.join("\n");
}

export function scoreMessages(s: InterviewState): ChatMessage[] {
  const keys = [
    "goal_clarity",
    "constraint_clarity",
    "success_criteria_clarity",
    ...(s.is_brownfield ? ["context_clarity"] : []),
  ];
  const system = [
    TAG.score,
    "Rate how clear this requirement conversation is, each dimension from 0.0 (unknown) to 1.0 (fully specified).",
    `Reply with one JSON object with exactly these keys: ${keys.map((k) => `${k}_score (number), ${k}_justification (string)`).join(", ")}.`,
  ].join("\n");
  return [
    { role: "system", content: system },
    { role: "user", content: transcript(s) },
  ];
}

export function seedMessages(s: InterviewState): ChatMessage[] {
  const system = [
    TAG.seed,
    "Turn the interview below into a seed specification. Reply with exactly these lines, one `KEY: value` per line, nothing else:",
    "GOAL: <one sentence>",
    "CONSTRAINTS: <JSON array of strings>",
    'ACCEPTANCE_CRITERIA: <one-line JSON array of objects {"description", "verify", "artifacts", "expect"}; verify is a single-line shell command that proves the criterion (or "NONE" plus an "exempt" reason), artifacts a list of relative paths, expect a substring of its output or "">',
    "ONTOLOGY_NAME: <name of the main domain object>",
    "ONTOLOGY_DESCRIPTION: <one sentence>",
    'ONTOLOGY_FIELDS: <JSON array of {"name", "type", "description"}>',
    'EVALUATION_PRINCIPLES: <JSON array of {"name", "description", "weight" 0..1}>',
    'EXIT_CONDITIONS: <JSON array of {"name", "description", "criteria"}>',
    "PROJECT_TYPE: greenfield|brownfield",
  ].join("\n");
  return [
    { role: "system", content: system },
    { role: "user", content: transcript(s, true) },
  ];
}

/** For `auto`: the model answers the interviewer's question in the user's place. */
export function autoAnswerMessages(goal: string, s: InterviewState, question: string): ChatMessage[] {
  return [
    {
      role: "system",
      content: [
        TAG.answer,
        "You answer an interviewer's question on behalf of a user whose only input is the goal below. Decide like a pragmatic senior engineer: pick safe, conventional, testable choices; state them concretely in 1–4 sentences.",
        `Goal: ${goal}`,
      ].join("\n"),
    },
    { role: "user", content: `${transcript(s)}\nQuestion: ${question}` },
  ];
}
