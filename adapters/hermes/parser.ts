/**
 * Hermes parser: a `session_id: <id>` line (stderr since 0.11, stdout
 * before) becomes the session; a leading `┌─ Reasoning` box is dropped; the rest of stdout is
 * the answer. No tokens or cost.
 */
import type { ExitInfo } from "../../src/adapter-kit/adapter.ts";
import type { RuntimeMessage } from "../../src/adapter-kit/messages.ts";
import { BaseParser, stripAnsi } from "../../src/adapter-kit/parse-kit.ts";

const SESSION_LINE = /^\s*session_id:\s*(\S+)\s*$/;

export class HermesParser extends BaseParser {
  private lines: string[] = [];
  private inBox = false;

  constructor(cwd: string) {
    super("hermes", cwd);
  }

  feed(line: string): RuntimeMessage[] {
    const clean = stripAnsi(line).trimEnd();
    const m = SESSION_LINE.exec(clean);
    if (m) return this.session(m[1]);
    if (this.lines.length === 0 && clean.startsWith("┌─ Reasoning")) {
      this.inBox = true;
      return [];
    }
    if (this.inBox) {
      if (clean.startsWith("└")) this.inBox = false;
      return [];
    }
    if (clean === "" && this.lines.length === 0) return [];
    this.lines.push(clean);
    return clean === "" ? [] : [{ type: "text", text: clean }];
  }

  override feedStderr(line: string): RuntimeMessage[] {
    const m = SESSION_LINE.exec(stripAnsi(line));
    return m ? this.session(m[1]) : [];
  }

  finish(exit: ExitInfo): RuntimeMessage[] {
    const text = this.lines.join("\n").trim();
    const stderr = exit.stderrTail
      .filter((l) => !SESSION_LINE.test(l))
      .join("\n")
      .trim();
    const e = this.exitError(exit, `Hermes execution failed:\n${stderr || text}`);
    return [e ? this.failed(e, { text, exit_code: exit.exitCode }) : this.ok(text, null, exit.exitCode)];
  }
}

export const createParser = (cwd: string) => new HermesParser(cwd);
