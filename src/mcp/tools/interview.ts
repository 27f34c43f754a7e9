/** Authoring tools: the Socratic interview, one turn per call, and seed generation from it. */
import * as v from "valibot";
import { defineTool, optStr, str } from "../tool.ts";

export const interviewTools = [
  defineTool({
    name: "ouroboros_interview",
    description:
      "Socratic interview, one turn per call. Start with initial_context (and cwd for an existing project); continue with session_id + answer. Answers starting [from-code]/[from-research] are facts. Answer 'done' to finish once ready. Returns the next question or completed=true.",
    schema: v.strictObject({
      initial_context: optStr("the idea to clarify (starts a new interview)"),
      session_id: optStr("interview id to continue (interview_…)"),
      answer: optStr("your answer to the last question, or 'done'"),
      cwd: optStr("project directory: an existing project adds the context-clarity dimension"),
    }),
    handler: async (a, ctx) => (await import("../interview.ts")).interviewTurn(ctx, a),
  }),
  defineTool({
    name: "ouroboros_generate_seed",
    description:
      "Generate the seed YAML from an interview (refused above the ambiguity threshold unless force=true). Validated against the seed schema; up to 5 repair rounds. Returns seed_id, seed_path and the YAML.",
    schema: v.strictObject({
      session_id: str("interview id (interview_…)"),
      force: v.optional(v.pipe(v.boolean(), v.description("generate even if the interview is not clear enough"))),
    }),
    handler: async (a, ctx) => (await import("../interview.ts")).generateSeedTool(ctx, a),
  }),
];
