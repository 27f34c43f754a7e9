/**
 * An in-process Agent that answers each pipeline prompt kind deterministically (by its marker
 * line). It does real work where the pipeline checks real effects: develop writes the files the
 * criterion expects, so stage 1 verifies actual files.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Agent, AgentEvent, AgentTask } from "../../src/pipeline/agent.ts";
import { MARK } from "../../src/pipeline/agent.ts";

export interface Script {
  /** Judge reply per AC description (or default). */
  judge?: (ac: string, attempt: number) => Record<string, unknown>;
  /** "ATOMIC" or a split JSON ({"children": [...]}) per criterion of the batched decompose prompt. */
  decompose?: (ac: string) => string;
  develop?: (ac: string, cwd: string, attempt: number) => boolean;
  /** The agent's closing report (its claim) at the end of the turn that delivers. */
  deliver?: (ac: string) => string;
  /** Writes files during a read-only turn (discover/define), like a model that ignores the rule. */
  writeWhenReadOnly?: boolean;
  reflect?: (generation: number) => Record<string, unknown>;
  exitJudge?: () => string;
  delayMs?: number;
  costPerCall?: number;
}

export class ScriptedAgent implements Agent {
  readonly name = "scripted";
  readonly canResume = true;
  readonly prompts: string[] = [];
  private attempts = new Map<string, number>();
  private generations = 0;
  constructor(private readonly script: Script = {}) {}

  async *run(task: AgentTask, signal: AbortSignal): AsyncIterable<AgentEvent> {
    this.prompts.push(task.prompt);
    if (this.script.delayMs) await Bun.sleep(this.script.delayMs);
    if (signal.aborted) {
      yield { kind: "final", ok: false, text: "", error: "cancelled", errorType: "cancelled" };
      return;
    }
    const ac = /Acceptance criterion(?: \([^)]*\))?: (.*)/.exec(task.prompt)?.[1] ?? "";
    const files = /Files that must exist afterwards: (.*)/.exec(task.prompt)?.[1]?.split(", ") ?? [];
    yield { kind: "handle", handle: { backend: "scripted", native_session_id: "ses_1" } };
    yield { kind: "usage", tokens: 10, costUsd: this.script.costPerCall ?? 0.001 };
    const s = this.script;
    const say = (text: string): AgentEvent => ({ kind: "final", ok: true, text });
    const first = task.prompt.split("\n")[0];
    if (first === MARK.decompose) {
      // Batched: one line "- <ac id> (depth n): <description>" per criterion.
      const items = [...task.prompt.matchAll(/^- (\S+) \(depth \d+\): (.*)$/gm)];
      const decisions = Object.fromEntries(
        items.map((m) => {
          const d = s.decompose?.(m[2]!) ?? "ATOMIC";
          return [m[1]!, d === "ATOMIC" ? d : JSON.parse(d)];
        }),
      );
      yield say(JSON.stringify({ decisions }));
    } else if (task.readOnly && s.writeWhenReadOnly) {
      writeFileSync(join(task.cwd, "sneaky.txt"), "written in a read-only turn\n");
      yield say("looked around");
    } else if (first === MARK.develop) {
      const n = (this.attempts.get(ac) ?? 0) + 1;
      this.attempts.set(ac, n);
      yield { kind: "tool", name: "Write", detail: files.join(",") };
      const write = s.develop?.(ac, task.cwd, n) ?? true;
      if (write)
        for (const f of files) {
          mkdirSync(dirname(join(task.cwd, f)), { recursive: true });
          writeFileSync(join(task.cwd, f), `made for: ${ac}\n`);
        }
      yield { kind: "tool_result", name: "Write" };
      yield say(task.prompt.includes("deliver:") ? (s.deliver?.(ac) ?? "changed files") : "changed files");
    } else if (first === MARK.deliver)
      yield say(s.deliver?.(ac) ?? '{"commands":[{"command":"test -f","exit_code":0}],"artifacts":[]}');
    else if (first === MARK.judge)
      yield say(
        JSON.stringify(
          s.judge?.(ac, this.attempts.get(ac) ?? 1) ?? {
            ac_compliance: true,
            score: 0.9,
            principles: {},
            reward_hacking_risk: 0,
            uncertainty: 0,
            drift_score: 0,
          },
        ),
      );
    else if (first === MARK.vote) yield say('{"approved": true, "confidence": 0.8}');
    else if (first === MARK.reflect)
      yield say(JSON.stringify(s.reflect?.(++this.generations) ?? { refined: [], ontology: { g: this.generations } }));
    else if (first === MARK.exitJudge) yield say(s.exitJudge?.() ?? "NO");
    else yield say(`notes for ${first}`);
  }
}
