/**
 * Interview → seed YAML. The model's reply is parsed, mapped onto the seed shape and validated by
 * the same loader `seed validate` uses. Failures go back to the model with the exact problem
 * list, at most `maxRepairRounds` times; each attempt gets a new seed id and an event.
 */
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { paths } from "../config/paths.ts";
import { writeFileAtomic } from "../util/write-file-atomic.ts";
import { fail, ok, type Result } from "../errors.ts";
import type { ChatMessage, Llm } from "../llm/index.ts";
import { parseSeedText } from "../seed/load.ts";
import { validateSeed } from "../seed/validate.ts";
import { newId } from "../seed/ids.ts";
import { notReadyReason } from "./ambiguity.ts";
import type { InterviewLog } from "./log.ts";
import { seedMessages } from "./prompts.ts";
import { parseSeedReply, seedObject } from "./seed-reply.ts";

export const MAX_REPAIR_ROUNDS = 5;

export interface SeedOutcome {
  seed_id: string;
  path: string;
  ambiguity: number | null;
  ac_count: number;
  /** Repair rounds used (0 = valid at first try). */
  repairs: number;
}

export interface GenerateOptions {
  force?: boolean;
  maxRepairRounds?: number;
  /** Where to save; default ~/.ouroboros/seeds. */
  dir?: string;
}

/** Refuse an interview that is not ready unless forced. */
export function gate(log: InterviewLog, force: boolean): Result<void> {
  const a = log.state.ambiguity;
  if (force || a?.ready) return ok(undefined);
  if (!a)
    return fail(
      "failure",
      `interview ${log.state.interview_id} has no ambiguity score yet (it is scored from round 3)`,
      { hint: "answer more questions, or pass --force to generate anyway" },
    );
  return fail("failure", `not ready for a seed: ${notReadyReason(a)}`, {
    hint: "answer more questions, or pass --force to generate anyway",
  });
}

/** One validation pass over a reply: the problems as lines the model (and a human) can act on. */
function validate(
  reply: string,
  meta: Record<string, unknown>,
): { yaml?: string; acCount?: number; problems: string[] } {
  const parsed = parseSeedReply(reply);
  if (!parsed.ok) return { problems: [...(parsed.error.details ?? [parsed.error.message])] };
  const yaml = stringify(seedObject(parsed.value, meta), { lineWidth: 0 });
  const load = parseSeedText("seed.yaml", yaml);
  // The same validator as `seed validate` and dry-run: a generated seed must pass both.
  const errors = validateSeed(load).errors;
  if (errors.length || !load.seed) return { problems: errors.map((p) => `${p.path || "seed"}: ${p.message}`) };
  return { yaml, acCount: load.seed.acceptance_criteria.length, problems: [] };
}

export async function generateSeed(
  log: InterviewLog,
  llm: Llm,
  opts: GenerateOptions = {},
): Promise<Result<SeedOutcome>> {
  const g = gate(log, opts.force === true);
  if (!g.ok) return g;
  const s = log.state;
  const maxRepairs = Math.max(0, opts.maxRepairRounds ?? MAX_REPAIR_ROUNDS);
  const messages: ChatMessage[] = seedMessages(s);
  let parent: string | null = null;
  let problems: string[] = [];
  for (let round = 0; round <= maxRepairs; round++) {
    const seedId = newId.seed();
    const reply = await llm.complete(messages, { temperature: 0.2, max_tokens: 4096 });
    if (!reply.ok) return reply;
    const meta = {
      seed_id: seedId,
      ambiguity_score: s.ambiguity_score ?? 1,
      interview_id: s.interview_id,
      parent_seed_id: parent,
      created_at: new Date().toISOString(),
      generation_mode: opts.force && !s.ambiguity?.ready ? "forced" : "normal",
    };
    const checked = validate(reply.value.content, meta);
    problems = checked.problems;
    if (checked.yaml && checked.acCount !== undefined) {
      const file = join(opts.dir ?? paths.seeds(), `${seedId}.yaml`);
      if (existsSync(file)) return fail("failure", `${file} already exists`);
      writeFileAtomic(file, checked.yaml, 0o644);
      const ev = await log.record("seed.created", {
        seed_id: seedId,
        ...(s.ambiguity_score !== null ? { ambiguity: s.ambiguity_score } : {}),
        ac_count: checked.acCount,
        path: file,
        repairs: round,
        parent_seed_id: parent,
      });
      if (!ev.ok) {
        rmSync(file, { force: true }); // the log is the truth: no seed file it does not know of
        return ev;
      }
      return ok({
        seed_id: seedId,
        path: file,
        ambiguity: s.ambiguity_score,
        ac_count: checked.acCount,
        repairs: round,
      });
    }
    const ev = await log.record("seed.repair.attempted", { seed_id: seedId, round: round + 1, errors: problems });
    if (!ev.ok) return ev;
    parent = seedId;
    messages.push(
      { role: "assistant", content: reply.value.content.slice(0, 8_000) },
      {
        role: "user",
        content: `That seed failed validation:\n${problems.map((p) => `- ${p}`).join("\n")}\nReply again in exactly the same KEY: value format, fixing exactly these problems.`,
      },
    );
  }
  await log.record("seed.generation.failed", {
    error: `no valid seed after ${maxRepairs} repair rounds`,
    errors: problems,
  });
  return fail("invalidData", `no valid seed after ${maxRepairs} repair round(s); last problems:`, {
    details: problems,
    hint: "answer more questions (init resume) and try again",
  });
}
