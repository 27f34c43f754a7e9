/**
 * Non-interactive driver: answers from a JSON/YAML file or stdin, in order. The same /skip,
 * /back, /done commands work as entries. Running out of answers means "done".
 */
import * as v from "valibot";
import { inputCap, MAX_NESTING, readTextFile, yamlTooDeep } from "../util/bounded-read.ts";
import { parse as parseYaml } from "yaml";
import { fail, ok, type Result } from "../errors.ts";
import { describeAmbiguity } from "./ambiguity.ts";
import type { InterviewIO } from "./loop.ts";
import { parseReply } from "./io-terminal.ts";

const AnswerList = v.array(v.string("each answer must be a string"), "expected a list of answers");
const AnswersObject = v.strictObject({
  idea: v.optional(v.string("idea must be a string")),
  answers: AnswerList,
  force: v.optional(v.boolean("force must be true or false")),
});
export interface AnswersFile {
  idea?: string;
  answers: string[];
  force?: boolean;
}

export function readAnswers(source: string, readStdin: () => string): Result<AnswersFile> {
  const name = source === "-" ? "stdin" : source;
  let text: string;
  if (source === "-") {
    try {
      text = readStdin();
    } catch (e) {
      return fail("badArgs", `--answers ${name}: ${(e as Error).message}`);
    }
  } else {
    const read = readTextFile(source, inputCap("answers"));
    if (!read.ok) return fail("badArgs", `--answers ${name}: ${read.error.message}`);
    text = read.value;
  }
  if (yamlTooDeep(text) >= 0)
    return fail("badArgs", `--answers ${name}: refused: nesting deeper than ${MAX_NESTING} levels`);
  let raw: unknown;
  try {
    raw = parseYaml(text); // YAML is a superset of JSON: one parser for both.
  } catch (e) {
    const pos = (e as { linePos?: { line: number; col: number }[] }).linePos?.[0];
    return fail(
      "badArgs",
      `--answers ${name}${pos ? `:${pos.line}:${pos.col}` : ""}: ${(e as Error).message.split("\n")[0]}`,
    );
  }
  // Two accepted shapes; pick by shape so the error names the exact entry, not "no union matched".
  if (!raw || typeof raw !== "object")
    return fail("badArgs", `--answers ${name}: expected a list of answers or {idea?, answers: [...], force?}`);
  const r = Array.isArray(raw) ? v.safeParse(AnswerList, raw) : v.safeParse(AnswersObject, raw);
  if (!r.success) {
    const i = r.issues[0];
    const at = i.path?.map((p) => String(p.key)).join(".");
    return fail("badArgs", `--answers ${name}${at ? ` at ${at}` : ""}: ${i.message}`);
  }
  return ok(Array.isArray(r.output) ? { answers: r.output } : (r.output as AnswersFile));
}

/** `force` (the --force flag or the file's `force: true`): finishing before ready generates anyway. */
export function answersIO(file: AnswersFile, log: (line: string) => void, force = false): InterviewIO {
  let next = 0;
  return {
    async ask(round, question) {
      log(`Round ${round} · ${question}`);
      const a = file.answers[next++];
      if (a === undefined) return { kind: "done" };
      log(`  → ${a.length > 120 ? `${a.slice(0, 117)}…` : a}`);
      return parseReply(a);
    },
    progress(round, a) {
      log(a ? describeAmbiguity(a) : `Answer ${round} recorded`);
    },
    async confirmReady() {
      return true;
    },
    async notReady() {
      return force || file.force ? "force" : "cancel";
    },
    busy: (_label, work) => work(),
    rejected(message) {
      log(`answer rejected: ${message}`);
    },
  };
}
