/**
 * What `init start` and `init resume` share: choose the driver (terminal or answers), run the
 * loop, generate the seed, report. Exit codes: 0 done or interrupted on a terminal (progress is
 * saved), 1 not ready / aborted, 64 missing flags, 65 no valid seed, 69 backend unreachable.
 */
import * as p from "@clack/prompts";
import { readFileSync } from "node:fs";
import type { LoadedConfig } from "../../config/load.ts";
import { EXIT, fail, unwrap } from "../../errors.ts";
import type { EventBackend } from "../../events/backend.ts";
import { createLlm, type Llm } from "../../llm/index.ts";
import { llmWithModel } from "../../llm/role-model.ts";
import { notReadyReason } from "../../interview/ambiguity.ts";
import { answersIO, type AnswersFile, readAnswers } from "../../interview/io-answers.ts";
import { terminalIO } from "../../interview/io-terminal.ts";
import type { InterviewLog } from "../../interview/log.ts";
import { runInterviewLoop } from "../../interview/loop.ts";
import { generateSeed } from "../../interview/seed-gen.ts";
import { acquireLock } from "../../util/lock.ts";
import { log, out, outJson } from "../output.ts";
import { executeRun } from "../run/execute.ts";
import { plural } from "../../util/plural.ts";

export interface DriveArgs {
  answers?: string;
  json?: boolean;
  force?: boolean;
  run?: boolean;
  runtime?: string;
  "llm-backend"?: string;
}

export const isInteractive = () => Boolean(process.stdin.isTTY) && Boolean(process.stderr.isTTY);

/** Answers from --answers, or null for a terminal; never a prompt without a terminal. */
export function answerSource(args: DriveArgs, command: string): AnswersFile | null {
  if (args.answers) return unwrap(readAnswers(String(args.answers), () => readFileSync(0, "utf8")));
  if (!isInteractive()) {
    unwrap(
      fail(
        "badArgs",
        `${command} needs a terminal, and stdin is not one: pass --answers <file|-> (a JSON or YAML list of answers)`,
        {
          hint: "answers may be /skip, /back or /done too; add --force to generate a seed that is not yet clear enough",
        },
      ),
    );
  }
  return null;
}

export function llmFor(config: LoadedConfig, args: DriveArgs): Llm {
  // Interview and seed generation calls run with clarification.default_model when set.
  return llmWithModel(
    unwrap(createLlm(config.config, process.env, args["llm-backend"] ?? null)),
    config.config.clarification.default_model,
  );
}

const interrupted = (id: string): never => {
  process.stderr.write(`\nInterview interrupted. Progress has been saved. Resume with: ouroboros init resume ${id}\n`);
  process.exit(EXIT.ok);
};

export async function driveInterview(
  backend: EventBackend,
  logRef: InterviewLog,
  llm: Llm,
  answers: AnswersFile | null,
  config: LoadedConfig,
  args: DriveArgs,
): Promise<number> {
  const id = logRef.state.interview_id;
  // One driver per interview: two terminals answering the same one would interleave rounds.
  const lock = acquireLock(id);
  if (!lock.ok)
    return unwrap(
      fail("failure", `interview ${id} is open in another process (pid ${lock.pid})`, {
        hint: "finish or stop it there first",
      }),
    );
  const threshold = config.config.clarification.ambiguity_threshold;
  const io = answers ? answersIO(answers, (l) => log.info(l), args.force === true) : terminalIO(() => interrupted(id));
  if (logRef.state.status === "aborted")
    return unwrap(
      fail(
        "failure",
        `interview ${id} was aborted${logRef.state.error ? ` (${logRef.state.error})` : ""} and cannot be resumed`,
        { hint: "start a new one with `ouroboros init start`" },
      ),
    );
  if (logRef.state.seed_path && logRef.state.status === "completed") {
    log.info(`interview ${id} is complete; its seed: ${logRef.state.seed_path}`);
    return report(logRef, args, logRef.state.seed_id, logRef.state.seed_path, 0);
  }
  for (;;) {
    const r = await runInterviewLoop(logRef, llm, io, { threshold });
    if (r.ok) {
      if (r.value.status === "interrupted") {
        if (!answers) return interrupted(id);
        const a = logRef.state.ambiguity;
        return unwrap(
          fail("failure", `the answers ran out before the interview was clear enough: ${notReadyReason(a)}`, {
            hint: `add answers and run \`ouroboros init resume ${id} --answers …\`, or pass --force`,
            data: { interview_id: id, status: logRef.state.status, ambiguity_score: a?.ambiguity_score ?? null },
          }),
        );
      }
      break;
    }
    // A failed question on a terminal: offer a retry; declining aborts the interview.
    if (answers || r.error.kind === "config" || r.error.kind === "runtimeUnavailable") return unwrap(r);
    log.error(r.error.message);
    const retry = await p.confirm({ message: "Retry?", initialValue: true, output: process.stderr });
    if (p.isCancel(retry)) return interrupted(id);
    if (!retry) {
      unwrap(await logRef.record("interview.failed", { error: r.error.message }));
      return unwrap(fail("failure", `interview ${id} aborted: ${r.error.message}`));
    }
  }
  const seed = unwrap(
    await generateSeed(logRef, llm, { force: args.force === true || logRef.state.ambiguity?.ready !== true }),
  );
  if (seed.repairs) log.info(`seed valid after ${plural(seed.repairs, "repair round")}`);
  const code = report(logRef, args, seed.seed_id, seed.path, seed.repairs);
  await backend.close();
  let run = Boolean(args.run);
  if (!run && !answers && !args.json) {
    const go = await p.confirm({ message: "Start the workflow now?", initialValue: false, output: process.stderr });
    run = go === true;
  }
  if (!run) {
    log.info(`run it with: ouroboros run workflow ${seed.path}${args.runtime ? ` --runtime ${args.runtime}` : ""}`);
    return code;
  }
  return executeRun({ seed: seed.path, runtime: args.runtime, "project-dir": process.cwd() });
}

function report(l: InterviewLog, args: DriveArgs, seedId: string | null, path: string | null, repairs: number): number {
  const s = l.state;
  if (args.json) {
    outJson("interview", {
      interview_id: s.interview_id,
      status: s.status,
      rounds: s.rounds.length,
      ambiguity_score: s.ambiguity_score,
      ready: s.ambiguity?.ready ?? false,
      seed_id: seedId,
      seed_path: path,
      repairs,
    });
  } else if (path) out(path);
  return EXIT.ok;
}
