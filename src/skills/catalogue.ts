/**
 * The `ooo` skills: the ONE source from which every runtime's skill
 * files, rules and capability guides are generated. Compiled into the binary as data.
 * `mcp_args` values may use `$1` (the text after the command) and `$CWD`.
 */

export interface Skill {
  /** Command name: `ooo <name>`; "ooo" is the bare command. */
  name: string;
  aliases: readonly string[];
  description: string;
  /** MCP tools this skill calls, first = the main one; empty = answered in chat / by the CLI. */
  mcp_tools: readonly string[];
  mcp_args?: Readonly<Record<string, string>>;
  /** What the agent does, in a few imperative lines. */
  steps: readonly string[];
}

export const SKILLS: readonly Skill[] = [
  {
    name: "ooo",
    aliases: [],
    description: "First-run onboarding: what Ouroboros is and the first command to try",
    mcp_tools: [],
    steps: [
      "Explain in three lines: interview → seed → run → evaluate.",
      "Suggest `ooo interview <idea>` as the first step, or `ooo help` for all commands.",
    ],
  },
  {
    name: "welcome",
    aliases: [],
    description: "First-touch introduction to Ouroboros",
    mcp_tools: [],
    steps: [
      "Introduce the spec-first loop: a Socratic interview removes ambiguity, the seed fixes the goal and acceptance criteria, runs are evaluated against it.",
      "Point to `ooo tutorial` and `ooo interview`.",
    ],
  },
  {
    name: "setup",
    aliases: [],
    description: "Guided setup: runtime, MCP registration, project",
    mcp_tools: [],
    steps: [
      "Run `$OURO setup --runtime <this runtime>` in a shell (add `--dry-run` to preview the diff).",
      "Tell the user to restart this CLI if the MCP server was newly registered.",
    ],
  },
  {
    name: "tutorial",
    aliases: [],
    description: "Hands-on tutorial of the interview → seed → run loop",
    mcp_tools: [],
    steps: [
      "Walk the user through `ooo interview` on a tiny idea, then `ooo seed`, `ooo run` and `ooo evaluate`, one step at a time, waiting for them between steps.",
    ],
  },
  {
    name: "help",
    aliases: [],
    description: "Full reference of the ooo commands",
    mcp_tools: [],
    steps: ["List every `ooo` command of this guide with its one-line description and aliases."],
  },
  {
    name: "interview",
    aliases: ["socratic"],
    description: "Socratic interview until ambiguity ≤ 0.2",
    mcp_tools: ["ouroboros_interview"],
    mcp_args: { initial_context: "$1", cwd: "$CWD" },
    steps: [
      "Start with `initial_context`; continue with `session_id` + `answer`, relaying each question to the user verbatim.",
      "Stop when the tool reports ambiguity ≤ 0.2, then offer `ooo seed`.",
    ],
  },
  {
    name: "seed",
    aliases: ["crystallize"],
    description: "Generate a seed from an interview session",
    mcp_tools: ["ouroboros_generate_seed"],
    mcp_args: { session_id: "$1" },
    steps: ["Pass the interview `session_id`; show the seed's goal and acceptance criteria; offer `ooo run`."],
  },
  {
    name: "run",
    aliases: ["execute"],
    description: "Execute a seed and follow its acceptance-criteria tree",
    mcp_tools: ["ouroboros_start_execute_seed", "ouroboros_job_wait", "ouroboros_job_result"],
    mcp_args: { seed_path: "$1", cwd: "$CWD" },
    steps: [
      "Start the run, then poll `ouroboros_job_wait` (≤ 5 s per call) and report AC progress until done.",
      "Show the final result from `ouroboros_job_result`.",
    ],
  },
  {
    name: "auto",
    aliases: [],
    description: "Goal → A-grade seed → run, answered by the model",
    mcp_tools: ["ouroboros_start_auto", "ouroboros_job_wait", "ouroboros_job_result"],
    mcp_args: { goal: "$1", cwd: "$CWD" },
    steps: ["Start with the goal, then follow the job with `ouroboros_job_wait` and report each phase."],
  },
  {
    name: "status",
    aliases: ["drift"],
    description: "Session status and goal drift",
    mcp_tools: ["ouroboros_session_status", "ouroboros_measure_drift"],
    mcp_args: { session_id: "$1" },
    steps: [
      "Show phase, progress and errors; for `drift` also the drift score and its goal/constraint/ontology parts.",
    ],
  },
  {
    name: "evaluate",
    aliases: ["eval"],
    description: "Three-stage evaluation: mechanical, semantic, consensus",
    mcp_tools: ["ouroboros_start_evaluate", "ouroboros_job_wait", "ouroboros_job_result"],
    mcp_args: { session_id: "$1", working_dir: "$CWD" },
    steps: ["Start the evaluation, follow the job, then report each stage's verdict."],
  },
  {
    name: "evolve",
    aliases: [],
    description: "Start or watch an evolution lineage",
    mcp_tools: ["ouroboros_start_evolve_step", "ouroboros_lineage_status"],
    mcp_args: { lineage_id: "$1" },
    steps: ["Run one generation (or show the lineage when asked to watch) and report convergence."],
  },
  {
    name: "ralph",
    aliases: [],
    description: "Loop generations until converged or capped",
    mcp_tools: ["ouroboros_start_ralph", "ouroboros_job_wait"],
    mcp_args: { lineage_id: "$1" },
    steps: ["Start the loop, follow it with `ouroboros_job_wait`, report each generation."],
  },
  {
    name: "unstuck",
    aliases: ["stuck", "lateral"],
    description: "Lateral thinking: one persona or a multi-persona debate",
    mcp_tools: ["ouroboros_lateral_think"],
    mcp_args: { problem_context: "$1" },
    steps: ["Describe the problem and the current approach; present the persona's alternative plainly."],
  },
  {
    name: "qa",
    aliases: [],
    description: "QA verdict for any artefact",
    mcp_tools: ["ouroboros_qa"],
    mcp_args: { artifact: "$1", cwd: "$CWD" },
    steps: ["Show the verdict, the score against `pass_threshold` and the concrete findings."],
  },
  {
    name: "pm",
    aliases: [],
    description: "PM/PRD interview and document",
    mcp_tools: ["ouroboros_pm_interview"],
    mcp_args: { initial_context: "$1", cwd: "$CWD" },
    steps: ["Run the PM interview like `ooo interview`; on request generate the PRD with `action='generate'`."],
  },
  {
    name: "brownfield",
    aliases: [],
    description: "Manage default repositories for interviews",
    mcp_tools: ["ouroboros_brownfield"],
    mcp_args: { action: "$1", scan_root: "$CWD" },
    steps: [
      "Use `action` scan (default) / register (make it the default project for interviews) / query as the user asks.",
    ],
  },
  {
    name: "cancel",
    aliases: ["kill", "abort"],
    description: "Cancel stuck or orphaned runs",
    mcp_tools: [],
    steps: ["Run `$OURO cancel <session>` in a shell (`$OURO status` lists sessions) and report its output."],
  },
  {
    name: "resume-session",
    aliases: [],
    description: "List in-flight sessions and how to re-attach",
    mcp_tools: [],
    steps: ["Run `$OURO status` in a shell; for each running session show `$OURO run workflow <seed> --resume <id>`."],
  },
  {
    name: "publish",
    aliases: [],
    description: "Turn a seed into GitHub issues (via gh)",
    mcp_tools: [],
    steps: [
      "Read the seed file; create one issue per acceptance criterion with `gh issue create`, after showing the list to the user.",
    ],
  },
  {
    name: "config",
    aliases: [],
    description: "Show and change settings",
    mcp_tools: [],
    steps: ["Run `$OURO config show`; change values with `$OURO config set <key> <value>`."],
  },
  {
    name: "update",
    aliases: [],
    description: "Check for and install a new version",
    mcp_tools: [],
    steps: ["Run `$OURO --version` and tell the user how they installed it so they can update the same way."],
  },
];

export const skillByName = (name: string): Skill | undefined =>
  SKILLS.find((s) => s.name === name || s.aliases.includes(name));
