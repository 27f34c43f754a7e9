/**
 * `ouroboros init start ["idea" | idea-file]` — Socratic interview → seed.
 * `ouroboros init resume <id>` — continue where it stopped (the log has every answer).
 * `ouroboros init list` — interviews, newest first.
 */
import * as p from "@clack/prompts";
import { defineCommand } from "citty";
import { existsSync, statSync } from "node:fs";
import { extname, resolve } from "node:path";
import { loadConfig } from "../../config/load.ts";
import { EXIT, fail, unwrap } from "../../errors.ts";
import { RUNTIME_NAMES } from "../../runtime/registry.ts";
import { inputCap, readTextFile } from "../../util/bounded-read.ts";
import { DB_ARG_DESCRIPTION, openBackend, openReadBackend } from "../../events/open-backend.ts";
import { checkIdea, detectBrownfield } from "../../interview/engine.ts";
import { InterviewLog } from "../../interview/log.ts";
import { isInterviewId, listStateFiles, newInterviewId, readStateFile } from "../../interview/state.ts";
import { answerSource, driveInterview, isInteractive, llmFor } from "../interview/drive.ts";
import { exitCode, log, out, outJson, table } from "../output.ts";
import { plural } from "../../util/plural.ts";

const common = {
  db: { type: "string", description: DB_ARG_DESCRIPTION },
  answers: { type: "string", description: "answers from a JSON/YAML file, or - for stdin (no prompts)" },
  json: { type: "boolean", description: "print one JSON document (seed path, score, ids)" },
  force: { type: "boolean", description: "generate the seed even when ambiguity is above the threshold" },
  run: { type: "boolean", description: "run the seed right after it is generated" },
  runtime: { type: "string", alias: "r", description: "runtime for --run / the offered run" },
  "llm-backend": {
    type: "string",
    description: ["anthropic", "openai", ...RUNTIME_NAMES].join(" | "),
  },
} as const;

const IDEA_FILES = new Set([".md", ".txt", ".rst", ".json", ".yaml", ".yml"]);

/** The idea: an argument (text or a file path), the answers file's `idea`, or a prompt. */
async function resolveIdea(raw: string | undefined, fromAnswers: string | undefined): Promise<string> {
  let idea = raw ?? fromAnswers;
  if (idea && IDEA_FILES.has(extname(idea).toLowerCase()) && existsSync(idea) && statSync(idea).isFile()) {
    const text = readTextFile(idea, inputCap("answers"));
    if (!text.ok) return unwrap(fail("badArgs", `${idea}: ${text.error.message}`));
    idea = text.value;
  }
  if (idea === undefined) {
    if (!isInteractive())
      return unwrap(
        fail(
          "badArgs",
          "init start needs the idea: pass it as an argument (text or a .md/.txt file) or as `idea:` in the --answers file",
        ),
      );
    const r = await p.text({
      message: "What do you want to build?",
      placeholder: "a vague idea is fine",
      validate: (v) => (!v?.trim() ? "Please describe the idea" : undefined),
      output: process.stderr,
    });
    if (p.isCancel(r)) {
      process.stderr.write("Cancelled before the interview started; nothing was saved.\n");
      process.exit(EXIT.ok);
    }
    idea = r;
  }
  return unwrap(checkIdea(idea));
}

const start = defineCommand({
  meta: { name: "start", description: "Start a Socratic interview that ends in a seed" },
  args: {
    idea: { type: "positional", required: false, description: "the idea, or a .md/.txt/.yaml file holding it" },
    greenfield: { type: "boolean", description: "ignore the project in the current directory (no context dimension)" },
    ...common,
  },
  async run({ args }) {
    const config = unwrap(loadConfig());
    const answers = answerSource(args, "init start");
    const llm = llmFor(config, args);
    const idea = await resolveIdea(args.idea as string | undefined, answers?.idea);
    const codebase = args.greenfield ? [] : detectBrownfield(resolve(process.cwd()));
    const backend = unwrap(await openBackend(args.db));
    const id = newInterviewId();
    const ilog = unwrap(
      await InterviewLog.create(backend, id, {
        initial_context: idea,
        is_brownfield: codebase.length > 0,
        codebase_paths: codebase,
        llm_backend: llm.name,
      }),
    );
    if (!isInteractive() || args.json) log.info(`interview ${id} (resume with: ouroboros init resume ${id})`);
    else p.intro(`Interview ${id} · answer, or /skip /back /done · Ctrl-C saves and stops`, { output: process.stderr });
    if (codebase.length)
      log.info(
        `existing project detected (${codebase[0]!.role}): context clarity is scored too (--greenfield to skip)`,
      );
    try {
      return exitCode(await driveInterview(backend, ilog, llm, answers, config, args));
    } finally {
      await backend.close();
    }
  },
});

/** In the event database (never created by this check) or as a state file. */
async function knownInterview(id: string, db: unknown): Promise<boolean> {
  const backend = unwrap(await openReadBackend(db));
  if (backend) {
    const hit = await backend.hasEventsFor(id);
    await backend.close();
    if (hit) return true;
  }
  const file = readStateFile(id);
  return !file.ok || file.value !== null;
}

const resume = defineCommand({
  meta: { name: "resume", description: "Continue an interview where it stopped" },
  args: { id: { type: "positional", required: true, description: "interview id (init list shows them)" }, ...common },
  async run({ args }) {
    const id = String(args.id);
    if (!isInterviewId(id))
      return unwrap(fail("badArgs", `'${id}' is not an interview id (interview_YYYYMMDD_HHMMSS…)`));
    // Unknown id first (exit 4), before any config, backend or database is touched.
    if (!(await knownInterview(id, args.db)))
      return unwrap(fail("unknownId", `no interview '${id}'`, { hint: "`ouroboros init list` shows interviews" }));
    const config = unwrap(loadConfig());
    const answers = answerSource(args, "init resume");
    const llm = llmFor(config, args);
    const backend = unwrap(await openBackend(args.db));
    const ilog = unwrap(await InterviewLog.open(backend, id));
    const s = ilog.state;
    log.info(
      `interview ${id}: ${s.status}, ${plural(s.rounds.length, "answer")}${s.ambiguity_score !== null ? `, ambiguity ${s.ambiguity_score.toFixed(2)}` : ""}`,
    );
    try {
      return exitCode(await driveInterview(backend, ilog, llm, answers, config, args));
    } finally {
      await backend.close();
    }
  },
});

const list = defineCommand({
  meta: { name: "list", description: "Interviews, newest first" },
  args: {
    json: { type: "boolean", description: "print JSON" },
    all: { type: "boolean", description: "include completed and aborted ones" },
  },
  run({ args }) {
    const rows = listStateFiles().filter((s) => args.all || s.status === "in_progress" || !s.seed_id);
    if (args.json) {
      outJson("interviews", {
        interviews: rows.map((s) => ({
          interview_id: s.interview_id,
          status: s.status,
          rounds: s.rounds.length,
          ambiguity_score: s.ambiguity_score,
          seed_id: s.seed_id,
          updated_at: s.updated_at,
          idea: s.initial_context.slice(0, 200),
        })),
      });
    } else if (rows.length === 0)
      log.info(
        args.all ? "no interviews yet: `ouroboros init start`" : "no open interviews (--all shows finished ones)",
      );
    else
      out(
        table(
          ["interview", "status", "rounds", "ambiguity", "updated", "idea"],
          rows.map((s) => [
            s.interview_id,
            s.status,
            s.rounds.length,
            s.ambiguity_score?.toFixed(2) ?? "-",
            s.updated_at.slice(0, 19).replace("T", " "),
            s.initial_context.replace(/\s+/g, " ").slice(0, 40),
          ]),
          { drop: ["updated", "ambiguity"], whole: ["interview"] },
        ),
      );
    return exitCode(EXIT.ok);
  },
});

export default defineCommand({
  meta: { name: "init", description: "Socratic interview that turns an idea into a seed" },
  subCommands: { start, resume, list },
});
