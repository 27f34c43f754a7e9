/**
 * Render the skill catalogue into what each host reads: SKILL.md files (Claude, Codex, Hermes),
 * and one capability guide (managed markdown section / rules / steering / instructions).
 * `self` is the absolute path of the ouroboros binary, substituted for `$OURO`.
 */
import { MANAGED_MARK } from "../setup/edits.ts";
import type { HostPlan } from "../setup/planner.ts";
import { type Skill, SKILLS } from "./catalogue.ts";

const q = (s: string) => JSON.stringify(s);
export const skillDir = (s: Skill) => s.name;
const cmd = (s: Skill) => (s.name === "ooo" ? "ooo" : `ooo ${s.name}`);
const fill = (text: string, self: string) => text.replaceAll("$OURO", self);

function toolLine(s: Skill): string {
  if (!s.mcp_tools.length) return "No MCP tool: answer in chat or run the shell command below.";
  const args = s.mcp_args
    ? ` with ${Object.entries(s.mcp_args)
        .map(
          ([k, v]) =>
            `\`${k}\` = ${v === "$1" ? "the text after the command" : v === "$CWD" ? "the current directory" : v}`,
        )
        .join(", ")}`
    : "";
  return `Call the \`ouroboros\` MCP server's \`${s.mcp_tools[0]}\`${args}${
    s.mcp_tools.length > 1
      ? `; then ${s.mcp_tools
          .slice(1)
          .map((t) => `\`${t}\``)
          .join(", ")}`
      : ""
  }.`;
}

/** One SKILL.md with the frontmatter (name, description, aliases, mcp_tool, mcp_args). */
export function renderSkill(s: Skill, self: string): string {
  const front = [
    "---",
    `name: ${q(`ouroboros-${s.name}`)}`,
    `description: ${q(`${s.description}. Use when the user types \`${cmd(s)}\`${s.aliases.map((a) => ` or \`ooo ${a}\``).join("")} or /ouroboros:${s.name}.`)}`,
    `aliases: [${s.aliases.map(q).join(", ")}]`,
    ...(s.mcp_tools[0] ? [`mcp_tool: ${q(s.mcp_tools[0])}`] : []),
    ...(s.mcp_args ? [`mcp_args: ${JSON.stringify(s.mcp_args)}`] : []),
    "---",
  ];
  return [
    ...front,
    `<!-- ${MANAGED_MARK}: written by \`ouroboros setup\`; edits are replaced on the next setup -->`,
    "",
    `# ${cmd(s)}`,
    "",
    `${s.description}.`,
    "",
    toolLine(s),
    "",
    ...s.steps.map((l) => `- ${fill(l, self)}`),
    "",
    missingToolsLine(self),
    "",
  ].join("\n");
}

const missingToolsLine = (self: string) =>
  `If the \`ouroboros\` MCP tools are not available in this session, say so plainly and suggest \`${self} mcp doctor\` and \`${self} setup\`; do not imitate the tool in chat.`;

/** The capability guide: every command on one page, for hosts without skill folders. */
export function capabilityGuide(self: string): string {
  const rows = SKILLS.map(
    (s) =>
      `| \`${cmd(s)}\` | ${s.aliases.map((a) => `\`${a}\``).join(", ")} | ${s.description} | ${s.mcp_tools.map((t) => `\`${t}\``).join(", ") || fill(s.steps[0]!, self).replaceAll("|", "\\|")} |`,
  );
  return [
    "# Ouroboros `ooo` commands",
    "",
    "When a message starts with `ooo <command>` or `/ouroboros:<command>`, run that command: call the",
    "listed tool of the `ouroboros` MCP server (arguments: the text after the command, and the current",
    "directory as `cwd`), relay its questions and results verbatim, and follow long jobs with",
    "`ouroboros_job_wait` (at most 5 s per call).",
    missingToolsLine(self),
    "",
    "| command | aliases | does | tool |",
    "|---|---|---|---|",
    ...rows,
  ].join("\n");
}

/** A whole managed markdown file (Codex rules, Kiro steering, Copilot instructions). */
export function managedGuideFile(self: string): string {
  return `<!-- ${MANAGED_MARK}: written by \`ouroboros setup\`; edits are replaced on the next setup -->\n${capabilityGuide(self)}\n`;
}

/** Hermes: one skill folder `ouroboros/` whose SKILL.md indexes the commands. */
export function hermesSkill(self: string): string {
  return [
    "---",
    'name: "ouroboros"',
    `description: ${q("Spec-first workflow engine: `ooo` commands (interview, seed, run, evaluate, evolve…) through the ouroboros MCP server.")}`,
    "---",
    `<!-- ${MANAGED_MARK}: written by \`ouroboros setup\`; edits are replaced on the next setup -->`,
    capabilityGuide(self),
    "",
  ].join("\n");
}

/** `<dir>/ouroboros-<skill>/SKILL.md` for every catalogue skill; stale managed ones pruned. */
export function skillFolders(plan: HostPlan, action: "install" | "uninstall", dir: string, self: string): void {
  const wanted = new Map(action === "install" ? SKILLS.map((s) => [skillDir(s), renderSkill(s, self)] as const) : []);
  plan.managedDir(dir, "ouroboros-", "SKILL.md", wanted);
}
