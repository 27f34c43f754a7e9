/**
 * The command tree. Each command lives in its own file; adding one is one line in `commands`
 * (and its one-line summary in DESCRIPTIONS for the top-level help, which loads no command module). Modules load lazily, so
 * `--help` and small commands do not pay for the big ones.
 */
import type { SubCommandsDef } from "citty";

export const commands: SubCommandsDef = {
  seed: () => import("./seed.ts").then((m) => m.default),
  run: () => import("./run.ts").then((m) => m.default),
  events: () => import("./events.ts").then((m) => m.default),
  status: () => import("./status.ts").then((m) => m.default),
  config: () => import("./config.ts").then((m) => m.default),
  cancel: () => import("./cancel.ts").then((m) => m.default),
  runtimes: () => import("./runtimes.ts").then((m) => m.default),
  tui: () => import("./tui.ts").then((m) => m.default),
  setup: () => import("./setup.ts").then((m) => m.default),
  init: () => import("./init.ts").then((m) => m.default),
  auto: () => import("./auto.ts").then((m) => m.default),
  mcp: () => import("./mcp.ts").then((m) => m.default),
  upgrade: () => import("./upgrade.ts").then((m) => m.default),
};

/** Shown by `ouroboros --help` without loading any command module. */
export const DESCRIPTIONS: Record<string, string> = {
  seed: "Validate seed files (seed validate <file>...)",
  run: "Run a seed through the six-phase pipeline (run workflow <seed> [--dry-run])",
  events: "Print or follow the event log; export and import sessions",
  status: "Sessions and their status, or one session's ACs, phases and cost",
  config: "Show, read and change the configuration",
  runtimes: "Agent CLIs: installed?, version, auth, capabilities",
  tui: "Live dashboard of sessions and their ACs",
  init: "Socratic interview that turns an idea into a seed",
  auto: "Idea → interview → seed → run, answered by the model",
  setup: "Register Ouroboros with an agent CLI (MCP server, skills)",
  mcp: "MCP server for agent CLIs (mcp serve)",
  cancel: "Cancel a running session",
  upgrade: "Compare with the latest release (upgrade --check)",
};
