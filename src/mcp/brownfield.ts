/**
 * `ouroboros_brownfield`: scan an existing project (languages by file count, build/test commands
 * from its manifests, top-level layout) without a model call. A scan is recorded as an event
 * (aggregate "brownfield", id = the absolute path); `register` also marks the repository as the
 * default context for interviews started without a `cwd`. The text it produces is what the
 * interview's context dimension is scored against.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { extname, join, resolve } from "node:path";
import { fail, ok, type Result } from "../errors.ts";
import type { EventPayload, EventType } from "../events/catalogue.ts";
import type { EventBackend } from "../events/backend.ts";
import { checkWorkspace, type McpContext } from "./context.ts";

export interface Scan {
  path: string;
  languages: { language: string; files: number }[];
  manifests: string[];
  build_commands: string[];
  test_commands: string[];
  layout: string[];
  files_scanned: number;
  /** One paragraph for the interview (its codebase_context). */
  context: string;
}

const LANG: Record<string, string> = {
  ".ts": "TypeScript",
  ".tsx": "TypeScript",
  ".js": "JavaScript",
  ".jsx": "JavaScript",
  ".mjs": "JavaScript",
  ".py": "Python",
  ".go": "Go",
  ".rs": "Rust",
  ".java": "Java",
  ".kt": "Kotlin",
  ".rb": "Ruby",
  ".php": "PHP",
  ".cs": "C#",
  ".c": "C",
  ".h": "C",
  ".cpp": "C++",
  ".swift": "Swift",
  ".ex": "Elixir",
  ".sh": "Shell",
};
const SKIP = new Set([
  ".git",
  "node_modules",
  "dist",
  "build",
  "target",
  ".venv",
  "venv",
  "__pycache__",
  ".next",
  "vendor",
]);
const MAX_FILES = 5000;

function walk(root: string): Map<string, number> {
  const counts = new Map<string, number>();
  let seen = 0;
  const stack = [root];
  while (stack.length && seen < MAX_FILES) {
    const dir = stack.pop()!;
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const n of names) {
      if (SKIP.has(n) || n.startsWith(".")) continue;
      const p = join(dir, n);
      let st;
      try {
        st = statSync(p);
      } catch {
        continue;
      }
      if (st.isDirectory()) stack.push(p);
      else if (++seen <= MAX_FILES) {
        const lang = LANG[extname(n).toLowerCase()];
        if (lang) counts.set(lang, (counts.get(lang) ?? 0) + 1);
      }
    }
  }
  counts.set("__files", seen);
  return counts;
}

const readJson = (p: string): Record<string, unknown> | null => {
  try {
    return JSON.parse(readFileSync(p, "utf8")) as Record<string, unknown>;
  } catch {
    return null;
  }
};

/** Build and test commands the manifests declare (never guessed beyond the toolchain's convention). */
function commands(dir: string, manifests: string[]): { build: string[]; test: string[] } {
  const build: string[] = [];
  const test: string[] = [];
  const has = (m: string) => manifests.includes(m);
  if (has("package.json")) {
    const scripts = (readJson(join(dir, "package.json"))?.scripts ?? {}) as Record<string, unknown>;
    const runner =
      existsSync(join(dir, "bun.lock")) || existsSync(join(dir, "bun.lockb"))
        ? "bun run"
        : existsSync(join(dir, "pnpm-lock.yaml"))
          ? "pnpm run"
          : existsSync(join(dir, "yarn.lock"))
            ? "yarn"
            : "npm run";
    for (const k of Object.keys(scripts)) {
      if (/^(build|compile|typecheck)/.test(k)) build.push(`${runner} ${k}`);
      if (/^test/.test(k)) test.push(`${runner} ${k}`);
    }
  }
  if (has("Cargo.toml")) build.push("cargo build"), test.push("cargo test");
  if (has("go.mod")) build.push("go build ./..."), test.push("go test ./...");
  if (has("pyproject.toml") || has("requirements.txt") || has("setup.py"))
    test.push(existsSync(join(dir, "tests")) || existsSync(join(dir, "pytest.ini")) ? "pytest" : "python3 -m unittest");
  if (has("Makefile")) {
    const targets = [...readFileSync(join(dir, "Makefile"), "utf8").matchAll(/^([A-Za-z][\w-]*):/gm)].map((m) => m[1]!);
    if (targets.includes("build")) build.push("make build");
    if (targets.includes("test")) test.push("make test");
  }
  if (has("pom.xml")) build.push("mvn package"), test.push("mvn test");
  if (has("build.gradle") || has("build.gradle.kts")) build.push("gradle build"), test.push("gradle test");
  return { build, test };
}

const MANIFESTS = [
  "package.json",
  "tsconfig.json",
  "pyproject.toml",
  "requirements.txt",
  "setup.py",
  "Cargo.toml",
  "go.mod",
  "pom.xml",
  "build.gradle",
  "build.gradle.kts",
  "Gemfile",
  "composer.json",
  "mix.exs",
  "Makefile",
];

export function scanProject(dir: string): Scan {
  const root = resolve(dir);
  const counts = walk(root);
  const files = counts.get("__files") ?? 0;
  counts.delete("__files");
  const languages = [...counts.entries()]
    .map(([language, n]) => ({ language, files: n }))
    .sort((a, b) => b.files - a.files);
  const manifests = MANIFESTS.filter((m) => existsSync(join(root, m)));
  const { build, test } = commands(root, manifests);
  const layout = readdirSync(root)
    .filter((n) => !SKIP.has(n) && !n.startsWith("."))
    .sort()
    .slice(0, 40)
    .map((n) => (statSync(join(root, n)).isDirectory() ? `${n}/` : n));
  const context = [
    `Existing project at ${root}.`,
    `Languages: ${languages.map((l) => `${l.language} (${l.files} files)`).join(", ") || "none detected"}.`,
    `Manifests: ${manifests.join(", ") || "none"}.`,
    `Build: ${build.join("; ") || "none declared"}. Test: ${test.join("; ") || "none declared"}.`,
    `Top level: ${layout.join(", ")}.`,
  ].join(" ");
  return {
    path: root,
    languages,
    manifests,
    build_commands: build,
    test_commands: test,
    layout,
    files_scanned: files,
    context,
  };
}

/** Repositories scanned so far (latest scan each) and the default one, from the events. */
export async function registry(
  b: EventBackend,
): Promise<{ repos: (Scan & { scanned_at: string })[]; default: string | null }> {
  const repos = new Map<string, Scan & { scanned_at: string }>();
  let def: string | null = null;
  for (const r of await b.aggregateTypeEvents("brownfield")) {
    const d = r.data as unknown as Scan & { path: string };
    if (r.type === "brownfield.scanned") repos.set(d.path, { ...d, scanned_at: r.timestamp });
    else if (r.type === "brownfield.default.set") def = d.path;
  }
  return { repos: [...repos.values()], default: def };
}

export type BrownfieldAction = "scan" | "register" | "query";

export async function brownfieldTool(
  ctx: McpContext,
  a: { action?: BrownfieldAction; scan_root?: string },
): Promise<Result<Record<string, unknown>>> {
  const b = await ctx.backend();
  if (!b.ok) return b;
  const action = a.action ?? "scan";
  if (action === "query") return ok(await registry(b.value));
  const dir = checkWorkspace(ctx.options, a.scan_root ?? process.cwd());
  if (!dir.ok) return dir;
  if (!existsSync(dir.value) || !statSync(dir.value).isDirectory())
    return fail("badArgs", `ouroboros_brownfield: scan_root ${dir.value} is not a directory`);
  const scan = scanProject(dir.value);
  const rec = <T extends Extract<EventType, `brownfield.${string}`>>(type: T, data: EventPayload<T>) =>
    b.value.append({ type, aggregate_type: "brownfield", aggregate_id: scan.path, data });
  const r = await rec("brownfield.scanned", { ...scan });
  if (!r.ok) return r;
  if (action === "register") {
    const d = await rec("brownfield.default.set", { path: scan.path });
    if (!d.ok) return d;
  }
  return ok({
    action,
    ...scan,
    default: action === "register" ? scan.path : (await registry(b.value)).default,
    next: "ouroboros_interview {initial_context, cwd} uses this scan as the project context",
  });
}
