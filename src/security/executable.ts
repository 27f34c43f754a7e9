/**
 * Executables in seed commands (verify_command, exit-condition `command:`, mechanical checks),
 * resolved once and canonically. Allowed: a bare name on the allowlist found on PATH, or a
 * relative path that stays inside the project directory after resolving `..` and symlinks.
 * Everything else is refused — by `seed validate`, dry-run and the runner alike, with the same
 * message (the functions below are the only place those messages are made).
 */
import { lstatSync, realpathSync, statSync } from "node:fs";
import { isAbsolute, normalize, relative, resolve, sep } from "node:path";

export const SHELL_OPERATORS = /(&&|\|\||[|;<>`]|\$\()/;
export const SHELL_OPERATORS_MESSAGE =
  "shell operators (&&, ||, |, ;, >, <, backtick, $() are not allowed; commands run as argv without a shell";

/** Executables a seed command may name bare (more per project in .ouroboros/mechanical.toml `allow`). */
export const DEFAULT_ALLOW = [
  "python",
  "python3",
  "pytest",
  "node",
  "bun",
  "npm",
  "npx",
  "pnpm",
  "yarn",
  "deno",
  "tsc",
  "eslint",
  "jest",
  "vitest",
  "ruff",
  "mypy",
  "go",
  "gofmt",
  "cargo",
  "rustc",
  "make",
  "just",
  "task",
  "bazel",
  "gradle",
  "mvn",
  "dotnet",
  "ruby",
  "bundle",
  "rake",
  "php",
  "composer",
  "test",
  "ls",
  "cat",
  "grep",
  "diff",
  "wc",
  "true",
  "false",
  "echo",
  "cmp",
  "sha256sum",
];

/** Split a command into argv without a shell: whitespace and simple quotes only; null when a quote is open. */
export function splitArgv(cmd: string): string[] | null {
  const out: string[] = [];
  let cur = "";
  let quote: string | null = null;
  let has = false;
  for (const ch of cmd) {
    if (quote) {
      if (ch === quote) quote = null;
      else cur += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      has = true;
    } else if (/\s/.test(ch)) {
      if (cur || has) out.push(cur);
      cur = "";
      has = false;
    } else cur += ch;
  }
  if (quote) return null;
  if (cur || has) out.push(cur);
  return out;
}

const isPathLike = (head: string) => head.includes("/") || head.includes("\\");

/**
 * The rules that need no file system: shell operators, quoting, absolute or escaping paths, the
 * allowlist. Returns the one message every caller shows, or null.
 */
export function staticCommandProblem(command: string, allow: readonly string[] = []): string | null {
  if (SHELL_OPERATORS.test(command)) return SHELL_OPERATORS_MESSAGE;
  const argv = splitArgv(command);
  if (!argv?.length || argv[0] === "") return "empty command or unbalanced quotes";
  const head = argv[0]!;
  if (head.includes("\0")) return "the executable name contains a NUL byte";
  if (head.startsWith("/") || head.startsWith("~") || isAbsolute(head) || /^[A-Za-z]:/.test(head))
    return `'${head}': absolute executables are not allowed; name a tool on the allowlist or a path inside the project`;
  if (isPathLike(head)) {
    const rel = normalize(head.replaceAll("\\", "/"));
    if (rel === ".." || rel.startsWith(`..${sep}`) || rel.startsWith("../"))
      return `'${head}' resolves outside the project directory`;
    return null;
  }
  if (!DEFAULT_ALLOW.includes(head) && !allow.includes(head))
    return `'${head}' is not on the allowlist (add it to .ouroboros/mechanical.toml allow = [...])`;
  return null;
}

const inside = (root: string, p: string) => {
  const r = relative(root, p);
  return r === "" || (!r.startsWith("..") && !isAbsolute(r));
};

function realOrNull(p: string): string | null {
  try {
    return realpathSync(p);
  } catch {
    return null;
  }
}

export type Resolution = { ok: true; exe: string } | { ok: false; problem: string; missing: boolean };

/**
 * Where the (statically valid) executable really is. A bare name: PATH (absolute entries only, so
 * a `.` entry cannot pick a file from the project). A path: inside the project after realpath.
 */
export function resolveExecutable(
  head: string,
  projectDir: string,
  pathVar: string = process.env.PATH ?? "",
): Resolution {
  if (!isPathLike(head)) {
    const PATH = pathVar
      .split(":")
      .filter((d) => isAbsolute(d))
      .join(":");
    const exe = Bun.which(head, { PATH });
    return exe
      ? { ok: true, exe }
      : { ok: false, problem: `'${head}' is not installed (not found on PATH)`, missing: true };
  }
  const root = realOrNull(projectDir) ?? resolve(projectDir);
  const full = resolve(projectDir, head);
  const real = realOrNull(full);
  if (!real) {
    // Not there yet (the agent may create it); its nearest existing parent must still be inside.
    const parent = realOrNull(resolve(full, ".."));
    if (parent && !inside(root, parent))
      return { ok: false, problem: `'${head}' resolves outside the project directory (${parent})`, missing: false };
    return { ok: false, problem: `'${head}' does not exist in the project directory`, missing: true };
  }
  if (!inside(root, real))
    return { ok: false, problem: `'${head}' resolves outside the project directory (${real})`, missing: false };
  if (!statSync(real).isFile()) return { ok: false, problem: `'${head}' is not a file`, missing: false };
  return { ok: true, exe: real };
}

/**
 * Arguments naming an existing path are followed by the tool; one that resolves (through `..`,
 * an absolute path or a symlink) outside the project is refused.
 */
export function argumentProblem(args: readonly string[], projectDir: string): string | null {
  const root = realOrNull(projectDir) ?? resolve(projectDir);
  for (const a of args) {
    if (a === "" || a.startsWith("-") || a.includes("\0")) continue;
    const full = resolve(projectDir, a);
    let exists = false;
    try {
      lstatSync(full);
      exists = true;
    } catch {
      // Not a path (or not yet): nothing to follow.
    }
    if (!exists) continue;
    const real = realOrNull(full);
    if (real === null || !inside(root, real))
      return `argument '${a}' resolves outside the project directory${real ? ` (${real})` : " (dangling symlink)"}`;
  }
  return null;
}

/**
 * Where project path `p` really is: `inside` is false when it leaves the project through a symlink
 * (or is a dangling symlink, which cannot be checked). A plain missing path is inside (and absent).
 */
export function staysInside(projectDir: string, p: string): { inside: boolean; real: string | null } {
  const full = resolve(projectDir, p);
  const real = realOrNull(full);
  if (real === null) {
    let link = false;
    try {
      link = lstatSync(full).isSymbolicLink();
    } catch {
      // absent
    }
    return { inside: !link, real: null };
  }
  return { inside: inside(realOrNull(projectDir) ?? resolve(projectDir), real), real };
}
