/** A runtime declared in a file for the tests: the real claude CLI under another name. */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "./helpers.ts";

/** The real claude CLI declared through a runtime file: argv, parser, resume and env all from the file. */
export const DECLARED_CLAUDE = `# claude, declared without a built-in adapter
display_name: Claude Code (declared)
binary: claude
argv: ["-p", "--output-format", "stream-json", "--verbose", "--permission-mode", "bypassPermissions", ["--model", "{model}"]]
output: claude-stream-json
resume_args: ["--resume", "{session_id}"]
env:
  ANTHROPIC_BASE_URL: "\${ANTHROPIC_BASE_URL}"
  ANTHROPIC_API_KEY: "\${ANTHROPIC_API_KEY}"
  CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1"
  CLAUDE_CODE_MAX_RETRIES: "0"
  DISABLE_AUTOUPDATER: "1"
  IS_SANDBOX: "1"
install_hint: npm install -g @anthropic-ai/claude-code
capabilities: { structured_output: true }
`;

/** An OUROBOROS_HOME whose runtimes/ declares `name` with `yaml`. */
export function declaringHome(name: string, yaml: string): string {
  const home = tempDir("declared-home");
  mkdirSync(join(home, "runtimes"));
  writeFileSync(join(home, "runtimes", `${name}.yaml`), yaml);
  return home;
}
