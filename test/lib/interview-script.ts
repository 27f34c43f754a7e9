/**
 * A scripted model for interviews, seed generation and `auto`: questions are numbered, scores
 * follow a table by the number of answers in the transcript, and the seed reply is a valid
 * greet.py seed (or a scripted sequence of replies, to exercise the repair loop). Anything else
 * falls through to the pipeline script, so one mock serves auto end to end.
 */
import type { MockReply, ModelRequest } from "./mock-model/types.ts";
import { pipelineScript } from "./pipeline-script.ts";

export type Clarity = [goal: number, constraints: number, success: number, context?: number];

export const VALID_SEED_REPLY = [
  "GOAL: Write greet.py that prints a greeting for a name given on the command line",
  'CONSTRAINTS: ["Python 3 standard library only", "a single file greet.py"]',
  'ACCEPTANCE_CRITERIA: [{"description": "greet.py prints Hello, Demo! for the name Demo", "verify": "python3 greet.py Demo", "artifacts": ["greet.py"], "expect": "Hello, Demo!"}]',
  "ONTOLOGY_NAME: Greeting",
  "ONTOLOGY_DESCRIPTION: A greeting printed for one name",
  'ONTOLOGY_FIELDS: [{"name": "name", "type": "string", "description": "who is greeted"}]',
  'EVALUATION_PRINCIPLES: [{"name": "correctness", "description": "prints exactly the expected text", "weight": 1.0}]',
  'EXIT_CONDITIONS: [{"name": "all_pass", "description": "every criterion verified", "criteria": "all acceptance criteria pass"}]',
  "PROJECT_TYPE: greenfield",
].join("\n");

/** Default: not ready at 3 answers (goal below its floor), ready from 4. */
export const defaultClarity = (answers: number): Clarity =>
  answers >= 4 ? [0.9, 0.8, 0.8, 0.8] : answers === 3 ? [0.7, 0.9, 0.9, 0.7] : [0.3, 0.2, 0.2, 0.2];

export interface InterviewScriptOptions {
  clarity?: (answers: number) => Clarity;
  /** Seed replies in order; the last one repeats. */
  seedReplies?: string[];
  /** Question text for round n. */
  question?: (n: number) => string;
}

const has = (t: string, tag: string) => t.includes(`[ouroboros:${tag}]`);

export function interviewScript(o: InterviewScriptOptions = {}) {
  let seedCalls = 0;
  return (req: ModelRequest): MockReply => {
    const all = req.allText.join("\n");
    if (has(all, "interview:question")) {
      const n = Number(/Round (\d+)\./.exec(all)?.[1] ?? 0);
      return { text: o.question?.(n) ?? `Question ${n}: what exactly should happen in case ${n}?` };
    }
    if (has(all, "interview:score")) {
      const answers = (all.match(/^A\d+: /gm) ?? []).length;
      const [g, c, s, x] = (o.clarity ?? defaultClarity)(answers);
      const j = (k: string, v: number) => ({ [`${k}_score`]: v, [`${k}_justification`]: `${k} at ${v}` });
      return {
        text: JSON.stringify({
          ...j("goal_clarity", g),
          ...j("constraint_clarity", c),
          ...j("success_criteria_clarity", s),
          ...(x !== undefined ? j("context_clarity", x) : {}),
        }),
      };
    }
    if (has(all, "seed:generate")) {
      const replies = o.seedReplies ?? [VALID_SEED_REPLY];
      return { text: replies[Math.min(seedCalls++, replies.length - 1)]! };
    }
    if (has(all, "auto:answer"))
      return { text: "Python 3 only, one file greet.py; it is done when `python3 greet.py Demo` prints Hello, Demo!" };
    return pipelineScript(req);
  };
}
