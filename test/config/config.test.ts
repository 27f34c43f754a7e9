import { describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { deniedForUntrusted, loadDotenvFiles, parseDotenv } from "../../src/config/dotenv.ts";
import { loadConfig } from "../../src/config/load.ts";
import { selectRuntime } from "../../src/runtime/selection.ts";
import { runCli, tempHome } from "../lib/cli.ts";

describe("config precedence: default < config.yaml < env", () => {
  test("sources are reported per key", () => {
    const home = tempHome();
    const file = join(home, "config.yaml");
    writeFileSync(file, "orchestrator:\n  max_parallel_workers: 4\n  runtime_backend: codex\n");
    const none = loadConfig({}, join(home, "missing.yaml"));
    expect(none.ok && none.value.config.orchestrator.max_parallel_workers).toBe(3);
    const fromFile = loadConfig({}, file);
    expect(
      fromFile.ok && [
        fromFile.value.config.orchestrator.max_parallel_workers,
        fromFile.value.sources["orchestrator.max_parallel_workers"],
      ],
    ).toEqual([4, "config"]);
    const fromEnv = loadConfig({ OUROBOROS_MAX_PARALLEL_WORKERS: "6" }, file);
    expect(
      fromEnv.ok && [
        fromEnv.value.config.orchestrator.max_parallel_workers,
        fromEnv.value.sources["orchestrator.max_parallel_workers"],
      ],
    ).toEqual([6, "env:OUROBOROS_MAX_PARALLEL_WORKERS"]);
    const badEnv = loadConfig({ OUROBOROS_MAX_PARALLEL_WORKERS: "lots" }, file);
    expect(!badEnv.ok && badEnv.error.kind).toBe("config");
  });

  test("runtime selection: flag > OUROBOROS_AGENT_RUNTIME > OUROBOROS_RUNTIME > config > claude", () => {
    const home = tempHome();
    const file = join(home, "config.yaml");
    writeFileSync(file, "orchestrator:\n  runtime_backend: codex\n");
    const cfg = loadConfig({}, file);
    if (!cfg.ok) throw new Error(cfg.error.message);
    const pick = (flag: string | undefined, env: Record<string, string>) => {
      const r = selectRuntime(flag, env, cfg.value);
      return r.ok ? `${r.value.name}<${r.value.source}` : `error:${r.error.message}`;
    };
    expect(pick("gemini", { OUROBOROS_AGENT_RUNTIME: "kiro", OUROBOROS_RUNTIME: "hermes" })).toBe("gemini<flag");
    expect(pick(undefined, { OUROBOROS_AGENT_RUNTIME: "Kiro ", OUROBOROS_RUNTIME: "hermes" })).toBe(
      "kiro<env:OUROBOROS_AGENT_RUNTIME",
    );
    expect(pick(undefined, { OUROBOROS_RUNTIME: "copilot_cli" })).toBe("copilot<env:OUROBOROS_RUNTIME");
    expect(pick(undefined, {})).toBe("codex<config");
    const noCfg = selectRuntime(undefined, {}, null);
    expect(noCfg.ok && noCfg.value).toEqual({ name: "claude", source: "default" });
    expect(pick("vim", {})).toContain("unknown runtime 'vim'");
  });

  test("invalid config file names file, line and field", async () => {
    const home = tempHome();
    writeFileSync(join(home, "config.yaml"), "orchestrator:\n  max_parallel_workers: many\n  bogus_key: 1\n");
    const r = await runCli(["config", "show"], { home });
    expect(r.code).toBe(78);
    expect(r.stderr).toContain("config.yaml:2:25  orchestrator.max_parallel_workers");
    expect(r.stderr).toContain("config.yaml:3:3  orchestrator.bogus_key  unknown key");
  });

  test("config set keeps comments and a .bak, refuses bad values, config get reads back", async () => {
    const home = tempHome();
    const file = join(home, "config.yaml");
    writeFileSync(file, "# my settings\norchestrator:\n  max_parallel_workers: 2 # keep small\n");
    expect((await runCli(["config", "set", "economics.default_tier", "standard"], { home })).code).toBe(0);
    const text = readFileSync(file, "utf8");
    expect(text).toContain("# my settings");
    expect(text).toContain("# keep small");
    expect(readFileSync(`${file}.bak`, "utf8")).not.toContain("default_tier");
    expect((await runCli(["config", "get", "economics.default_tier"], { home })).stdout.trim()).toBe("standard");
    const bad = await runCli(["config", "set", "economics.default_tier", "luxury"], { home });
    expect(bad.code).toBe(64);
    expect(readFileSync(file, "utf8")).toBe(text);
    expect((await runCli(["config", "get", "nope.key"], { home })).code).toBe(64);
    const env = await runCli(["config", "show", "orchestrator", "--json"], {
      home,
      env: { OUROBOROS_MAX_PARALLEL_WORKERS: "9" },
    });
    expect(JSON.parse(env.stdout).values["orchestrator.max_parallel_workers"]).toEqual({
      value: 9,
      source: "env:OUROBOROS_MAX_PARALLEL_WORKERS",
    });
  });
});

describe(".env handling", () => {
  test("untrusted ./.env cannot set denied keys; trusted can; nothing overrides the environment", () => {
    const dir = tempHome();
    const untrusted = join(dir, "project.env");
    const trusted = join(dir, "home.env");
    writeFileSync(
      untrusted,
      "PATH=/evil\nLD_PRELOAD=x.so\nOUROBOROS_AGENT_RUNTIME=codex\nOUROBOROS_CODEX_CLI_PATH=/tmp/x\nANTHROPIC_API_KEY=sk-project\nOPENAI_API_KEY=YOUR_OPENAI_API_KEY\nEMPTY=\n",
    );
    writeFileSync(trusted, "OUROBOROS_AGENT_RUNTIME=gemini\nGOOGLE_API_KEY=g\n");
    const env: NodeJS.ProcessEnv = { PATH: "/usr/bin", GOOGLE_API_KEY: "already" };
    const r = loadDotenvFiles(env, untrusted, trusted);
    expect(env.PATH).toBe("/usr/bin");
    expect(env.LD_PRELOAD).toBeUndefined();
    expect(env.OUROBOROS_CODEX_CLI_PATH).toBeUndefined();
    expect(env.ANTHROPIC_API_KEY).toBe("sk-project");
    expect(env.OPENAI_API_KEY).toBeUndefined();
    expect(env.EMPTY).toBeUndefined();
    expect(env.OUROBOROS_AGENT_RUNTIME).toBe("gemini");
    expect(env.GOOGLE_API_KEY).toBe("already");
    expect(r.refused.sort()).toEqual(["LD_PRELOAD", "OUROBOROS_AGENT_RUNTIME", "OUROBOROS_CODEX_CLI_PATH", "PATH"]);
  });
  test("the denylist is case-insensitive and covers prefixes", () => {
    for (const k of [
      "path",
      "Home",
      "NODE_OPTIONS",
      "DYLD_INSERT_LIBRARIES",
      "BASH_FUNC_x%%",
      "PIP_INDEX_URL",
      "UV_INDEX",
      "OUROBOROS_GEMINI_CLI_PATH",
      "ouroboros_runtime",
      "OUROBOROS_HOME",
    ]) {
      expect(deniedForUntrusted(k)).toBe(true);
    }
    for (const k of ["ANTHROPIC_API_KEY", "OPENAI_API_KEY", "MY_VAR"]) expect(deniedForUntrusted(k)).toBe(false);
  });
  test("a malformed file loads nothing", () => {
    expect(parseDotenv("A=1\nthis is not a line\n")).toBeNull();
    expect(parseDotenv("# c\nexport A='x y'\nB=\"q\" \nC=plain # comment\n")).toEqual(
      new Map([
        ["A", "x y"],
        ["B", "q"],
        ["C", "plain"],
      ]),
    );
  });
});
