import { describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fixture, ROOT, runCli, tempHome } from "../lib/cli.ts";

/** A PATH holding one fake `claude` so the dry-run finds a runtime without the real CLI. */
function fakeClaudePath(): string {
  const dir = join(tempHome("fake-bin-"), "bin");
  mkdirSync(dir);
  writeFileSync(join(dir, "claude"), "#!/bin/sh\necho '9.9.9 (Claude Code)'\n");
  chmodSync(join(dir, "claude"), 0o755);
  return `${dir}:/usr/bin:/bin`;
}

describe("run workflow --dry-run", () => {
  const example = join(ROOT, "examples/hello-cli.yaml");

  test("valid seed: plan with ids, levels, tiers, weights, predicates, runtime version; exit 0; writes nothing", async () => {
    const home = tempHome();
    const r = await runCli(["run", "workflow", example, "--dry-run", "--json"], {
      home,
      env: { PATH: fakeClaudePath() },
    });
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.ok).toBe(true);
    expect(j.acs.map((a: { display_path: string; level: number }) => [a.display_path, a.level])).toEqual([
      ["1", 0],
      ["2", 1],
    ]);
    expect(j.acs[0].semantic_ac_key).toMatch(/^ac_[0-9a-f]{16}$/);
    expect(j.acs[0].tier).toBe("frugal");
    expect(j.principles.map((p: { normalized: number }) => p.normalized)).toEqual([0.7, 0.3]);
    expect(j.exit_conditions.map((e: { kind: string }) => e.kind)).toEqual(["all_acs_passed", "cost_usd"]);
    expect(j.runtime).toMatchObject({ name: "claude", source: "default", found: true, version: "9.9.9" });
    expect(j.phases.map((p: { outcome: string }) => p.outcome)).toEqual(Array(6).fill("planned"));
    expect(j.project_dir.source).toBe("seed_folder");
    expect(readdirSync(home)).toEqual([]);
  });

  test("seed problems → exit 65 with every reason", async () => {
    const r = await runCli(["run", "workflow", fixture("seeds/invalid-many.yaml"), "--dry-run"], {
      env: { PATH: fakeClaudePath() },
    });
    expect(r.code).toBe(65);
    expect(r.stderr).toContain("invalid-many.yaml:1:7  goal");
    expect(r.stderr).toContain("invalid-many.yaml:21:5  exit_conditions.0.criteria");
  });

  test("dependency cycle and malformed predicate are dry-run errors", async () => {
    const cyc = await runCli(["run", "workflow", fixture("seeds/cycle.yaml"), "--dry-run", "--json"], {
      env: { PATH: fakeClaudePath() },
    });
    expect(cyc.code).toBe(65);
    expect(JSON.parse(cyc.stdout).errors[0].message).toContain("dependency cycle");
    const dir = tempHome();
    const seed = join(dir, "s.yaml");
    writeFileSync(
      seed,
      "goal: g\nontology_schema: {name: n, description: d}\nexit_conditions:\n  - {name: e, description: d, criteria: 'score >= high'}\nevaluation_principles:\n  - {name: a, description: b, weight: 0}\nmetadata: {}\n",
    );
    const bad = await runCli(["run", "workflow", seed, "--dry-run", "--json"], { env: { PATH: fakeClaudePath() } });
    expect(bad.code).toBe(65);
    const msgs = JSON.parse(bad.stdout).errors.map((e: { line: number; message: string }) => `${e.line}:${e.message}`);
    expect(msgs.some((m: string) => m.startsWith("4:malformed predicate"))).toBe(true);
    expect(msgs.some((m: string) => m.includes("weights are zero"))).toBe(true);
  });

  test("missing runtime CLI → exit 69 naming it", async () => {
    const r = await runCli(["run", "workflow", example, "--dry-run", "--runtime", "kiro"], {
      env: { PATH: "/usr/bin:/bin" },
    });
    expect(r.code).toBe(69);
    expect(r.stderr).toContain("kiro CLI 'kiro-cli' not found");
  });

  test("unknown runtime → exit 64 listing valid names; bad config → 78", async () => {
    const r = await runCli(["run", "workflow", example, "--dry-run", "--runtime", "emacs"], {
      env: { PATH: fakeClaudePath() },
    });
    expect(r.code).toBe(64);
    expect(r.stderr).toContain("valid runtimes: claude, codex, opencode, gemini, copilot, kiro, hermes");
    const home = tempHome();
    writeFileSync(join(home, "config.yaml"), "orchestrator: [broken\n");
    const c = await runCli(["run", "workflow", example, "--dry-run"], { home, env: { PATH: fakeClaudePath() } });
    expect(c.code).toBe(78);
  });

  test("runtime precedence reaches the dry-run: env beats config", async () => {
    const home = tempHome();
    writeFileSync(join(home, "config.yaml"), "orchestrator:\n  runtime_backend: gemini\n");
    const r = await runCli(["run", "workflow", example, "--dry-run", "--json"], {
      home,
      env: { PATH: fakeClaudePath(), OUROBOROS_RUNTIME: "claude" },
    });
    expect(JSON.parse(r.stdout).runtime).toMatchObject({ name: "claude", source: "env:OUROBOROS_RUNTIME" });
  });

  test("a real run validates first: no seed → 64, missing runtime CLI → 69, bad seed → 65, unknown session → 4", async () => {
    expect((await runCli(["run", "workflow"])).code).toBe(64);
    const missing = await runCli(["run", "workflow", example, "--runtime", "hermes"], {
      env: { PATH: "/usr/bin:/bin" },
    });
    expect(missing.code).toBe(69);
    expect(missing.stderr).toContain("hermes");
    expect(
      (await runCli(["run", "workflow", fixture("seeds/cycle.yaml")], { env: { PATH: fakeClaudePath() } })).code,
    ).toBe(65);
    expect((await runCli(["run", "workflow", "--resume", "orch_nope"])).code).toBe(4);
  });
});

describe("CLI basics", () => {
  test("--version, --help, unknown command", async () => {
    expect((await runCli(["--version"])).stdout).toMatch(/^ouroboros \d+\.\d+\.\d+/);
    const help = await runCli(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("USAGE");
    expect(help.stdout).not.toContain("\u001b[");
    const bad = await runCli(["frobnicate"]);
    expect(bad.code).toBe(64);
    expect(bad.stderr).toMatch(/^error: unknown command .frobnicate./);
    expect(bad.stderr).not.toContain("    at ");
  });
  test("seed validate: exit codes and JSON", async () => {
    const good = await runCli(["seed", "validate", join(ROOT, "examples/hello-cli.yaml"), "--json"]);
    expect(good.code).toBe(0);
    expect(JSON.parse(good.stdout).ok).toBe(true);
    const bad = await runCli(["seed", "validate", fixture("seeds/bomb.yaml"), "/nonexistent.yaml", "--json"]);
    expect(bad.code).toBe(65);
    expect(JSON.parse(bad.stdout).files.map((f: { errors: { code: string }[] }) => f.errors[0]!.code)).toEqual([
      "yaml.alias_bomb",
      "file.missing",
    ]);
  });
});

describe("dry-run refuses shell operators", () => {
  test("a mechanical.toml line with && is a dry-run error with its line and column", async () => {
    const dir = tempHome("mech-");
    mkdirSync(join(dir, ".ouroboros"));
    writeFileSync(
      join(dir, ".ouroboros", "mechanical.toml"),
      '# checks\nlint = "ruff check ."\ntest = "pytest -q && rm -rf /"\n',
    );
    const r = await runCli(
      ["run", "workflow", join(ROOT, "examples/hello-cli.yaml"), "--dry-run", "--project-dir", dir, "--json"],
      { env: { PATH: fakeClaudePath() } },
    );
    expect(r.code).toBe(65);
    const e = JSON.parse(r.stdout).errors.find((x: { code: string }) => x.code === "mechanical.command");
    expect([e.line, e.col]).toEqual([3, 19]);
    expect(e.message).toContain("shell operators");
  });
  test("a verify_command with a pipe is refused at its position", async () => {
    const dir = tempHome("seedop-");
    writeFileSync(
      join(dir, "s.yaml"),
      "goal: g\nacceptance_criteria:\n  - description: d\n    verify_command: cat x | grep y\nontology_schema: {name: n, description: d}\nmetadata: {}\n",
    );
    const r = await runCli(["run", "workflow", join(dir, "s.yaml"), "--dry-run", "--json"], {
      env: { PATH: fakeClaudePath() },
    });
    expect(r.code).toBe(65);
    const e = JSON.parse(r.stdout).errors[0];
    expect([e.line, e.col, e.path]).toEqual([4, 21, "acceptance_criteria.0.verify_command"]);
  });
});
