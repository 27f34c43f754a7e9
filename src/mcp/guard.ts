/**
 * Recursion guard. An agent CLI that Ouroboros itself drives (a pipeline run, auto, an interview,
 * or a job of this very server) may have the Ouroboros MCP server registered; serving it there
 * would let the agent start runs inside runs. The environment does not survive the agent CLI
 * (codex hands MCP servers a filtered one), so the process ancestry is checked instead (Linux /proc;
 * elsewhere the guard is off).
 */
import { existsSync, readFileSync, readlinkSync, realpathSync } from "node:fs";

const DRIVING = new Set(["run", "auto", "init"]);

function isOuroboros(pid: number, self: string): string[] | null {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
    const exe = realpathSync(readlinkSync(`/proc/${pid}/exe`));
    // Compiled binary: same executable. From source: bun running src/cli/main.ts.
    if (exe === self && !self.endsWith("/bun")) return argv.slice(1);
    const i = argv.findIndex((a) => a.endsWith("/src/cli/main.ts"));
    return i >= 0 ? argv.slice(i + 1) : null;
  } catch {
    return null;
  }
}

const parentOf = (pid: number): number =>
  Number(readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ")[1] ?? 0);

/** The driving Ouroboros ancestor (pid and command), or null. */
export function drivingAncestor(): { pid: number; command: string } | null {
  if (!existsSync("/proc/self/stat")) return null;
  let self: string;
  try {
    self = realpathSync(process.execPath);
  } catch {
    return null;
  }
  let pid = process.ppid;
  for (let depth = 0; pid > 1 && depth < 64; depth++) {
    const args = isOuroboros(pid, self);
    if (args) {
      const words = args.filter((a) => !a.startsWith("-"));
      if (DRIVING.has(words[0] ?? "") || (words[0] === "mcp" && words[1] === "serve"))
        return { pid, command: words.slice(0, 2).join(" ") };
    }
    try {
      pid = parentOf(pid);
    } catch {
      return null;
    }
  }
  return null;
}
