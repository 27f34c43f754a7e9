/**
 * The adapters' setup writers are pure: fed an in-memory snapshot they return the desired file
 * contents. These tests pin the merge rules on them directly.
 */
import { describe, expect, test } from "bun:test";
import { dirname, join } from "node:path";
import { parse as parseToml } from "smol-toml";
import { ADAPTERS, type RuntimeName } from "../../src/runtime/registry.ts";
import { MANAGED_MARK, MD_END, MD_START, TOML_START } from "../../src/setup/edits.ts";
import { hostPaths } from "../../src/setup/context.ts";
import { parseJsonc } from "../../src/setup/jsonc.ts";
import type { HostResult, SetupInput } from "../../src/setup/types.ts";

const H = "/home/u";
const BIN = "/opt/ouro/bin/ouroboros";

function input(runtime: RuntimeName, files: Record<string, string>, over: Partial<SetupInput> = {}): SetupInput {
  return {
    runtime,
    paths: hostPaths({ HOME: H }),
    server: {
      command: BIN,
      args: ["mcp", "serve", "--runtime", runtime, "--llm-backend", runtime],
      env: { OUROBOROS_AGENT_RUNTIME: runtime, OUROBOROS_LLM_BACKEND: runtime },
    },
    selfCommand: BIN,
    cliPath: null,
    llmBackend: runtime,
    opencodeMode: "plugin",
    mcpMode: "auto",
    read: (p) => files[p] ?? null,
    list: (d) => [
      ...new Set(
        Object.keys(files)
          .filter((p) => p.startsWith(`${d}/`))
          .map((p) => p.slice(d.length + 1).split("/")[0]!),
      ),
    ],
    ...over,
  };
}

function write(i: SetupInput, action: "install" | "uninstall" = "install"): HostResult {
  const r = ADAPTERS[i.runtime as RuntimeName].setup.write(i, action);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}
const textOf = (r: HostResult, path: string) => r.changes.find((c) => c.path === path)?.text;
const json = (t: string | null | undefined) => {
  const p = parseJsonc(t ?? "", true);
  if (!p.ok) throw new Error(p.error.message);
  return p.value as Record<string, any>;
};

describe("JSON entries", () => {
  test("kiro: upstream uvx entry replaced, disabled flipped to false, user env and keys kept", () => {
    const file = join(H, ".kiro/settings/mcp.json");
    const upstream = {
      command: "uvx",
      args: ["--isolated", "--from", "ouroboros-ai[mcp]", "ouroboros", "mcp", "serve"],
      env: { USER_KEY: "1", OUROBOROS_LLM_BACKEND: "old" },
      disabled: true,
      autoApprove: ["ouroboros_qa"],
    };
    const r = write(input("kiro", { [file]: JSON.stringify({ mcpServers: { ouroboros: upstream } }, null, 2) }));
    const e = json(textOf(r, file)).mcpServers.ouroboros;
    expect(e.command).toBe(BIN);
    expect(e.args).toEqual(["mcp", "serve", "--runtime", "kiro", "--llm-backend", "kiro"]);
    expect(e.disabled).toBe(false);
    expect(e.autoApprove).toEqual(["ouroboros_qa"]);
    expect(e.env).toEqual({
      USER_KEY: "1",
      OUROBOROS_LLM_BACKEND: "kiro",
      OUROBOROS_AGENT_RUNTIME: "kiro",
      OUROBOROS_RUNTIME: "kiro",
    });
  });

  test("copilot: a user-managed command is kept (env merged) and reported", () => {
    const file = join(H, ".copilot/mcp-config.json");
    const mine = {
      type: "local",
      command: "/opt/wrap/run-ouro",
      args: ["--debug"],
      env: { A: "b" },
      tools: ["ouroboros_qa"],
    };
    const r = write(input("copilot", { [file]: JSON.stringify({ mcpServers: { ouroboros: mine } }) }));
    const e = json(textOf(r, file)).mcpServers.ouroboros;
    expect(e.command).toBe("/opt/wrap/run-ouro");
    expect(e.args).toEqual(["--debug"]);
    expect(e.env).toEqual({ A: "b", OUROBOROS_AGENT_RUNTIME: "copilot", OUROBOROS_LLM_BACKEND: "copilot" });
    expect(r.notes.join("\n")).toContain("user-managed");
  });

  test("an existing entry already equal to ours leaves the file text untouched", () => {
    const file = join(H, ".gemini/settings.json");
    const once = textOf(write(input("gemini", { [file]: '{\n  // c\n  "a": 1\n}\n' })), file)!;
    expect(textOf(write(input("gemini", { [file]: once })), file)).toBe(once);
  });

  test("top-level JSON that is not an object is refused with a position", () => {
    const r = ADAPTERS.claude.setup.write(input("claude", { [join(H, ".claude.json")]: "[1, 2]" }), "install");
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toBe(`${join(H, ".claude.json")}:1:1: expected a JSON object at the top level`);
  });
});

describe("codex TOML block", () => {
  const file = join(H, ".codex/config.toml");
  const upstream = `# keep me\nmodel = "o3"\n\n[mcp_servers.ouroboros]\ncommand = "uvx"\nargs = ["--from", "ouroboros-ai[mcp]", "ouroboros", "mcp", "serve"]\n\n[mcp_servers.ouroboros.env]\nOUROBOROS_AGENT_RUNTIME = "codex"\n\n[mcp_servers.other]\ncommand = "x" # trailing\n`;

  test("an upstream uvx entry is replaced by our marked block; everything else kept", () => {
    const out = textOf(write(input("codex", { [file]: upstream })), file)!;
    expect(out).not.toContain("uvx");
    expect(out).toContain("# keep me");
    expect(out).toContain('command = "x" # trailing');
    expect(out).toContain(TOML_START);
    const doc = parseToml(out) as Record<string, any>;
    expect(doc.mcp_servers.ouroboros.command).toBe(BIN);
    expect(doc.mcp_servers.other.command).toBe("x");
  });

  test("a user-managed entry (url) is left alone unless --mcp-mode stdio", () => {
    const mine = `[mcp_servers.ouroboros]\nurl = "http://127.0.0.1:8080/mcp"\n`;
    const auto = write(input("codex", { [file]: mine }));
    expect(textOf(auto, file)).toBe(mine);
    expect(auto.notes.join("\n")).toContain("user-managed");
    const forced = textOf(write(input("codex", { [file]: mine }, { mcpMode: "stdio" })), file)!;
    expect((parseToml(forced) as any).mcp_servers.ouroboros).toEqual({
      command: BIN,
      args: ["mcp", "serve", "--runtime", "codex", "--llm-backend", "codex"],
      env: { OUROBOROS_AGENT_RUNTIME: "codex", OUROBOROS_LLM_BACKEND: "codex" },
    });
  });

  test("preserve: an existing entry is kept as is; none is an error", () => {
    expect(textOf(write(input("codex", { [file]: upstream }, { mcpMode: "preserve" })), file)).toBe(upstream);
    const r = ADAPTERS.codex.setup.write(input("codex", {}, { mcpMode: "preserve" }), "install");
    expect(r.ok).toBe(false);
  });

  test("an inline-table definition is refused rather than duplicated", () => {
    const r = ADAPTERS.codex.setup.write(
      input("codex", { [file]: `mcp_servers = { ouroboros = { command = "uvx" } }\n` }),
      "install",
    );
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toContain("inline");
  });
});

describe("managed files and sections", () => {
  test("codex: the worker profile an older setup wrote is removed (nothing runs with it); a user's own file is kept", () => {
    const profile = join(H, ".codex/ouroboros-worker.config.toml");
    const stale = write(
      input("codex", { [profile]: `# ${MANAGED_MARK}: old\n[mcp_servers.ouroboros]\nenabled = false\n` }),
    );
    expect(stale.changes.find((c) => c.path === profile)?.text).toBeNull();
    const mine = write(input("codex", { [profile]: 'model = "x"\n' }));
    expect(mine.changes.find((c) => c.path === profile)?.text ?? 'model = "x"\n').toBe('model = "x"\n');
    expect(write(input("codex", {})).changes.some((c) => c.path === profile && c.text !== null)).toBe(false);
  });

  test("stale managed skills are pruned; the user's own skills are not touched", () => {
    const skills = join(H, ".codex/skills");
    const files = {
      [join(skills, "ouroboros-retired/SKILL.md")]: `---\nname: x\n---\n<!-- ${MANAGED_MARK} -->\n`,
      [join(skills, "ouroboros-mine/SKILL.md")]: "---\nname: mine\n---\nmy own\n",
      [join(skills, "other/SKILL.md")]: "x",
    };
    const r = write(input("codex", files));
    const retired = r.changes.find((c) => c.path === join(skills, "ouroboros-retired/SKILL.md"));
    expect(retired?.text).toBeNull();
    expect(retired?.pruneUpTo).toBe(skills);
    expect(r.changes.some((c) => c.path.includes("ouroboros-mine") || c.path.includes("/other/"))).toBe(false);
    expect(textOf(r, join(skills, "ouroboros-interview/SKILL.md"))).toContain("mcp_tool:");
  });

  test("a user's file where a managed file belongs is refused, naming it", () => {
    const guide = join(H, ".kiro/steering/ouroboros-skill-capability-guide.md");
    const r = ADAPTERS.kiro.setup.write(input("kiro", { [guide]: "my own notes\n" }), "install");
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toContain(guide);
  });

  test("a managed markdown section is replaced in place; text after it survives", () => {
    const md = join(H, ".gemini/GEMINI.md");
    const before = `# Top\n\n${MD_START}\nold guide\n${MD_END}\n\n# After\nkeep\n`;
    const out = textOf(write(input("gemini", { [md]: before })), md)!;
    expect(out.startsWith(`# Top\n\n${MD_START}\n# Ouroboros`)).toBe(true);
    expect(out.endsWith(`${MD_END}\n\n# After\nkeep\n`)).toBe(true);
    expect(out).not.toContain("old guide");
  });

  test("opencode subprocess mode removes the bridge plugin and its (stale-path) plugin[] entry", () => {
    const dir = join(H, ".config/opencode");
    const file = join(dir, "opencode.jsonc");
    const plugin = join(dir, "plugins/ouroboros-bridge/ouroboros-bridge.ts");
    const files = {
      [file]: `{\n  // mine\n  "plugin": ["user-plugin", "file:///old/place/plugins/ouroboros-bridge/ouroboros-bridge.ts"]\n}\n`,
      [plugin]: `// ${MANAGED_MARK}\n`,
    };
    const r = write(input("opencode", files, { opencodeMode: "subprocess" }));
    const doc = json(textOf(r, file));
    expect(doc.plugin).toEqual(["user-plugin"]);
    expect(doc.mcp.ouroboros.command[0]).toBe(BIN);
    expect(textOf(r, plugin)).toBeNull();
    expect(textOf(r, file)).toContain("// mine");
  });

  test("copilot: instructions go to ouroboros.instructions.md; a managed AGENTS.md is retired, a user's kept", () => {
    const dir = join(H, ".copilot/ouroboros-instructions");
    const ours = write(input("copilot", { [join(dir, "AGENTS.md")]: `<!-- ${MANAGED_MARK} -->\nold\n` }));
    expect(textOf(ours, join(dir, "AGENTS.md"))).toBeNull();
    expect(textOf(ours, join(dir, "ouroboros.instructions.md"))).toContain("ooo interview");
    const users = write(input("copilot", { [join(dir, "AGENTS.md")]: "my notes\n" }));
    expect(textOf(users, join(dir, "AGENTS.md"))).toBe("my notes\n");
  });

  test("uninstall of files we created deletes them instead of leaving `{}`", () => {
    const i = input("kiro", {});
    const installed = write(i);
    const files = Object.fromEntries(installed.changes.map((c) => [c.path, c.text!]));
    const removed = write(input("kiro", files), "uninstall");
    for (const c of removed.changes) expect(c.text).toBeNull();
    expect(new Set(removed.changes.map((c) => dirname(c.path)))).toEqual(
      new Set([join(H, ".kiro/settings"), join(H, ".kiro/steering")]),
    );
  });
});

describe("host directories, each found by its own adapter", () => {
  const paths = (runtime: RuntimeName, env: Record<string, string>, files: Record<string, string> = {}) =>
    write(input(runtime, files, { paths: hostPaths({ HOME: H, ...env }) })).changes.map((c) => c.path);
  const outside = (all: string[], dir: string) => all.filter((p) => !p.startsWith(`${dir}/`));

  test("by default every host's files stay in its directory under home", () => {
    const homes: [RuntimeName, string][] = [
      ["codex", ".codex"],
      ["opencode", ".config/opencode"],
      ["gemini", ".gemini"],
      ["copilot", ".copilot"],
      ["kiro", ".kiro"],
      ["hermes", ".hermes"],
    ];
    for (const [runtime, dir] of homes) expect(outside(paths(runtime, {}), join(H, dir))).toEqual([]);
    expect(outside(paths("claude", {}), join(H, ".claude"))).toEqual([join(H, ".claude.json")]);
  });

  test("the variables each CLI honours move its files; a blank one is unset", () => {
    expect(outside(paths("claude", { CLAUDE_CONFIG_DIR: "/c" }), "/c")).toEqual([]);
    expect(paths("claude", { CLAUDE_CONFIG_DIR: "/c" })).toContain("/c/.claude.json");
    expect(outside(paths("codex", { CODEX_HOME: "/x" }), "/x")).toEqual([]);
    expect(outside(paths("codex", { CODEX_HOME: "  " }), join(H, ".codex"))).toEqual([]);
    expect(outside(paths("copilot", { COPILOT_HOME: "/p" }), "/p")).toEqual([]);
    expect(outside(paths("hermes", { HERMES_HOME: "/h" }), "/h")).toEqual([]);
    expect(outside(paths("opencode", { XDG_CONFIG_HOME: "/xdg" }), "/xdg/opencode")).toEqual([]);
    expect(outside(paths("opencode", { XDG_CONFIG_HOME: "/xdg", OPENCODE_CONFIG_DIR: "/o" }), "/o")).toEqual([]);
  });

  test("opencode: OPENCODE_CONFIG names the file; else opencode.jsonc unless only opencode.json exists", () => {
    const dir = join(H, ".config/opencode");
    expect(outside(paths("opencode", { OPENCODE_CONFIG: "/f/my.json" }), dir)).toEqual(["/f/my.json"]);
    expect(paths("opencode", {})).toContain(join(dir, "opencode.jsonc"));
    const onlyJson = paths("opencode", {}, { [join(dir, "opencode.json")]: "{}\n" });
    expect(onlyJson).toContain(join(dir, "opencode.json"));
    expect(onlyJson).not.toContain(join(dir, "opencode.jsonc"));
    const both = { [join(dir, "opencode.json")]: "{}\n", [join(dir, "opencode.jsonc")]: "{}\n" };
    expect(paths("opencode", {}, both)).not.toContain(join(dir, "opencode.json"));
  });
});
