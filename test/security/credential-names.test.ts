/**
 * Each built-in runtime declares its key variables in its descriptor (`secretEnv`); the registry
 * registers them with redaction when it loads, since src/security may not import the runtimes.
 * The proof that no path forgets: every module that redacts, loaded alone in a fresh process,
 * knows every built-in's key variables, while the redaction module alone does not.
 */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ADAPTERS } from "../../src/runtime/registry.ts";
import { createRedactor, isCredentialName } from "../../src/security/redact.ts";
import { commandEnv } from "../../src/security/child-env.ts";
import { ROOT } from "../lib/cli.ts";
import { importGraph } from "../lib/import-graph.ts";

const SECRET_NAMES = [...new Set(Object.values(ADAPTERS).flatMap((a) => a.descriptor.secretEnv))].sort();
/** A real key variable (Claude Code on Bedrock) that the generic *_API_KEY / *_TOKEN rules miss. */
const ONLY_DECLARED = "AWS_BEARER_TOKEN_BEDROCK";

/** The credential names a fresh process knows after importing `module` (a path under the repo). */
async function namesKnownAfterLoading(module: string | null): Promise<string[]> {
  const load = module ? `await import(${JSON.stringify(join(ROOT, module))});` : "";
  const script = `${load} const r = await import(${JSON.stringify(join(ROOT, "src/security/redact.ts"))});
    console.log(JSON.stringify(${JSON.stringify(SECRET_NAMES)}.filter((n) => r.isCredentialName(n))));`;
  const p = Bun.spawn([process.execPath, "-e", script], { cwd: ROOT, stdout: "pipe", stderr: "pipe" });
  const [out, errText, code] = await Promise.all([
    new Response(p.stdout).text(),
    new Response(p.stderr).text(),
    p.exited,
  ]);
  if (code !== 0) throw new Error(`${module}: ${errText}`);
  return JSON.parse(out);
}

/** Files outside src/security that import the redaction module (type-only importers would count too). */
const REDACTING = [...importGraph(ROOT)]
  .filter(([f, imports]) => !f.startsWith("src/security/") && imports.has("src/security/redact.ts"))
  .map(([f]) => f)
  .sort();
/**
 * cli/main.ts redacts its own error report; its static imports are the start-up budget (no
 * node:fs), so it loads cli/output.ts, which registers, before any command runs.
 */
const REGISTERS_ON_COMMAND_PATH = new Set(["src/cli/main.ts"]);

describe("each runtime's key variables come from its descriptor", () => {
  test("every built-in declares some, and loading the registry registers them all", () => {
    for (const a of Object.values(ADAPTERS)) expect(a.descriptor.secretEnv.length).toBeGreaterThan(0);
    expect(SECRET_NAMES.filter((n) => !isCredentialName(n))).toEqual([]);
  });

  test("a declared name the generic rules miss is redacted and kept from commands", () => {
    const value = "bedrock-bearer-value-0123456789";
    expect(createRedactor({ [ONLY_DECLARED]: value }).text(`x ${value} y`)).toBe(`x «redacted:${ONLY_DECLARED}» y`);
    expect(commandEnv({ [ONLY_DECLARED]: value, PATH: "/bin" })).toEqual({ PATH: "/bin" });
  });

  test("the redaction module alone does not know it (registration is what makes it a credential)", async () => {
    expect(SECRET_NAMES).toContain(ONLY_DECLARED);
    expect(await namesKnownAfterLoading(null)).not.toContain(ONLY_DECLARED);
  });

  test("every module that redacts registers the runtimes' names when loaded on its own", async () => {
    expect(REDACTING).toContain("src/events/store.ts");
    expect(REDACTING.length).toBeGreaterThan(4);
    const modules = REDACTING.filter((f) => !REGISTERS_ON_COMMAND_PATH.has(f));
    const known = await Promise.all(modules.map(namesKnownAfterLoading));
    const missing = modules
      .map((f, i) => [f, SECRET_NAMES.filter((n) => !known[i]!.includes(n))] as const)
      .filter(([, names]) => names.length > 0)
      .map(([f, names]) => `${f}: ${names.join(", ")}`);
    expect(missing).toEqual([]);
  }, 120_000);

  test("the CLI's command path loads the module that registers", () => {
    const main = readFileSync(join(ROOT, "src/cli/main.ts"), "utf8");
    expect(main).toContain('import("./output.ts")');
    expect(REDACTING).toContain("src/cli/output.ts");
  });
});
