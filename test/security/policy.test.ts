/**
 * The child-environment policy, the redaction pass and the executable rules, each against the
 * attack it exists for (issue: keys in verify output, `../` walking around the allowlist,
 * symlinked artifacts pointing outside the workspace).
 */
import { describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ADAPTERS, RUNTIME_NAMES, type RuntimeName } from "../../src/runtime/registry.ts";
import { childEnv } from "../../src/runtime/env.ts";
import { commandEnv, policyEnv, probeEnv } from "../../src/security/child-env.ts";
import { resolveExecutable, staticCommandProblem } from "../../src/security/executable.ts";
import { createRedactor } from "../../src/security/redact.ts";
import { checkArtifacts, runCheck } from "../../src/pipeline/mechanical.ts";
import { parseExitCriteria } from "../../src/seed/exit-conditions.ts";
import { tempHome } from "../lib/cli.ts";
import { FAKE_CREDENTIALS } from "../lib/fake-credentials.ts";

/** Which fake credentials each runtime owns (its descriptor's rules), everything else must be absent. */
const OWNS: Record<RuntimeName, string[]> = {
  claude: ["ANTHROPIC_API_KEY", "AWS_SECRET_ACCESS_KEY", "AWS_BEARER_TOKEN_BEDROCK"],
  codex: ["OPENAI_API_KEY"],
  opencode: [
    "ANTHROPIC_API_KEY",
    "OPENAI_API_KEY",
    "OPENROUTER_API_KEY",
    "GEMINI_API_KEY",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_BEARER_TOKEN_BEDROCK",
  ],
  gemini: ["GEMINI_API_KEY"],
  copilot: ["GH_TOKEN", "GITHUB_TOKEN", "COPILOT_TOKEN"],
  kiro: ["KIRO_API_KEY", "AWS_SECRET_ACCESS_KEY", "AWS_BEARER_TOKEN_BEDROCK"],
  hermes: ["ANTHROPIC_API_KEY", "OPENAI_API_KEY", "OPENROUTER_API_KEY"],
};

const parent = { PATH: "/usr/bin:/bin", HOME: "/home/u", LANG: "C.UTF-8", VIRTUAL_ENV: "/venv", ...FAKE_CREDENTIALS };

describe("one environment policy for every child", () => {
  for (const rt of RUNTIME_NAMES) {
    test(`${rt}: only its own credentials`, () => {
      const env = childEnv(parent, ADAPTERS[rt].descriptor.env);
      if (!env.ok) throw new Error(env.error.message);
      const got = Object.keys(FAKE_CREDENTIALS)
        .filter((k) => k in env.value)
        .sort();
      expect(got).toEqual([...OWNS[rt]].sort());
      expect(env.value.PATH).toBe("/usr/bin:/bin");
    });
  }

  test("OUROBOROS_PASS_ENV still forwards a named variable to agent CLIs (and only to them)", () => {
    const env = childEnv(parent, ADAPTERS.codex.descriptor.env, {}, ["MY_SERVICE_TOKEN"]);
    expect(env.ok && env.value.MY_SERVICE_TOKEN).toBe(FAKE_CREDENTIALS.MY_SERVICE_TOKEN!);
    expect(commandEnv({ ...parent, OUROBOROS_PASS_ENV: "MY_SERVICE_TOKEN" }).MY_SERVICE_TOKEN).toBeUndefined();
  });

  test("verify / exit-condition commands and version probes get no credential at all", () => {
    const cmd = commandEnv(parent);
    expect(Object.keys(cmd).filter((k) => k in FAKE_CREDENTIALS)).toEqual([]);
    expect(cmd).toMatchObject({ PATH: "/usr/bin:/bin", HOME: "/home/u", VIRTUAL_ENV: "/venv" });
    expect(Object.keys(probeEnv(parent)).filter((k) => k in FAKE_CREDENTIALS)).toEqual([]);
    // A credential-shaped name is never "base", whatever its prefix.
    expect(commandEnv({ XDG_SECRET_TOKEN: "x".repeat(20), LC_API_KEY: "y".repeat(20) })).toEqual({});
  });

  test("gh (copilot model discovery) gets the GitHub token and nothing else", () => {
    const gh = policyEnv(parent, { kind: "gh" });
    expect(
      Object.keys(gh)
        .filter((k) => k in FAKE_CREDENTIALS)
        .sort(),
    ).toEqual(["GH_TOKEN", "GITHUB_TOKEN"]);
  });
});

describe("redaction", () => {
  const r = createRedactor({ ...FAKE_CREDENTIALS, SHORT_KEY: "k", PLAIN: "not-a-secret-value-123" });

  test("values of credential variables → «redacted:NAME»", () => {
    expect(r.text(`key=${FAKE_CREDENTIALS.KIRO_API_KEY}!`)).toBe("key=«redacted:KIRO_API_KEY»!");
    expect(r.text(`a ${FAKE_CREDENTIALS.ANTHROPIC_API_KEY} b ${FAKE_CREDENTIALS.OPENAI_API_KEY}`)).toBe(
      "a «redacted:ANTHROPIC_API_KEY» b «redacted:OPENAI_API_KEY»",
    );
    // Too short to be a secret, or not a credential name: untouched.
    expect(r.text("k is a letter; not-a-secret-value-123")).toBe("k is a letter; not-a-secret-value-123");
  });

  test("token shapes no variable holds", () => {
    const shapes: [string, string][] = [
      ["sk-abcdefghijklmnopqrstuv", "sk_key"],
      ["ghp_abcdefghijklmnopqrstuvwxyz012345", "github_token"],
      ["github_pat_11ABCDEFG0123456789_abcdefghijkl", "github_token"],
      ["xoxb-123456789012-abcdefghij", "slack_token"],
      ["AKIAIOSFODNN7EXAMPLE", "aws_access_key"],
      ["eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U", "jwt"],
    ];
    for (const [tok, name] of shapes) expect(r.text(`x ${tok} y`)).toBe(`x «redacted:${name}» y`);
    // Ordinary words that merely contain the prefixes stay.
    expect(r.text("task-runner-abcdefghijklmnopqrstuvwxyz and risk-free")).toBe(
      "task-runner-abcdefghijklmnopqrstuvwxyz and risk-free",
    );
  });

  test("deep: every string in a payload, keys kept", () => {
    const out = r.deep({
      output_tail: `GH_TOKEN=${FAKE_CREDENTIALS.GH_TOKEN}`,
      list: [FAKE_CREDENTIALS.GEMINI_API_KEY, 3],
      n: 1,
      nil: null,
    });
    expect(out).toEqual({
      output_tail: "GH_TOKEN=«redacted:GH_TOKEN»",
      list: ["«redacted:GEMINI_API_KEY»", 3],
      n: 1,
      nil: null,
    });
  });
});

describe("executables resolved canonically", () => {
  const project = tempHome("exe-project-");
  const outside = tempHome("exe-outside-");
  mkdirSync(join(outside, "x"));
  writeFileSync(join(outside, "x", "python3"), "#!/bin/sh\necho pwned\n");
  chmodSync(join(outside, "x", "python3"), 0o755);
  writeFileSync(join(project, "run.sh"), "#!/bin/sh\necho inside\n");
  chmodSync(join(project, "run.sh"), 0o755);
  symlinkSync(join(outside, "x", "python3"), join(project, "py"));
  symlinkSync(join(outside, "x"), join(project, "tools"));

  test("`../` escapes are refused statically, with the same message for verify and exit conditions", () => {
    const depth = "../".repeat(12);
    const escaping = `${depth}${outside.slice(1)}/x/python3 arg`;
    const msg = staticCommandProblem(escaping);
    expect(msg).toContain("resolves outside the project directory");
    expect(staticCommandProblem("../../../../tmp/x/python3 arg")).toBe(
      "'../../../../tmp/x/python3' resolves outside the project directory",
    );
    expect(parseExitCriteria(`command: ${escaping}`).error).toBe(msg!);
    expect(staticCommandProblem("/usr/bin/touch x")).toContain("absolute executables are not allowed");
    expect(staticCommandProblem("rm -rf .")).toContain("'rm' is not on the allowlist");
    expect(staticCommandProblem("./run.sh")).toBeNull();
    expect(staticCommandProblem("python3 -m unittest")).toBeNull();
  });

  test("a project path is followed through symlinks: leaving the project is refused", () => {
    expect(resolveExecutable("./run.sh", project)).toEqual({ ok: true, exe: join(project, "run.sh") });
    const viaLink = resolveExecutable("./py", project);
    expect(viaLink.ok).toBe(false);
    expect(!viaLink.ok && viaLink.problem).toContain("resolves outside the project directory");
    expect(resolveExecutable("tools/python3", project).ok).toBe(false);
    expect(resolveExecutable("python3", project).ok).toBe(true);
    expect(resolveExecutable("no-such-tool-xyz", project)).toMatchObject({ ok: false, missing: true });
  });

  test("the runner refuses the same commands (unverifiable, same message) and never runs them", async () => {
    const escaping = await runCheck("verify", "../../../../tmp/x/python3 arg", project, 5000);
    expect(escaping).toMatchObject({
      outcome: "unverifiable",
      exit_code: null,
      reason: staticCommandProblem("../../../../tmp/x/python3 arg")!,
    });
    const link = await runCheck("verify", "./py", project, 5000);
    expect(link.outcome).toBe("unverifiable");
    expect(link.output_tail).not.toContain("pwned");
    const arg = await runCheck("verify", "cat tools/python3", project, 5000);
    expect(arg).toMatchObject({ outcome: "unverifiable" });
    expect(arg.reason).toContain("argument 'tools/python3' resolves outside the project directory");
    const ok = await runCheck("verify", "./run.sh", project, 5000);
    expect(ok).toMatchObject({ outcome: "passed", exit_code: 0 });
  });

  test("verify commands see no credential in their environment", async () => {
    const saved = { ...process.env };
    Object.assign(process.env, FAKE_CREDENTIALS);
    try {
      const ev = await runCheck("verify", `python3 -c "print(__import__('os').environ)"`, project, 10_000);
      expect(ev.outcome).toBe("passed");
      for (const v of Object.values(FAKE_CREDENTIALS)) expect(ev.output ?? "").not.toContain(v);
    } finally {
      for (const k of Object.keys(FAKE_CREDENTIALS)) if (!(k in saved)) delete process.env[k];
    }
  });

  test("an artifact that is a symlink pointing outside the project is not present, and says why", () => {
    writeFileSync(join(project, "real.txt"), "x");
    symlinkSync(join(outside, "x", "python3"), join(project, "out.txt"));
    symlinkSync(join(outside, "gone"), join(project, "dangling.txt"));
    const [real, out, dangling, viaDir] = checkArtifacts(project, [
      "real.txt",
      "out.txt",
      "dangling.txt",
      "tools/python3",
    ]);
    expect(real).toMatchObject({ exists: true });
    expect(out).toMatchObject({ exists: false, sha256: null });
    expect(out!.reason).toContain("outside the project directory");
    expect(dangling).toMatchObject({ exists: false });
    expect(viaDir).toMatchObject({ exists: false });
  });
});
