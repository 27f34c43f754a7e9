/** Pure pieces of the runtime layer: registry, capabilities, child env, argv builders, binaries, framing, `runtimes`. */
import { describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as v from "valibot";
import { shouldDispatchViaPlugin } from "../../src/llm/plugin.ts";
import { defaultConfig } from "../../src/config/schema.ts";
import { CapabilitiesSchema, TaskSchema, type TaskInput } from "../../src/adapter-kit/contract.ts";
import { describeRuntimes, resolveBinary, runtimeVersion } from "../../src/runtime/binary.ts";
import { DESCRIPTORS } from "../../src/runtime/descriptors.ts";
import { childEnv } from "../../src/runtime/env.ts";
import { LineFramer } from "../../src/runtime/lines.ts";
import { ADAPTERS, getAdapter, RUNTIME_NAMES } from "../../src/runtime/registry.ts";
import { runCli } from "../lib/cli.ts";
import { BIN, FAKES, ROOT, tempDir } from "./helpers.ts";

const task = (t: Partial<TaskInput> = {}) => v.parse(TaskSchema, { prompt: "do it", cwd: "/w", ...t });
const argv = (rt: keyof typeof ADAPTERS, t: Partial<TaskInput> = {}, env: Record<string, string> = {}) => {
  const r = ADAPTERS[rt].buildInvocation(task(t), rt, env);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
};

describe("registry and capabilities", () => {
  test("every runtime has one folder with the same five files and a valid descriptor", () => {
    for (const name of RUNTIME_NAMES) {
      for (const f of ["descriptor.ts", "argv.ts", "parser.ts", "setup.ts", "index.ts"])
        expect(existsSync(join(ROOT, "adapters", name, f))).toBe(true);
      expect(v.is(CapabilitiesSchema, ADAPTERS[name].descriptor.capabilities)).toBe(true);
      expect(ADAPTERS[name].descriptor.name).toBe(name);
      expect(DESCRIPTORS[name]).toBe(ADAPTERS[name].descriptor);
    }
  });

  test("capability table of every built-in runtime (+ targets)", () => {
    const row = (n: keyof typeof ADAPTERS) => {
      const c = ADAPTERS[n].descriptor.capabilities;
      return [c.skill_dispatch, c.targeted_resume, c.structured_output, c.model_discovery, c.partial_resume];
    };
    expect(row("claude")).toEqual([true, true, true, false, false]);
    expect(row("codex")).toEqual([true, true, true, false, false]);
    expect(row("opencode")).toEqual([true, true, true, false, false]);
    expect(row("hermes")).toEqual([true, true, true, false, false]);
    expect(row("gemini")).toEqual([true, true, true, false, false]); // targeted resume: Target §7.2
    expect(row("kiro")).toEqual([true, false, false, false, true]);
    expect(row("copilot")).toEqual([true, true, false, true, false]); // --resume: Target §7.3
    expect(ADAPTERS.codex.descriptor.capabilities.subagent_orchestration).toBe("internal");
    expect(ADAPTERS.opencode.descriptor.capabilities.subagent_orchestration).toBe("external_host_bridge");
  });

  test("unknown runtime is an error value listing valid names", () => {
    const r = getAdapter("emacs");
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.hint).toBe(`valid runtimes: ${RUNTIME_NAMES.join(", ")}`);
    expect(getAdapter(" Codex ").ok).toBe(true);
  });

  test("describeRuntimes is static", () => {
    const all = describeRuntimes({ OUROBOROS_HOME: "/nonexistent" });
    const d = all.ok ? all.value : [];
    expect(d.map((x) => x.name)).toEqual([...RUNTIME_NAMES]);
    expect(d.find((x) => x.name === "kiro")).toMatchObject({
      binary: "kiro-cli",
      path_env: "OUROBOROS_KIRO_CLI_PATH",
      config_key: "orchestrator.kiro_cli_path",
      npm_package: null,
    });
  });
});

describe("child environment", () => {
  const parent = {
    PATH: "/bin",
    HOME: "/h",
    LANG: "C",
    OUROBOROS_AGENT_RUNTIME: "codex",
    OUROBOROS_LLM_BACKEND: "x",
    OUROBOROS_SECRET_TOKEN: "s",
    OPENAI_API_KEY: "k",
    ANTHROPIC_API_KEY: "a",
    CLAUDECODE: "1",
    COPILOT_SESSION_ID: "c",
    COPILOT_MODEL: "m",
    GH_TOKEN: "g",
    RANDOM_VAR: "r",
  };
  const envOf = (rt: keyof typeof ADAPTERS, p: Record<string, string> = parent) => {
    const r = childEnv(p, ADAPTERS[rt].descriptor.env);
    if (!r.ok) throw new Error(r.error.message);
    return r.value;
  };
  test("minimal: common base plus the CLI's own variables; markers and other vendors' keys stripped", () => {
    const e = envOf("claude");
    expect(e).toMatchObject({ PATH: "/bin", HOME: "/h", LANG: "C", ANTHROPIC_API_KEY: "a", _OUROBOROS_DEPTH: "1" });
    for (const k of [
      "OUROBOROS_AGENT_RUNTIME",
      "OUROBOROS_LLM_BACKEND",
      "OUROBOROS_SECRET_TOKEN",
      "OPENAI_API_KEY",
      "CLAUDECODE",
      "RANDOM_VAR",
    ])
      expect(e[k]).toBeUndefined();
    expect(envOf("codex").OPENAI_API_KEY).toBe("k");
    expect(envOf("codex").ANTHROPIC_API_KEY).toBeUndefined();
  });
  test("per-runtime strips and sets", () => {
    const c = envOf("copilot");
    expect(c.COPILOT_SESSION_ID).toBeUndefined();
    expect(c.COPILOT_MODEL).toBe("m");
    expect(c.GH_TOKEN).toBe("g");
    expect(envOf("kiro", { ...parent, OUROBOROS_RUNTIME: "kiro" })).toMatchObject({ OUROBOROS_SUBAGENT: "1" });
    expect(envOf("kiro", { ...parent, OUROBOROS_RUNTIME: "kiro" }).OUROBOROS_RUNTIME).toBeUndefined();
  });
  test("depth: increments, garbage counts as 0, beyond 5 refuses", () => {
    expect(envOf("claude", { _OUROBOROS_DEPTH: "3" })._OUROBOROS_DEPTH).toBe("4");
    expect(envOf("claude", { _OUROBOROS_DEPTH: "banana" })._OUROBOROS_DEPTH).toBe("1");
    const r = childEnv({ _OUROBOROS_DEPTH: "5" }, ADAPTERS.claude.descriptor.env);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe("depth_exceeded");
  });
});

describe("argv builders", () => {
  test("claude: stream-json + verbose, prompt on stdin, tools and recursion guard", () => {
    const i = argv("claude", { tools: [], resume: { session_id: "abc" }, permission_mode: "bypassPermissions" });
    expect(i.argv.slice(0, 5)).toEqual(["claude", "-p", "--output-format", "stream-json", "--verbose"]);
    expect(i.argv.join(" ")).toContain("--tools  --disallowedTools mcp__ouroboros mcp__plugin_ouroboros_ouroboros");
    expect(i.argv).toContain("bypassPermissions");
    expect(i.argv.slice(-2)).toEqual(["--resume", "abc"]);
    expect(i.env.IS_SANDBOX).toBe("1");
    expect(i.stdin).toBe("do it");
  });
  test("codex: workspace-write for acceptEdits, exec flags before resume, system prompt translated", () => {
    const i = argv("codex", {
      resume: { session_id: "t1" },
      model: "gpt-5",
      system_prompt: "be brief",
      tools: ["Read"],
    });
    expect(i.argv).not.toContain("--full-auto");
    const a = i.argv;
    expect(a.indexOf("--sandbox")).toBeLessThan(a.indexOf("resume"));
    expect(a.indexOf("--model")).toBeLessThan(a.indexOf("resume"));
    expect(a.slice(-3)).toEqual(["resume", "t1", "-"]);
    expect(a[a.indexOf("--sandbox") + 1]).toBe("workspace-write");
    expect(i.stdin).toBe(
      "<system-directive>\nbe brief\n</system-directive>\n\n<tooling-guidance>\nUse only these tools: Read.\n</tooling-guidance>\n\ndo it",
    );
    expect(argv("codex", { permission_mode: "bypassPermissions" }).argv).toContain(
      "--dangerously-bypass-approvals-and-sandbox",
    );
  });
  test("opencode: --auto for bypass, --session to resume; plugin gate", () => {
    expect(argv("opencode", { permission_mode: "bypassPermissions", resume: { session_id: "ses_1" } }).argv).toEqual([
      "opencode",
      "run",
      "--pure",
      "--format",
      "json",
      "--auto",
      "--session",
      "ses_1",
    ]);
    expect(argv("opencode").argv).not.toContain("--auto");
    expect(shouldDispatchViaPlugin("opencode", "plugin")).toBe(true);
    expect(shouldDispatchViaPlugin("opencode_cli", "plugin")).toBe(true);
    for (const [b, m] of [
      ["opencode", "subprocess"],
      ["opencode", null],
      ["opencode", ""],
      ["opencode", "Plugin"],
      ["claude", "plugin"],
      [null, "plugin"],
    ] as const)
      expect(shouldDispatchViaPlugin(b, m)).toBe(false);
  });
  test("gemini: no --non-interactive, default coerced to auto_edit, --resume <uuid>", () => {
    const a = argv("gemini", { permission_mode: "default", resume: { session_id: "762b31d3-aaaa" } }).argv;
    expect(a).not.toContain("--non-interactive");
    expect(a[a.indexOf("--approval-mode") + 1]).toBe("auto_edit");
    expect(a.slice(-2)).toEqual(["--resume", "762b31d3-aaaa"]);
    expect(argv("gemini", { permission_mode: "bypassPermissions" }).argv).toContain("yolo");
  });
  test("copilot: JSON output, native tool names, --resume=<id>, instruction dirs appended once", () => {
    const i = argv(
      "copilot",
      { tools: ["Bash", "Read", "Write", "Edit", "Grep", "Glob"], resume: { session_id: "4cbe" } },
      { HOME: "/h", COPILOT_CUSTOM_INSTRUCTIONS_DIRS: "/x,/h/.copilot/ouroboros-instructions" },
    );
    expect(i.argv).toContain("--output-format");
    expect(i.argv).toContain("--available-tools=bash,view,create,edit,grep,glob");
    expect(i.argv).toContain("--allow-all-tools");
    expect(i.argv).toContain("--resume=4cbe");
    expect(i.env.COPILOT_CUSTOM_INSTRUCTIONS_DIRS).toBe("/x,/h/.copilot/ouroboros-instructions");
    // COPILOT_HOME moves the folder setup writes our instructions into; the child must look there.
    const moved = argv("copilot", {}, { HOME: "/h", COPILOT_HOME: "/c" });
    expect(moved.env.COPILOT_CUSTOM_INSTRUCTIONS_DIRS).toBe("/c/ouroboros-instructions");
    expect(argv("copilot", { permission_mode: "default" }).argv).toContain("--available-tools=");
    // The pipeline's read-only steps name LS: translated, never passed through.
    expect(argv("copilot", { tools: ["Read", "Glob", "Grep", "LS"] }).argv).toContain(
      "--available-tools=view,glob,grep",
    );
    expect(ADAPTERS.copilot.buildInvocation(task({ tools: ["Teleport"] }), "copilot").ok).toBe(false);
    expect(argv("copilot", { permission_mode: "bypassPermissions" }).argv).toContain("--allow-all");
  });
  test("kiro: trust flags per mode; hermes: yolo only for bypass", () => {
    expect(argv("kiro", { permission_mode: "default" }).argv).toContain("--trust-tools=");
    expect(argv("kiro", { tools: ["Bash", "Edit", "Glob", "Grep", "mcp__x"] }).argv).toContain(
      "--trust-tools=shell,write,read,grep",
    );
    expect(argv("kiro", { tools: ["Bash"], permission_mode: "bypassPermissions" }).argv).toContain("--trust-all-tools");
    expect(argv("hermes").argv).not.toContain("--yolo");
    expect(argv("hermes", { permission_mode: "bypassPermissions" }).argv.slice(0, 4)).toEqual([
      "hermes",
      "chat",
      "--yolo",
      "--accept-hooks",
    ]);
  });
  test("prompts too long for one argv string: stdin for gemini/kiro, an error value for copilot/hermes", () => {
    const long = "x".repeat(200_000);
    const g = argv("gemini", { prompt: long });
    expect(g.stdin).toBe(long);
    expect(g.argv[2]).toBe(" ");
    expect(argv("kiro", { prompt: long }).stdin).toBe(long);
    expect(ADAPTERS.copilot.buildInvocation(task({ prompt: long }), "copilot").ok).toBe(false);
    expect(ADAPTERS.hermes.buildInvocation(task({ prompt: long }), "hermes").ok).toBe(false);
  });
  test("session ids outside [A-Za-z0-9_-] are refused by the task schema", () => {
    expect(v.safeParse(TaskSchema, { prompt: "x", cwd: "/w", resume: { session_id: "a; rm -rf /" } }).success).toBe(
      false,
    );
  });
});

describe("binary resolution and version", () => {
  test("env path > config path > PATH; non-executables skipped", () => {
    const cfg = defaultConfig();
    const fake = join(FAKES, "kiro-cli");
    expect(resolveBinary("kiro", { PATH: "/nonexistent" }, cfg)).toBeNull();
    expect(resolveBinary("kiro", { PATH: FAKES }, cfg)).toEqual({ path: fake, source: "PATH" });
    // Path keys come from the registry (descriptor.pathConfigKey), so the Config type does not name them.
    (cfg.orchestrator as Record<string, unknown>).kiro_cli_path = fake;
    expect(resolveBinary("kiro", { PATH: "" }, cfg)?.source).toBe("config");
    expect(resolveBinary("kiro", { PATH: "", OUROBOROS_KIRO_CLI_PATH: fake }, cfg)?.source).toBe("env");
    expect(resolveBinary("kiro", { PATH: "", OUROBOROS_KIRO_CLI_PATH: join(FAKES, "nope") }, cfg)?.source).toBe(
      "config",
    );
  });
  test("npm-installed CLI: version read from its package.json without spawning", () => {
    if (!existsSync(join(BIN, "claude"))) return;
    expect(runtimeVersion(join(BIN, "claude"))).toBe("2.1.197");
    expect(runtimeVersion(join(BIN, "codex"))).toBe("0.169.0");
    // Proof of "no spawn": a packaged binary that leaves a marker when it is run.
    const d = tempDir("npmver");
    const marker = join(d, "ran");
    writeFileSync(
      join(d, "package.json"),
      JSON.stringify({ name: "fake-cli", version: "3.1.4", bin: { "fake-cli": "cli.sh" } }),
    );
    writeFileSync(join(d, "cli.sh"), `#!/bin/sh\ntouch '${marker}'\necho 0.0.0\n`, { mode: 0o755 });
    expect(runtimeVersion(join(d, "cli.sh"))).toBe("3.1.4");
    expect(existsSync(marker)).toBe(false);
  });
  test("non-npm binary inside an unrelated project: `--version` is asked instead", () => {
    expect(runtimeVersion(join(FAKES, "kiro-cli"))).toBe("1.99.0-fake");
    const d = tempDir("ver");
    writeFileSync(join(d, "package.json"), JSON.stringify({ name: "other", version: "9.9.9", bin: { other: "x.js" } }));
    mkdirSync(join(d, "bin"));
    symlinkSync(join(FAKES, "hermes"), join(d, "bin", "hermes"));
    expect(runtimeVersion(join(d, "bin", "hermes"))).toBe("0.11.0");
  });
});

describe("line framing", () => {
  test("split UTF-8, CRLF, unterminated tail", () => {
    const f = new LineFramer(1024);
    const bytes = new TextEncoder().encode("héllo\r\nwörld\npartial");
    const out = [...f.push(bytes.subarray(0, 2)), ...f.push(bytes.subarray(2, 9)), ...f.push(bytes.subarray(9))];
    expect(out).toEqual(["héllo", "wörld"]);
    expect(f.end()).toBe("partial");
  });
  test("a line over the cap sets overflow instead of growing", () => {
    const f = new LineFramer(16);
    f.push(new TextEncoder().encode("x".repeat(10)));
    f.push(new TextEncoder().encode("x".repeat(10)));
    expect(f.overflow).toBe(true);
  });
});

describe("ouroboros runtimes", () => {
  test("--json: every runtime, fakes found with versions, credential names but never values", async () => {
    const r = await runCli(["runtimes", "--json"], {
      env: { PATH: `${FAKES}:/usr/bin:/bin`, ANTHROPIC_API_KEY: "sk-very-secret-value", KIRO_API_KEY: "kiro-secret" },
    });
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain("sk-very-secret-value");
    expect(r.stdout).not.toContain("kiro-secret");
    const doc = JSON.parse(r.stdout);
    expect(doc.runtimes.map((x: { name: string }) => x.name)).toEqual([...RUNTIME_NAMES]);
    const kiro = doc.runtimes.find((x: { name: string }) => x.name === "kiro");
    expect(kiro).toMatchObject({ found: true, version: "1.99.0-fake", credentials_visible: ["KIRO_API_KEY"] });
    expect(doc.runtimes.find((x: { name: string }) => x.name === "claude").credentials_visible).toEqual([
      "ANTHROPIC_API_KEY",
    ]);
  });
  test("human table on stdout with install hints for missing CLIs", async () => {
    const r = await runCli(["runtimes"], { env: { PATH: "/usr/bin:/bin" } });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("runtime");
    expect(r.stdout).toContain("install claude: npm install -g @anthropic-ai/claude-code");
  });
});
