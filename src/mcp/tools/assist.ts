/**
 * The tools behind `ooo status`(drift), `unstuck`, `qa`, `pm` and `brownfield`: drift of a
 * session, lateral thinking by the resilience personas, judge-only QA, the PM interview and the
 * project scan. Each records what it did in the event log.
 */
import * as v from "valibot";
import { defineTool, optStr, str } from "../tool.ts";

const PERSONA = v.picklist(["hacker", "researcher", "simplifier", "architect", "contrarian"]);
const PATTERN = v.picklist(["spinning", "oscillation", "no_drift", "diminishing_returns"]);

export const assistTools = [
  defineTool({
    name: "ouroboros_measure_drift",
    description:
      "Drift of a session's workspace from its seed: criteria status and expected artefacts observed, goal/constraint/ontology drift judged from them, combined as goal 50 % + constraints 30 % + ontology 20 %, with reasons.",
    schema: v.strictObject({
      session_id: str("session id (orch_…) or a unique prefix"),
      cwd: optStr("workspace to inspect (default: the session's project directory)"),
    }),
    handler: async (a, ctx) => (await import("../drift.ts")).measureDrift(ctx, a),
  }),
  defineTool({
    name: "ouroboros_lateral_think",
    description:
      "Lateral thinking on a blockage: one persona (hacker, researcher, simplifier, architect, contrarian), several (a debate), or the one the stagnation pattern calls for; each proposes an alternative approach.",
    schema: v.strictObject({
      problem_context: str("what is stuck: the goal, the failing check, the error"),
      current_approach: optStr("what has been tried so far"),
      persona: v.optional(PERSONA),
      personas: v.optional(
        v.pipe(v.array(PERSONA), v.minLength(1), v.description("several personas: one alternative each")),
      ),
      stagnation_pattern: v.optional(PATTERN),
      session_id: optStr("record the result with this session"),
    }),
    handler: async (a, ctx) => (await import("../lateral.ts")).lateralThink(ctx, a),
  }),
  defineTool({
    name: "ouroboros_qa",
    description:
      "Judge-only QA verdict (pass, fail, unverifiable) for any artefact: a file or directory path (its git change), a diff or text, against a quality bar or a session's seed. No checks run.",
    schema: v.strictObject({
      artifact: str("a path (relative to cwd), a diff, or text to judge"),
      quality_bar: optStr("what good looks like (criteria); required without session_id"),
      pass_threshold: v.optional(
        v.pipe(v.number(), v.minValue(0), v.maxValue(1), v.description("score needed to pass, 0..1")),
        0.8,
      ),
      session_id: optStr("judge against this session's goal, criteria and principles"),
      cwd: optStr(
        "directory relative paths resolve against (default: the session's project, else the server's directory)",
      ),
    }),
    handler: async (a, ctx, call) => (await import("../qa.ts")).qaTool(ctx, a, call.signal),
  }),
  defineTool({
    name: "ouroboros_pm_interview",
    description:
      "Product-manager interview, one turn per call (users, outcome, scope, priorities, acceptance): start with initial_context, continue with session_id + answer; action='generate' turns it into a seed.",
    schema: v.strictObject({
      initial_context: optStr("the product idea (starts a new PM interview)"),
      session_id: optStr("PM interview id to continue (interview_…)"),
      answer: optStr("your answer to the last question, or 'done'"),
      cwd: optStr("project directory: an existing project adds the context dimension"),
      action: v.optional(v.picklist(["answer", "generate"]), "answer"),
      force: v.optional(v.pipe(v.boolean(), v.description("with action='generate': even if not clear enough"))),
    }),
    async handler(a, ctx) {
      const m = await import("../interview.ts");
      if (a.action !== "generate") return m.interviewTurn(ctx, a, "pm");
      if (!a.session_id)
        return {
          ok: false,
          error: { kind: "badArgs", message: "ouroboros_pm_interview: action='generate' needs 'session_id'" },
        };
      return m.generateSeedTool(ctx, { session_id: a.session_id, force: a.force }, "pm");
    },
  }),
  defineTool({
    name: "ouroboros_brownfield",
    description:
      "Scan a project (languages, manifests, build/test commands, layout) for the interview's context dimension. action: scan (default), register (scan + make it the default project for interviews without cwd), query (scanned projects and the default).",
    schema: v.strictObject({
      action: v.optional(v.picklist(["scan", "register", "query"]), "scan"),
      scan_root: optStr("project directory (default: the server's directory)"),
    }),
    handler: async (a, ctx) => (await import("../brownfield.ts")).brownfieldTool(ctx, a),
  }),
];
