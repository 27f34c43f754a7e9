/**
 * A built-in runtime is one folder (adapters/<name>/) plus its entry in ADAPTERS
 * (src/runtime/registry.ts): names, aliases, config keys, flag help and setup all derive from
 * that entry. The proof reads the code (comments and types stripped by Bun's transpiler): a file
 * under src/ that names three or more built-in runtimes is a list of runtimes, and only the
 * registry may be one. Re-adding a list (a picklist of names, a map of per-runtime config keys)
 * fails here unless it is one of the reviewed exceptions below.
 */
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { ADAPTERS, RUNTIME_NAMES } from "../../src/runtime/registry.ts";
import { ROOT } from "../lib/cli.ts";

const REGISTRY = "src/runtime/registry.ts";

/**
 * Files that name several runtimes for a reason other than listing them (each says which): a new
 * runtime does not have to touch them. A list kept by hand does not belong here; fold it into the
 * adapters' descriptors instead.
 */
const REVIEWED: Record<string, string> = {
  "src/cli/commands/setup.ts":
    "one flag per runtime-specific setup option (--model copilot, --opencode-mode, --mcp-mode codex)",
  "src/setup/copilot-models.ts": "Copilot's model ids (claude-…, gpt-…-codex) and its own name",
  "src/config/schema.ts":
    "options of one runtime each (orchestrator.opencode_mode, copilot_model) and llm.backend's default",
  "src/config/dotenv.ts": "variables a project .env may not set, some of which belong to one CLI",
  "src/adapter-kit/contract.ts":
    "OUTPUT_FORMATS: the shipped parsers a declared runtime may reuse; the registry refuses to load unless each has its parser",
};

const scanners = { ts: new Bun.Transpiler({ loader: "ts" }), tsx: new Bun.Transpiler({ loader: "tsx" }) };

/** The built-in runtimes named in a file's code (not its comments); CLAUDE_CONFIG_DIR names claude. */
export function runtimesNamed(file: string, source: string): string[] {
  const code = (file.endsWith(".tsx") ? scanners.tsx : scanners.ts).transformSync(source.replace(/^#!.*/, ""));
  return RUNTIME_NAMES.filter((n) => new RegExp(`(?<![A-Za-z0-9])${n}(?![A-Za-z0-9])`, "i").test(code));
}

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? sourceFiles(join(dir, e.name))
      : /\.tsx?$/.test(e.name)
        ? [relative(ROOT, join(ROOT, dir, e.name))]
        : [],
  );
}

const lists = Object.fromEntries(
  sourceFiles("src")
    .map((f) => [f, runtimesNamed(f, readFileSync(join(ROOT, f), "utf8"))] as const)
    .filter(([, names]) => names.length >= 3),
);

describe("one folder + one registry entry per built-in runtime", () => {
  test("the detector sees a list and the registry is one", () => {
    expect(runtimesNamed("x.ts", 'const M = { claude: 1, "codex": 2, KIRO_HOME: 3 };')).toEqual([
      "claude",
      "codex",
      "kiro",
    ]);
    expect(runtimesNamed("x.ts", "// claude codex kiro\nconst claudeDir = 1;")).toEqual([]);
    expect(lists[REGISTRY]).toEqual([...RUNTIME_NAMES]);
  });

  test("no file under src/ lists runtimes but the registry and the reviewed ones", () => {
    const unexpected = Object.entries(lists)
      .filter(([f]) => f !== REGISTRY && !REVIEWED[f])
      .map(([f, names]) => `${f}: ${names.join(", ")}`);
    expect(unexpected).toEqual([]);
  });

  test("every reviewed exception still names several runtimes (drop it once it no longer does)", () => {
    expect(Object.keys(REVIEWED).filter((f) => !lists[f])).toEqual([]);
  });

  test("each adapters/<name>/ folder is one registry entry whose descriptor carries that name", () => {
    const folders = readdirSync(join(ROOT, "adapters"), { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
    expect([...RUNTIME_NAMES].sort() as string[]).toEqual(folders);
    for (const n of RUNTIME_NAMES) expect(ADAPTERS[n].descriptor.name).toBe(n);
  });
});
