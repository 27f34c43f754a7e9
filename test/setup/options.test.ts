/**
 * Where setup writes (CODEX_HOME, OPENCODE_CONFIG_DIR / OPENCODE_CONFIG, XDG_CONFIG_HOME,
 * symlinks), how it picks a runtime without --runtime, backups, and the dry-run/uninstall/JSON
 * output contracts — all through the compiled binary.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, copyFileSync, existsSync, lstatSync, mkdirSync, readlinkSync, rmSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { ROOT } from "../lib/cli.ts";
import { put, read, type Sandbox, sandbox, setup, snapshot } from "./helpers.ts";

const homes: string[] = [];
afterAll(() => {
  for (const h of homes) rmSync(h, { recursive: true, force: true });
});
function sb(): Sandbox {
  const s = sandbox();
  homes.push(s.home);
  return s;
}

describe("host directories", () => {
  test("CODEX_HOME relocates every codex file", async () => {
    const s = sb();
    const codexHome = join(s.home, "elsewhere/codex");
    const r = await setup(s, ["--runtime", "codex"], { CODEX_HOME: codexHome });
    expect(r.code).toBe(0);
    expect(read(codexHome, "config.toml")).toContain("[mcp_servers.ouroboros]");
    expect(existsSync(join(codexHome, "skills/ouroboros-interview/SKILL.md"))).toBe(true);
    expect(existsSync(join(s.home, ".codex"))).toBe(false);
  });

  test("OPENCODE_CONFIG_DIR wins over XDG_CONFIG_HOME; OPENCODE_CONFIG names the file", async () => {
    const s = sb();
    const dir = join(s.home, "oc");
    const r1 = await setup(s, ["--runtime", "opencode"], { OPENCODE_CONFIG_DIR: dir });
    expect(r1.code).toBe(0);
    expect(read(dir, "opencode.jsonc")).toContain('"ouroboros"');
    expect(existsSync(join(s.home, ".config/opencode"))).toBe(false);
    const s2 = sb();
    const file = join(s2.home, "custom/my-opencode.json");
    put(s2.home, "custom/my-opencode.json", '{ "model": "x/y" }\n');
    const r2 = await setup(s2, ["--runtime", "opencode", "--opencode-mode", "subprocess"], { OPENCODE_CONFIG: file });
    expect(r2.code).toBe(0);
    expect(read(s2.home, "custom/my-opencode.json")).toContain('"ouroboros"');
    expect(parseYaml(read(s2.ouroHome, "config.yaml")).orchestrator.opencode_mode).toBe("subprocess");
    expect(existsSync(join(s2.home, ".config/opencode/plugins"))).toBe(false);
  });

  test("XDG_CONFIG_HOME is honoured, and an existing opencode.json is edited (not a new .jsonc)", async () => {
    const s = sb();
    const xdg = join(s.home, "xdg");
    put(xdg, "opencode/opencode.json", '{\n  "theme": "system"\n}\n');
    const r = await setup(s, ["--runtime", "opencode"], { XDG_CONFIG_HOME: xdg });
    expect(r.code).toBe(0);
    expect(read(xdg, "opencode/opencode.json")).toContain('"theme": "system"');
    expect(read(xdg, "opencode/opencode.json")).toContain('"ouroboros"');
    expect(existsSync(join(xdg, "opencode/opencode.jsonc"))).toBe(false);
  });

  test("a symlinked config file is edited through the link; the link stays", async () => {
    const s = sb();
    put(s.home, "dotfiles/claude.json", '{ "theme": "dark" }\n');
    symlinkSync(join(s.home, "dotfiles/claude.json"), join(s.home, ".claude.json"));
    const r = await setup(s, ["--runtime", "claude"]);
    expect(r.code).toBe(0);
    expect(lstatSync(join(s.home, ".claude.json")).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(s.home, ".claude.json"))).toBe(join(s.home, "dotfiles/claude.json"));
    expect(read(s.home, "dotfiles/claude.json")).toContain('"ouroboros"');
    expect(read(s.home, "dotfiles/claude.json.ouroboros.bak")).toBe('{ "theme": "dark" }\n');
  });
});

describe("runtime choice and output", () => {
  test("no --runtime with exactly one CLI installed picks it and records its path", async () => {
    const s = sb();
    const bin = join(s.home, "bin");
    mkdirSync(bin);
    copyFileSync(join(ROOT, "test/fakes/kiro-cli"), join(bin, "kiro-cli"));
    chmodSync(join(bin, "kiro-cli"), 0o755);
    const r = await setup(s, ["--json"], { PATH: `${bin}:/usr/bin:/bin` });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).runtime).toBe("kiro");
    const cfg = parseYaml(read(s.ouroHome, "config.yaml"));
    expect(cfg.orchestrator.runtime_backend).toBe("kiro");
    expect(cfg.orchestrator.kiro_cli_path).toBe(join(bin, "kiro-cli"));
  });

  test("an unknown runtime or mode is a usage error (64) naming the choices", async () => {
    const s = sb();
    const r = await setup(s, ["--runtime", "cursor"]);
    expect(r.code).toBe(64);
    expect(r.stderr).toContain("claude, codex, opencode, gemini, copilot, kiro, hermes");
    expect((await setup(s, ["--runtime", "codex", "--mcp-mode", "sse"])).code).toBe(64);
    expect((await setup(s, ["--runtime", "opencode", "--opencode-mode", "both"])).code).toBe(64);
  });

  test("--json --dry-run carries each file's diff and writes nothing", async () => {
    const s = sb();
    const r = await setup(s, ["--runtime", "kiro", "--json", "--dry-run"]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.dry_run).toBe(true);
    const mcp = out.files.find((f: { path: string }) => f.path.endsWith(".kiro/settings/mcp.json"));
    expect(mcp.action).toBe("created");
    expect(mcp.diff).toContain("+++ b/");
    expect(mcp.diff).toContain('+      "disabled": false');
    expect(existsSync(join(s.home, ".kiro"))).toBe(false);
    expect(existsSync(s.ouroHome)).toBe(false);
  });

  test("--uninstall --dry-run shows the removal diff and writes nothing", async () => {
    const s = sb();
    put(s.home, ".gemini/GEMINI.md", "# mine\n");
    expect((await setup(s, ["--runtime", "gemini"])).code).toBe(0);
    const before = snapshot(s.home);
    const r = await setup(s, ["--runtime", "gemini", "--uninstall", "--dry-run"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("-<!-- ouroboros:skill-capability-guide:start -->");
    expect(r.stdout).toContain("+++ /dev/null");
    expect(snapshot(s.home)).toEqual(before);
  });

  test("a malformed config.yaml stops setup before any host file is written (exit 78)", async () => {
    const s = sb();
    put(s.ouroHome, "config.yaml", "orchestrator:\n  runtime_backend: [oops\n");
    const before = snapshot(s.home);
    const r = await setup(s, ["--runtime", "kiro"]);
    expect(r.code).toBe(78);
    expect(r.stderr).toContain("config");
    expect(snapshot(s.home)).toEqual(before);
  });

  test("an update keeps the previous content in <file>.ouroboros.bak; created files get none", async () => {
    const s = sb();
    const original = '{\n  "mcpServers": {}\n}\n';
    put(s.home, ".copilot/mcp-config.json", original);
    const r = await setup(s, ["--runtime", "copilot", "--model", "gpt-5.2"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^updated +.*mcp-config\.json$/m);
    expect(r.stdout).toMatch(/^created +.*ouroboros\.instructions\.md$/m);
    expect(read(s.home, ".copilot/mcp-config.json.ouroboros.bak")).toBe(original);
    expect(existsSync(join(s.home, ".copilot/ouroboros-instructions/ouroboros.instructions.md.ouroboros.bak"))).toBe(
      false,
    );
    const again = await setup(s, ["--runtime", "copilot", "--model", "gpt-5.2"]);
    expect(
      again.stdout
        .trim()
        .split("\n")
        .every((l) => l.startsWith("unchanged")),
    ).toBe(true);
  });
});
