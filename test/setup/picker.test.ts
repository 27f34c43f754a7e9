/**
 * Copilot live model picker against a loopback fake models
 * endpoint: the searchable picker in a real pseudo-terminal, and every non-TTY path (default
 * pick, --model, 401, bad JSON, timeout, no token).
 */
import { afterAll, describe, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { FALLBACK_MODELS } from "../../src/setup/copilot-models.ts";
import { cliArgv } from "../lib/cli.ts";
import { Tmux } from "../lib/tmux.ts";
import { ENABLED_CHAT, type FakeMode, startFakeCopilot } from "./fake-copilot.ts";
import { read, sandbox, setup } from "./helpers.ts";
import { within } from "../lib/timing.ts";

const cleanups: (() => void)[] = [];
afterAll(() => {
  for (const c of cleanups) c();
});

function fixture(mode: FakeMode) {
  const fake = startFakeCopilot(mode);
  const sb = sandbox();
  cleanups.push(
    () => fake.stop(),
    () => rmSync(sb.home, { recursive: true, force: true }),
  );
  return { fake, sb, env: { GH_TOKEN: "tok-123", OUROBOROS_COPILOT_API_URL: fake.url } };
}

/** Start the CLI in a pty; variables that could point outside the sandbox are unset first. */
function startInPty(tmux: Tmux, args: string, env: Record<string, string>): void {
  const unset =
    "unset CODEX_HOME OPENCODE_CONFIG_DIR OPENCODE_CONFIG CLAUDE_CONFIG_DIR COPILOT_HOME HERMES_HOME GITHUB_TOKEN COPILOT_TOKEN OUROBOROS_CONFIG OUROBOROS_LLM_BACKEND;";
  tmux.start(`${unset} ${cliArgv().join(" ")} ${args}; echo "EXIT=$?"`, 100, 30, {
    NO_COLOR: "1",
    PATH: "/usr/bin:/bin",
    XDG_CONFIG_HOME: join(env.HOME!, ".config"),
    ...env,
  });
}

const savedModel = (ouroHome: string) => parseYaml(read(ouroHome, "config.yaml")).orchestrator.copilot_model as string;

describe("non-TTY", () => {
  test("200: enabled chat models only, default pick = first claude-opus-4.6*, spec headers sent", async () => {
    const { fake, sb, env } = fixture("ok");
    const r = await setup(sb, ["--runtime", "copilot"], env);
    expect(r.code).toBe(0);
    // The disabled-by-policy `claude-opus-4.6` must not win over the enabled `-fast` one.
    expect(savedModel(sb.ouroHome)).toBe("claude-opus-4.6-fast");
    const cfg = parseYaml(read(sb.ouroHome, "config.yaml"));
    expect(cfg.llm.qa_model).toBe("claude-opus-4.6-fast");
    expect(cfg.evaluation.semantic_model).toBe("claude-opus-4.6-fast");
    expect(fake.requests).toHaveLength(1);
    const h = fake.requests[0]!.headers;
    expect(h.authorization).toBe("Bearer tok-123");
    expect(h.accept).toBe("application/json");
    expect(h["editor-version"]).toBe("ouroboros-discovery/1.0");
    expect(h["copilot-integration-id"]).toBe("copilot-cli");
    expect(r.stderr).not.toContain("bundled");
  });

  test("--model skips discovery entirely", async () => {
    const { fake, sb, env } = fixture("ok");
    const r = await setup(sb, ["--runtime", "copilot", "--model", "gemini-3-pro"], env);
    expect(r.code).toBe(0);
    expect(savedModel(sb.ouroHome)).toBe("gemini-3-pro");
    expect(fake.requests).toHaveLength(0);
  });

  test("model fields already set by the user are kept; copilot_model always follows the pick", async () => {
    const { sb, env } = fixture("ok");
    const { put } = await import("./helpers.ts");
    put(sb.ouroHome, "config.yaml", "# mine\nllm:\n  qa_model: my-own-model\n");
    const r = await setup(sb, ["--runtime", "copilot", "--model", "gpt-5.2"], env);
    expect(r.code).toBe(0);
    const text = read(sb.ouroHome, "config.yaml");
    expect(text).toContain("# mine");
    const cfg = parseYaml(text);
    expect(cfg.llm.qa_model).toBe("my-own-model");
    expect(cfg.clarification.default_model).toBe("gpt-5.2");
    expect(cfg.orchestrator.copilot_model).toBe("gpt-5.2");
  });

  const failures: [FakeMode, RegExp][] = [
    ["401", /HTTP 401/],
    ["badjson", /invalid JSON/],
  ];
  for (const [mode, why] of failures) {
    test(`${mode}: notice on stderr, bundled list, default pick from it`, async () => {
      const { sb, env } = fixture(mode);
      const r = await setup(sb, ["--runtime", "copilot", "--json"], env);
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(why);
      expect(r.stderr).toContain("gh auth login");
      expect(savedModel(sb.ouroHome)).toBe("claude-opus-4.6");
      expect(JSON.parse(r.stdout).schema).toBe("ouroboros/v1/setup");
    });
  }

  test("endpoint never answers: gives up after 5 s with a notice", async () => {
    const { sb, env } = fixture("never");
    const t0 = performance.now();
    const r = await setup(sb, ["--runtime", "copilot"], env);
    const ms = performance.now() - t0;
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("did not answer within 5 s");
    expect(ms).toBeGreaterThan(4500);
    expect(ms).toBeLessThan(within(9000));
    expect(FALLBACK_MODELS).toContain(savedModel(sb.ouroHome));
  }, 15_000);

  test("no token anywhere (and no gh on PATH): notice, no request", async () => {
    const { fake, sb } = fixture("ok");
    const r = await setup(sb, ["--runtime", "copilot"], { OUROBOROS_COPILOT_API_URL: fake.url });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("no GitHub token");
    expect(fake.requests).toHaveLength(0);
    expect(savedModel(sb.ouroHome)).toBe("claude-opus-4.6");
  });
});

describe("token sources", () => {
  test("GH_TOKEN wins over GITHUB_TOKEN and COPILOT_TOKEN", async () => {
    const { fake, sb } = fixture("ok");
    const r = await setup(sb, ["--runtime", "copilot"], {
      OUROBOROS_COPILOT_API_URL: fake.url,
      GH_TOKEN: "gh-env",
      GITHUB_TOKEN: "github-env",
      COPILOT_TOKEN: "copilot-env",
    });
    expect(r.code).toBe(0);
    expect(fake.requests[0]!.headers.authorization).toBe("Bearer gh-env");
  });

  test("COPILOT_TOKEN is used when it is the only variable", async () => {
    const { fake, sb } = fixture("ok");
    await setup(sb, ["--runtime", "copilot"], { OUROBOROS_COPILOT_API_URL: fake.url, COPILOT_TOKEN: "copilot-env" });
    expect(fake.requests[0]!.headers.authorization).toBe("Bearer copilot-env");
  });

  test("`gh auth token` is asked last; a failing gh means no token", async () => {
    const { writeFileSync, mkdirSync, chmodSync } = await import("node:fs");
    for (const [script, expected] of [
      ['[ "$1 $2" = "auth token" ] && echo gho_from_gh && exit 0; exit 2', "Bearer gho_from_gh"],
      ["echo 'not logged in' >&2; exit 1", null],
      // A hung gh is abandoned after 5 s.
      ["exec sleep 30", null],
    ] as const) {
      const { fake, sb } = fixture("ok");
      const bin = join(sb.home, "bin");
      mkdirSync(bin);
      writeFileSync(join(bin, "gh"), `#!/bin/sh\n${script}\n`);
      chmodSync(join(bin, "gh"), 0o755);
      const t0 = performance.now();
      const r = await setup(sb, ["--runtime", "copilot"], {
        OUROBOROS_COPILOT_API_URL: fake.url,
        PATH: `${bin}:/usr/bin:/bin`,
      });
      expect(performance.now() - t0).toBeLessThan(within(9000));
      expect(r.code).toBe(0);
      if (expected) expect(fake.requests[0]!.headers.authorization).toBe(expected);
      else {
        expect(fake.requests).toHaveLength(0);
        expect(r.stderr).toContain("no GitHub token");
      }
    }
  }, 20_000);
});

describe("TTY picker", () => {
  test("type to search, arrow down, enter: the chosen model is saved", async () => {
    const { sb, env } = fixture("ok");
    const tmux = new Tmux("picker");
    cleanups.push(() => tmux.kill());
    startInPty(tmux, "setup --runtime copilot", { ...env, HOME: sb.home, OUROBOROS_HOME: sb.ouroHome });
    const first = await tmux.waitFor("Copilot model", 10_000);
    // Every enabled chat model is offered; the filtered-out ones are not.
    for (const id of ENABLED_CHAT) expect(first.screen).toContain(id);
    expect(first.screen).not.toContain("text-embedding");
    expect(first.screen).not.toContain("gpt-4o-mini");
    tmux.keys("gpt");
    await tmux.waitFor("(2 matches)");
    tmux.keys("Down");
    await tmux.waitFor(/● gpt-5\.3-codex/);
    tmux.keys("Enter");
    const done = await tmux.waitFor("EXIT=", 10_000);
    expect(done.screen).toContain("EXIT=0");
    expect(savedModel(sb.ouroHome)).toBe("gpt-5.3-codex");
    expect(read(sb.home, join(".copilot", "mcp-config.json"))).toContain('"ouroboros"');
  }, 30_000);

  test("Ctrl-C in the picker writes nothing and exits 75", async () => {
    const { sb, env } = fixture("ok");
    const tmux = new Tmux("picker-cancel");
    cleanups.push(() => tmux.kill());
    startInPty(tmux, "setup --runtime copilot", { ...env, HOME: sb.home, OUROBOROS_HOME: sb.ouroHome });
    await tmux.waitFor("Copilot model", 10_000);
    tmux.keys("C-c");
    const done = await tmux.waitFor("EXIT=", 10_000);
    expect(done.screen).toContain("EXIT=75");
    const { existsSync } = await import("node:fs");
    expect(existsSync(join(sb.home, ".copilot"))).toBe(false);
    expect(existsSync(join(sb.ouroHome, "config.yaml"))).toBe(false);
  }, 30_000);

  test("--non-interactive on a terminal takes the default pick without prompting", async () => {
    const { sb, env } = fixture("ok");
    const tmux = new Tmux("picker-noprompt");
    cleanups.push(() => tmux.kill());
    startInPty(tmux, "setup --runtime copilot --non-interactive", {
      ...env,
      HOME: sb.home,
      OUROBOROS_HOME: sb.ouroHome,
    });
    const done = await tmux.waitFor("EXIT=", 10_000);
    expect(done.screen).toContain("EXIT=0");
    expect(done.screen).not.toContain("Copilot model");
    expect(savedModel(sb.ouroHome)).toBe("claude-opus-4.6-fast");
  }, 30_000);

  test("no --runtime with several CLIs installed: a terminal gets a runtime prompt", async () => {
    const { copyFileSync, chmodSync, mkdirSync } = await import("node:fs");
    const { ROOT } = await import("../lib/cli.ts");
    const sb = sandbox();
    cleanups.push(() => rmSync(sb.home, { recursive: true, force: true }));
    const bin = join(sb.home, "bin");
    mkdirSync(bin);
    for (const f of ["kiro-cli", "hermes"]) {
      copyFileSync(join(ROOT, "test/fakes", f), join(bin, f));
      chmodSync(join(bin, f), 0o755);
    }
    const tmux = new Tmux("runtime-select");
    cleanups.push(() => tmux.kill());
    startInPty(tmux, "setup", {
      HOME: sb.home,
      OUROBOROS_HOME: sb.ouroHome,
      PATH: `${bin}:/usr/bin:/bin`,
      GH_TOKEN: "",
    });
    const shown = await tmux.waitFor("Set up which agent CLI?", 10_000);
    expect(shown.screen).toContain("kiro");
    expect(shown.screen).toContain("hermes");
    // The list is in runtime order (kiro, hermes) and starts on the fallback (kiro): Down → hermes.
    tmux.keys("Down");
    await tmux.waitFor(/● hermes/);
    tmux.keys("Enter");
    const done = await tmux.waitFor("EXIT=", 10_000);
    expect(done.screen).toContain("EXIT=0");
    expect(parseYaml(read(sb.ouroHome, "config.yaml")).orchestrator.hermes_cli_path).toBe(join(bin, "hermes"));
    expect(read(sb.home, ".hermes/config.yaml")).toContain("ouroboros:");
  }, 30_000);
});
