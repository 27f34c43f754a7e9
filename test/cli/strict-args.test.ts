/**
 * Every command refuses what it does not understand (exit 64, naming it, with the closest valid
 * flag), shares one help style, reports unknown ids as exit 4, and read-only commands create
 * nothing on a fresh home. The command list is walked from the real command tree, so a new
 * command or flag is covered without editing this file.
 */
import { describe, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import type { ArgsDef, CommandDef } from "citty";
import { closest } from "../../src/cli/argv.ts";
import { root } from "../../src/cli/main.ts";
import { ROOT, runCli, tempHome } from "../lib/cli.ts";

const resolveDef = async (d: unknown): Promise<CommandDef<any>> =>
  typeof d === "function" ? (d as () => Promise<CommandDef<any>>)() : (d as CommandDef<any>);

/** Every runnable command as its name path, with its args definition. */
async function leaves(cmd: CommandDef<any>, names: string[] = []): Promise<{ names: string[]; args: ArgsDef }[]> {
  const subs = {
    ...((await resolveDef(cmd.subCommands ?? {})) as object),
    ...((cmd as { dispatch?: object }).dispatch ?? {}),
  } as Record<string, unknown>;
  const found: { names: string[]; args: ArgsDef }[] = cmd.run ? [{ names, args: (cmd.args ?? {}) as ArgsDef }] : [];
  for (const [n, s] of Object.entries(subs)) found.push(...(await leaves(await resolveDef(s), [...names, n])));
  return found;
}

/** A plausible typo of a flag name: its last letter dropped (`--json` → `--jso`), or a swap for short names. */
const typo = (flag: string) => (flag.length > 4 ? flag.slice(0, -1) : `${flag}x`);

async function inBatches<T, R>(items: T[], n: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += n) out.push(...(await Promise.all(items.slice(i, i + n).map(fn))));
  return out;
}

describe("strict arguments", async () => {
  const all = await leaves(root);

  test("the command tree is walked (a new command is covered automatically)", () => {
    const names = all.map((l) => l.names.join(" "));
    for (const expected of [
      "status",
      "events",
      "events export",
      "runtimes",
      "run workflow",
      "config show",
      "init resume",
      "mcp doctor",
      "seed validate",
    ])
      expect(names).toContain(expected);
  });

  test("a typo of one of its flags: exit 64, the flag named, the right one suggested (every command)", async () => {
    const home = tempHome();
    const results = await inBatches(all, 4, async ({ names, args }) => {
      const flags = Object.entries(args)
        .filter(([, d]) => d.type !== "positional")
        .map(([n]) => n);
      const flag = flags.find((f) => f.length > 3) ?? "quiet";
      const bad = `--${typo(flag)}`;
      // The typo must not itself be a valid flag, and must point back at the flag it came from.
      expect(closest(typo(flag), [...flags, "quiet", "no-color", "help"])).toBe(flag);
      const r = await runCli([...names, bad], { home });
      return { cmd: names.join(" "), bad, flag, r };
    });
    for (const { cmd, bad, flag, r } of results) {
      expect({ cmd, code: r.code }).toEqual({ cmd, code: 64 });
      expect(r.stderr).toContain(`unknown option '${bad}' for \`ouroboros ${cmd}\``);
      expect(r.stderr).toContain(`did you mean --${flag}?`);
      expect(r.stdout).toBe("");
    }
    expect(readdirSync(home)).toEqual([]);
  }, 240_000);

  test("bad values and unknown commands are usage errors (exit 64)", async () => {
    const home = tempHome();
    const seed = join(ROOT, "examples/hello-cli.yaml");
    const cases: [string[], RegExp][] = [
      [["--frobnicate"], /unknown option '--frobnicate' for `ouroboros`/],
      [["status", "--jsn"], /did you mean --json\?/],
      [["status", "--limit", "abc"], /--limit of `ouroboros status` must be a whole number, got 'abc'/],
      [["run", "workflow", seed, "--dry-run", "--parallel", "abc"], /--parallel .* must be a whole number/],
      [["events", "--limit"], /--limit of `ouroboros events` needs a value/],
      [["runtimes", "extra"], /unexpected argument 'extra'/],
      [["sttus"], /unknown command 'sttus' \(did you mean `ouroboros status`\?\)/],
      [["config", "shw"], /did you mean `ouroboros config show`\?/],
      [["config"], /`ouroboros config` needs a command: show/],
      [["help", "frob"], /unknown command 'frob'/],
      [["json", "--json"], /unknown command 'json'/],
    ];
    const results = await inBatches(cases, 4, ([argv]) => runCli(argv, { home }));
    results.forEach((r, i) => {
      expect({ argv: cases[i]![0], code: r.code }).toEqual({ argv: cases[i]![0], code: 64 });
      expect(r.stderr).toMatch(cases[i]![1]);
      expect(r.stderr.split("\n").filter(Boolean)).toHaveLength(1);
    });
  }, 120_000);
});

describe("one help style", async () => {
  const all = await leaves(root);

  test("`ouroboros help <command>` = `<command> --help`, same layout as the top-level help", async () => {
    const top = await runCli(["help"]);
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/^ouroboros \S+ — /);
    expect(top.stdout).toContain("\nUSAGE  ouroboros <command> [options]\n");
    const globalLine = (s: string) => s.split("\n").find((l) => l.startsWith("GLOBAL  "))!;
    const results = await inBatches(all, 4, async ({ names }) => ({
      names,
      help: await runCli([...names, "--help"]),
      viaHelp: await runCli(["help", ...names]),
    }));
    for (const { names, help, viaHelp } of results) {
      const name = `ouroboros ${names.join(" ")}`;
      expect(help.code).toBe(0);
      expect(viaHelp.stdout).toBe(help.stdout);
      expect(help.stdout.startsWith(`${name} — `)).toBe(true);
      expect(help.stdout).toContain(`\nUSAGE  ${name}`);
      // Descriptions start two spaces after the longest flag (as the commands list does), not right-aligned far away.
      const opts = help.stdout.split("\n").filter((x) => x.startsWith("  -"));
      const labels = opts.map((l) => l.trim().split(/ {2,}/)[0]!);
      const column = Math.max(...labels.map((l) => l.length)) + 4;
      for (const l of opts) if (l.trim().includes("  ")) expect(l.slice(column - 1, column + 1)).toMatch(/^ \S$/);
      expect(globalLine(help.stdout)).toBe(globalLine(top.stdout).replace("  --version/-V", ""));
    }
  }, 240_000);
});

describe("unknown ids: exit 4, before any backend or runtime is resolved", () => {
  test("events, export, status, cancel, tui, init resume, run --resume", async () => {
    const home = tempHome();
    // A backend that cannot exist: resolving it would fail with 69/78, not 4.
    const env = { OUROBOROS_LLM_BACKEND: "nonexistent", OUROBOROS_RUNTIME: "nonexistent", PATH: "/nonexistent" };
    const cases = [
      ["events", "orch_nope"],
      ["events", "export", "orch_nope"],
      ["status", "orch_nope"],
      ["cancel", "orch_nope"],
      ["tui", "orch_nope"],
      ["init", "resume", "interview_20260101_000000"],
      ["run", "workflow", "--resume", "orch_nope"],
    ];
    const results = await inBatches(cases, 4, (argv) => runCli(argv, { home, env }));
    results.forEach((r, i) => {
      expect({ argv: cases[i], code: r.code }).toEqual({ argv: cases[i], code: 4 });
      expect(r.stderr).toMatch(/^error: no (session|events for session|interview) /);
    });
  }, 120_000);
});

describe("read-only commands on a fresh home", () => {
  test("create and migrate nothing", async () => {
    const home = tempHome();
    const cases = [
      ["status"],
      ["status", "--json"],
      ["events", "--json"],
      ["mcp", "doctor", "--json"],
      ["mcp", "info"],
      ["runtimes", "--json"],
      ["config", "show"],
      ["config", "get", "llm.backend"],
      ["init", "list"],
      ["seed", "validate", join(ROOT, "examples/hello-cli.yaml")],
    ];
    const results = await inBatches(cases, 4, (argv) => runCli(argv, { home }));
    for (const [i, r] of results.entries()) {
      expect({ argv: cases[i], stderr: r.code === 0 || cases[i]![0] === "mcp" ? "" : r.stderr }).toEqual({
        argv: cases[i],
        stderr: "",
      });
    }
    expect(readdirSync(home)).toEqual([]);
  }, 120_000);
});
