/**
 * Kiro plain-text parser: ANSI sequences and a leading `> ` are stripped,
 * each remaining line is assistant text, the answer is the joined lines. Newer kiro-cli builds
 * print the session id on a line of its own (a JSON object with `session_id`/`sessionId`, or
 * `Session ID: <id>`); that line becomes the session, not text. When none is printed and the task
 * resumed a known id, that id is the session.
 */
import type { ExitInfo } from "../../src/adapter-kit/adapter.ts";
import type { RuntimeMessage } from "../../src/adapter-kit/messages.ts";
import { BaseParser, stripAnsi } from "../../src/adapter-kit/parse-kit.ts";

const ID_LINE = /^session[ _-]?id:\s*([A-Za-z0-9_-]+)$/i;

/** The session id a line announces, or null when it is ordinary text. */
export function announcedSession(clean: string): string | null {
  const plain = ID_LINE.exec(clean);
  if (plain) return plain[1]!;
  if (!clean.startsWith("{")) return null;
  try {
    const o = JSON.parse(clean) as Record<string, unknown>;
    const id = o.session_id ?? o.sessionId;
    return typeof id === "string" && Object.keys(o).every((k) => ["type", "session_id", "sessionId"].includes(k))
      ? id
      : null;
  } catch {
    return null;
  }
}

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
    const announced = announcedSession(clean);
    if (announced) return this.session(announced);
    if (clean === "") return [];
    this.lines.push(clean);
    return [{ type: "text", text: clean }];
  }

  finish(exit: ExitInfo): RuntimeMessage[] {
    const text = this.lines.join("\n");
    const stderr = exit.stderrTail.join("\n").trim();
    const e = this.exitError(exit, `Kiro CLI failed (exit ${exit.exitCode ?? exit.signal}): ${stderr || text}`);
    const known = !this.sessionId && this.resumeId ? this.session(this.resumeId) : [];
    return [...known, e ? this.failed(e, { text, exit_code: exit.exitCode }) : this.ok(text, null, exit.exitCode)];
  }
}

export const createParser = (cwd: string, resumeId: string | null) => new KiroParser(cwd, resumeId);
