/**
 * Terminal driver (@clack/prompts, drawn on stderr so stdout stays product output). Typed
 * commands: /skip, /back, /done. Ctrl-C at any prompt or spinner ends with the progress saved.
 */
import * as p from "@clack/prompts";
import { type Ambiguity, describeAmbiguity, FIRST_SCORED_ROUND, notReadyReason } from "./ambiguity.ts";
import type { InterviewIO, Reply } from "./loop.ts";

const output = process.stderr;
export const COMMANDS_HINT = "/skip · /back · /done";

export function parseReply(text: string): Reply {
  const t = text.trim();
  const cmd = t.toLowerCase();
  if (cmd === "/skip") return { kind: "skip" };
  if (cmd === "/back") return { kind: "back" };
  if (cmd === "/done") return { kind: "done" };
  return { kind: "answer", text: t };
}

export function terminalIO(onInterrupt: () => never): InterviewIO {
  return {
    async ask(round, question) {
      const r = await p.text({
        message: `Round ${round} · ${question}`,
        placeholder: `your answer, or ${COMMANDS_HINT}`,
        validate: (v) => (!v?.trim() ? `An answer is required (or ${COMMANDS_HINT})` : undefined),
        output,
      });
      return p.isCancel(r) ? { kind: "cancel" } : parseReply(r);
    },
    progress(round, a) {
      if (a) p.log.step(describeAmbiguity(a), { output });
      else p.log.step(`Answer ${round} recorded · ambiguity is scored from round ${FIRST_SCORED_ROUND}`, { output });
    },
    async confirmReady(a: Ambiguity) {
      const r = await p.confirm({
        message: `Ambiguity ${a.ambiguity_score.toFixed(2)} ≤ ${a.threshold.toFixed(2)}: proceed to seed generation?`,
        initialValue: true,
        output,
      });
      return p.isCancel(r) ? "cancel" : r;
    },
    async notReady(a) {
      const why = notReadyReason(a);
      const r = await p.select({
        message: `Not ready for a seed: ${why}. What now?`,
        options: [
          { value: "continue" as const, label: "Continue with more questions" },
          { value: "force" as const, label: "Generate the seed anyway" },
          { value: "cancel" as const, label: "Stop here (resume later)" },
        ],
        initialValue: "continue" as const,
        output,
      });
      return p.isCancel(r) ? "cancel" : r;
    },
    async busy(label, work) {
      const s = p.spinner({ output, onCancel: onInterrupt });
      s.start(label);
      try {
        return await work();
      } finally {
        if (!s.isCancelled) s.clear();
      }
    },
    rejected(message) {
      p.log.warn(message, { output });
    },
    undone(round) {
      p.log.info(`Went back: answer ${round} removed; its question comes again`, { output });
    },
  };
}
