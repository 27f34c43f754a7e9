/**
 * Kiro plain-text parser (spec runtimes.md §2.6): ANSI sequences and a leading `> ` are stripped,
 * each remaining line is assistant text, the answer is the joined lines. No session id is
 * printed; when the task resumed a known id, that id is the session.
 */
import type { ExitInfo } from "../../src/runtime/adapter.ts";
import type { RuntimeMessage } from "../../src/runtime/messages.ts";
import { BaseParser, stripAnsi } from "../../src/runtime/parse-kit.ts";

export class KiroParser extends BaseParser {
  private lines: string[] = [];

  constructor(
    cwd: string,
    private readonly resumeId: string | null,
  ) {
    super("kiro", cwd);
  }

  feed(line: string): RuntimeMessage[] {
    const clean = stripAnsi(line).replace(/^> ?/, "").trimEnd();
    const out = this.resumeId && !this.sessionId ? this.session(this.resumeId) : [];
    if (clean === "") return out;
    this.lines.push(clean);
    out.push({ type: "text", text: clean });
    return out;
  }

  finish(exit: ExitInfo): RuntimeMessage[] {
    const text = this.lines.join("\n");
    const stderr = exit.stderrTail.join("\n").trim();
    const e = this.exitError(exit, `Kiro CLI failed (exit ${exit.exitCode ?? exit.signal}): ${stderr || text}`);
    return [e ? this.failed(e, { text, exit_code: exit.exitCode }) : this.ok(text, null, exit.exitCode)];
  }
}

export const createParser = (cwd: string, resumeId: string | null) => new KiroParser(cwd, resumeId);
