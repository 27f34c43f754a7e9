/**
 * `ouroboros setup --runtime X` for all seven runtimes, through the compiled binary, in a temp
 * HOME holding the user's own config: install, second run unchanged and byte-identical, dry-run
 * writes nothing, uninstall restores the user's files byte for byte.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, realpathSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { parse as parseToml } from "smol-toml";
import { parse as parseYaml } from "yaml";
import { RUNTIME_NAMES, type RuntimeName } from "../../src/runtime/registry.ts";
import { parseJsonc } from "../../src/setup/jsonc.ts";
import { cliArgv } from "../lib/cli.ts";
import { put, read, type Sandbox, sandbox, setup, snapshot, USER_FILES } from "./helpers.ts";

const made: string[] = [];
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

function withUserFiles(runtime: RuntimeName): Sandbox {
  const sb = sandbox();
  made.push(sb.home);
  for (const [rel, text] of Object.entries(USER_FILES[runtime])) put(sb.home, rel, text);
  return sb;
}

const jsonc = (text: string) => {
  const p = parseJsonc(text, true);
  if (!p.ok) throw new Error(p.error.message);
  return p.value as Record<string, any>;
};

// The launcher must be this binary by absolute, canonical path (symlinks resolved) — never uvx/pipx.
const BIN = realpathSync(cliArgv()[0]!);
const serveArgs = (rt: string, llm: string) => [
  ...cliArgv().slice(1),
  "mcp",
  "serve",
  "--runtime",
  rt,
  "--llm-backend",
  llm,
];

/** What each runtime's install must have produced, beyond "other entries survive". */
const CHECKS: Record<RuntimeName, (sb: Sandbox) => void> = {
  claude(sb) {
    const doc = jsonc(read(sb.home, ".claude.json"));
    expect(doc.numStartups).toBe(4);
    expect(doc.theme).toBe("dark");
    expect(doc.mcpServers.other.command).toBe("other-server");
    expect(doc.mcpServers.ouroboros).toEqual({
      type: "stdio",
      command: BIN,
      args: serveArgs("claude", "claude"),
      env: { OUROBOROS_AGENT_RUNTIME: "claude", OUROBOROS_LLM_BACKEND: "claude" },
    });
    const skill = read(sb.home, ".claude/skills/ouroboros-interview/SKILL.md");
    expect(skill).toContain('name: "ouroboros-interview"');
    expect(skill).toContain('mcp_tool: "ouroboros_interview"');
    expect(skill).toContain('aliases: ["socratic"]');
  },
  codex(sb) {
    const text = read(sb.home, ".codex/config.toml");
    expect(text.startsWith(USER_FILES.codex[".codex/config.toml"]!)).toBe(true);
    const doc = parseToml(text) as Record<string, any>;
    expect(doc.mcp_servers.other.command).toBe("other-server");
    expect(doc.profiles.fast.model_reasoning_effort).toBe("low");
    expect(doc.mcp_servers.ouroboros).toEqual({
      command: BIN,
      args: serveArgs("codex", "codex"),
      env: { OUROBOROS_AGENT_RUNTIME: "codex", OUROBOROS_LLM_BACKEND: "codex" },
    });
    expect(read(sb.home, ".codex/rules/ouroboros.md")).toContain("ouroboros_interview");
    expect(read(sb.home, ".codex/skills/ouroboros-run/SKILL.md")).toContain("ouroboros_start_execute_seed");
    // No worker profile: nothing runs codex with --profile (the depth guard stops recursion).
    expect(existsSync(join(sb.home, ".codex/ouroboros-worker.config.toml"))).toBe(false);
  },
  opencode(sb) {
    const text = read(sb.home, ".config/opencode/opencode.jsonc");
    for (const c of ["// my opencode config", "/* another server */"]) expect(text).toContain(c);
    const doc = jsonc(text);
    expect(doc.mcp.other.command).toEqual(["other-server"]);
    expect(doc.mcp.ouroboros).toEqual({
      type: "local",
      command: [BIN, ...serveArgs("opencode", "opencode")],
      environment: { OUROBOROS_AGENT_RUNTIME: "opencode", OUROBOROS_LLM_BACKEND: "opencode" },
      enabled: true,
      timeout: 300000,
    });
    const plugin = join(sb.home, ".config/opencode/plugins/ouroboros-bridge/ouroboros-bridge.ts");
    expect(doc.plugin).toEqual(["some-user-plugin", `file://${plugin}`]);
    expect(read(sb.home, ".config/opencode/plugins/ouroboros-bridge/ouroboros-bridge.ts")).toContain(
      "tool.execute.after",
    );
    const agents = read(sb.home, ".config/opencode/AGENTS.md");
    expect(agents.startsWith("# My rules\n\nAlways write tests.\n")).toBe(true);
    expect(agents).toContain("<!-- ouroboros:skill-capability-guide:start -->");
    expect(agents.trimEnd().endsWith("<!-- ouroboros:skill-capability-guide:end -->")).toBe(true);
  },
  gemini(sb) {
    const text = read(sb.home, ".gemini/settings.json");
    expect(text).toContain("// gemini allows comments");
    const doc = jsonc(text);
    expect(doc.ui.theme).toBe("GitHub");
    expect(doc.mcpServers.other.command).toBe("other-server");
    expect(doc.mcpServers.ouroboros).toEqual({
      command: BIN,
      args: serveArgs("gemini", "gemini"),
      env: { OUROBOROS_AGENT_RUNTIME: "gemini", OUROBOROS_LLM_BACKEND: "gemini" },
    });
    expect(read(sb.home, ".gemini/GEMINI.md")).toContain(
      "Prefer small diffs.\n\n<!-- ouroboros:skill-capability-guide:start -->",
    );
  },
  copilot(sb) {
    const doc = jsonc(read(sb.home, ".copilot/mcp-config.json"));
    expect(doc.mcpServers.other.command).toBe("other-server");
    expect(doc.mcpServers.ouroboros).toEqual({
      type: "local",
      tools: ["*"],
      command: BIN,
      args: serveArgs("copilot", "copilot"),
      env: { OUROBOROS_AGENT_RUNTIME: "copilot", OUROBOROS_LLM_BACKEND: "copilot" },
    });
    expect(read(sb.home, ".copilot/ouroboros-instructions/ouroboros.instructions.md")).toContain("ouroboros:managed");
    const cfg = parseYaml(read(sb.ouroHome, "config.yaml"));
    expect(cfg.orchestrator.copilot_model).toBe("gpt-5.2");
    expect(cfg.llm.qa_model).toBe("gpt-5.2");
  },
  kiro(sb) {
    const doc = jsonc(read(sb.home, ".kiro/settings/mcp.json"));
    expect(doc.mcpServers.other.command).toBe("other-server");
    expect(doc.mcpServers.ouroboros).toEqual({
      command: BIN,
      args: serveArgs("kiro", "kiro"),
      env: { OUROBOROS_AGENT_RUNTIME: "kiro", OUROBOROS_LLM_BACKEND: "kiro", OUROBOROS_RUNTIME: "kiro" },
      disabled: false,
    });
    expect(read(sb.home, ".kiro/steering/ouroboros-skill-capability-guide.md")).toContain("ooo interview");
  },
  hermes(sb) {
    const text = read(sb.home, ".hermes/config.yaml");
    for (const c of ["# Hermes settings", "# the user's own server"]) expect(text).toContain(c);
    const doc = parseYaml(text);
    expect(doc.model).toBe("anthropic/claude-sonnet-4");
    expect(doc.mcp_servers.other.command).toBe("other-server");
    // llm.backend is left alone for Hermes: the launcher carries the configured one (default).
    expect(doc.mcp_servers.ouroboros).toEqual({
      command: BIN,
      args: serveArgs("hermes", "claude_code"),
      env: { OUROBOROS_AGENT_RUNTIME: "hermes", OUROBOROS_LLM_BACKEND: "claude_code" },
      enabled: true,
    });
    expect(read(sb.home, ".hermes/skills/autonomous-ai-agents/ouroboros/SKILL.md")).toContain('name: "ouroboros"');
  },
};

const modelArgs = (rt: RuntimeName) => (rt === "copilot" ? ["--model", "gpt-5.2"] : []);

describe.each([...RUNTIME_NAMES])("setup --runtime %s", (runtime) => {
  test("install, second run unchanged, dry-run, uninstall", async () => {
    const sb = withUserFiles(runtime);
    const original = snapshot(sb.home);

    const dry = await setup(sb, ["--runtime", runtime, "--dry-run", ...modelArgs(runtime)]);
    expect(dry.code).toBe(0);
    expect(snapshot(sb.home)).toEqual(original);
    expect(dry.stdout).toMatch(/^--- a\//m);
    expect(dry.stdout).toMatch(/^\+\+\+ b\//m);
    expect(dry.stdout).toContain(BIN);

    const first = await setup(sb, ["--runtime", runtime, "--json", ...modelArgs(runtime)]);
    expect(first.stderr).not.toContain("error");
    expect(first.code).toBe(0);
    const s1 = JSON.parse(first.stdout);
    expect(s1.schema).toBe("ouroboros/v1/setup");
    expect(s1.files.every((f: { action: string }) => f.action === "created" || f.action === "updated")).toBe(true);
    for (const rel of Object.keys(USER_FILES[runtime]))
      expect(existsSync(join(sb.home, `${rel}.ouroboros.bak`))).toBe(
        s1.files.some((f: { path: string; action: string }) => f.path === join(sb.home, rel) && f.action === "updated"),
      );
    CHECKS[runtime](sb);
    const cfg = parseYaml(read(sb.ouroHome, "config.yaml"));
    expect(cfg.orchestrator.runtime_backend).toBe(runtime);
    if (runtime !== "hermes") expect(cfg.llm.backend).toBe(runtime);
    for (const v of Object.values(s1.server.args as string[])) expect(v).not.toMatch(/uvx|pipx/);
    expect(resolve(s1.server.command)).toBe(s1.server.command);

    const afterFirst = snapshot(sb.home);
    const second = await setup(sb, ["--runtime", runtime, "--json", ...modelArgs(runtime)]);
    expect(second.code).toBe(0);
    const s2 = JSON.parse(second.stdout);
    expect(s2.files.map((f: { action: string }) => f.action)).toEqual(s2.files.map(() => "unchanged"));
    expect(snapshot(sb.home)).toEqual(afterFirst);

    const un = await setup(sb, ["--runtime", runtime, "--uninstall", "--json"]);
    expect(un.code).toBe(0);
    const s3 = JSON.parse(un.stdout);
    expect(s3.files.some((f: { action: string }) => f.action === "removed" || f.action === "updated")).toBe(true);
    const after = snapshot(sb.home);
    for (const [rel, text] of original) expect(after.get(rel)).toBe(text);
    // Nothing of ours is left in the host dirs except backups and our own config.
    const leftovers = [...after.keys()].filter(
      (k) => !original.has(k) && !k.endsWith(".ouroboros.bak") && !k.startsWith(".ouroboros/"),
    );
    expect(leftovers).toEqual([]);
  }, 30_000);
});

describe("malformed host config", () => {
  test("bad JSON in ~/.claude.json: exit 65, file:line:col named, nothing written", async () => {
    const sb = sandbox();
    made.push(sb.home);
    put(sb.home, ".claude.json", '{\n  "mcpServers": {\n    "other": { "command": "x", }\n  }\n}\n');
    const before = snapshot(sb.home);
    const r = await setup(sb, ["--runtime", "claude"]);
    expect(r.code).toBe(65);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain(`${join(sb.home, ".claude.json")}:3:`);
    expect(snapshot(sb.home)).toEqual(before);
  });

  test("bad TOML in config.toml: exit 65 naming the line, no skills or config written", async () => {
    const sb = sandbox();
    made.push(sb.home);
    put(sb.home, ".codex/config.toml", '# ok\nmodel = "x"\n[mcp_servers.other\ncommand = "y"\n');
    const before = snapshot(sb.home);
    const r = await setup(sb, ["--runtime", "codex"]);
    expect(r.code).toBe(65);
    expect(r.stderr).toMatch(new RegExp(`${join(sb.home, ".codex/config.toml").replace(/[.]/g, "\\.")}:3:\\d+: `));
    expect(snapshot(sb.home)).toEqual(before);
  });

  test("one bad file stops every write: gemini settings.json broken, GEMINI.md untouched", async () => {
    const sb = sandbox();
    made.push(sb.home);
    put(sb.home, ".gemini/GEMINI.md", "# notes\n");
    put(sb.home, ".gemini/settings.json", '{ "mcpServers": { "a": 1 ');
    const before = snapshot(sb.home);
    const r = await setup(sb, ["--runtime", "gemini"]);
    expect(r.code).toBe(65);
    expect(r.stderr).toContain(`${join(sb.home, ".gemini/settings.json")}:1:`);
    expect(snapshot(sb.home)).toEqual(before);
  });

  test("bad YAML in ~/.hermes/config.yaml: exit 65", async () => {
    const sb = sandbox();
    made.push(sb.home);
    put(sb.home, ".hermes/config.yaml", "mcp_servers:\n  other: [unclosed\n");
    const before = snapshot(sb.home);
    const r = await setup(sb, ["--runtime", "hermes"]);
    expect(r.code).toBe(65);
    expect(r.stderr).toContain(join(sb.home, ".hermes/config.yaml"));
    expect(snapshot(sb.home)).toEqual(before);
  });
});
