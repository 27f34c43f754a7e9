/**
 * The generic plain-text stream parser (`output: plain-text` for runtimes declared in files):
 * ANSI sequences stripped, each non-empty stdout line is assistant text, the answer is the joined
 * lines; a non-zero exit is an error naming stderr. No session id, tokens or cost.
 */
import type { ExitInfo, LineParser } from "../adapter-kit/adapter.ts";
import type { RuntimeMessage } from "../adapter-kit/messages.ts";
import { BaseParser, stripAnsi } from "../adapter-kit/parse-kit.ts";

class PlainTextParser extends BaseParser {
  private lines: string[] = [];

  feed(line: string): RuntimeMessage[] {
    const clean = stripAnsi(line).trimEnd();
    if (clean === "") return [];
    this.lines.push(clean);
    return [{ type: "text", text: clean }];
  }

  finish(exit: ExitInfo): RuntimeMessage[] {
    const text = this.lines.join("\n");
    const stderr = exit.stderrTail.join("\n").trim();
    const e = this.exitError(
      exit,
      `${this.runtime} failed (exit ${exit.exitCode ?? exit.signal})${stderr || text ? `: ${stderr || text}` : ""}`,
    );
    return [e ? this.failed(e, { text, exit_code: exit.exitCode }) : this.ok(text, null, exit.exitCode)];
  }
}

export const createPlainTextParser = (runtime: string, cwd: string): LineParser => new PlainTextParser(runtime, cwd);
