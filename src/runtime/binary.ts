/**
 * Where is a runtime's CLI and which version is it? Resolution: env
 * override > config path > PATH. The version comes from the npm package that ships the binary
 * (no process start: the dry-run has 50 ms), else from `<bin> --version` with a 5 s cap.
 */
import { readFileSync, realpathSync, statSync } from "node:fs";
import { probeEnv } from "../security/child-env.ts";
import { dirname, join, resolve } from "node:path";
import { ok, type Result } from "../errors.ts";
import type { RuntimeDescriptor } from "../adapter-kit/contract.ts";
import { allDescriptors, findDescriptor } from "./descriptors.ts";

/**
 * The part of the loaded config.yaml this layer reads: orchestrator.<pathConfigKey>. Spelled out
 * here because config/ sits above the runtime layer (its schema is keyed by the registry).
 */
export type RuntimeConfig = { readonly orchestrator: object };

export interface ResolvedBinary {
  path: string;
  /** `declared`: the path a runtime file names. */
  source: "env" | "config" | "PATH" | "declared";
}

function isExecutableFile(p: string): boolean {
  try {
    const st = statSync(p);
    return st.isFile() && (st.mode & 0o111) !== 0;
  } catch {
    return false;
  }
}

/** Non-executable overrides are skipped (copilot/kiro ignore them; we do so for all). */
export function resolveBinary(
  runtime: string | RuntimeDescriptor,
  env: Readonly<Record<string, string | undefined>>,
  config: RuntimeConfig | null,
): ResolvedBinary | null {
  const found = typeof runtime === "string" ? findDescriptor(runtime, env as NodeJS.ProcessEnv) : ok(runtime);
  if (!found.ok) return null;
  const d = found.value;
  const fromEnv = env[d.pathEnv]?.trim();
  if (fromEnv && isExecutableFile(fromEnv)) return { path: fromEnv, source: "env" };
  const fromConfig = d.pathConfigKey
    ? (config?.orchestrator as Record<string, unknown> | undefined)?.[d.pathConfigKey]
    : null;
  if (typeof fromConfig === "string" && fromConfig.trim() && isExecutableFile(fromConfig.trim()))
    return { path: fromConfig.trim(), source: "config" };
  if (d.binary.includes("/")) return isExecutableFile(d.binary) ? { path: d.binary, source: "declared" } : null;
  const onPath = Bun.which(d.binary, { PATH: env.PATH ?? "" });
  return onPath ? { path: onPath, source: "PATH" } : null;
}

/** The version of the npm package whose `bin` is this file, without running it. */
function npmVersion(binaryPath: string): string | null {
  let real: string;
  try {
    real = realpathSync(binaryPath);
  } catch {
    return null;
  }
  let dir = dirname(real);
  for (let i = 0; i < 6; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { version?: unknown; bin?: unknown };
      const bins =
        typeof pkg.bin === "string"
          ? [pkg.bin]
          : pkg.bin && typeof pkg.bin === "object"
            ? Object.values(pkg.bin as Record<string, unknown>)
            : [];
      // Only the package that owns this binary counts, not an unrelated enclosing project.
      const owns = bins.some((b) => typeof b === "string" && safeReal(resolve(dir, b)) === real);
      if (owns && typeof pkg.version === "string") return pkg.version;
      if (bins.length || pkg.version) return null;
    } catch {
      // No (readable) package.json here: keep walking up.
    }
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return null;
}

function safeReal(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

/** Version string (e.g. "2.1.197") or null when it cannot be determined. */
export function runtimeVersion(binaryPath: string, versionArgs: readonly string[] = ["--version"]): string | null {
  const fromPkg = npmVersion(binaryPath);
  if (fromPkg) return fromPkg;
  try {
    const r = Bun.spawnSync([binaryPath, ...versionArgs], {
      stdout: "pipe",
      stderr: "pipe",
      stdin: "ignore",
      timeout: 5000,
      env: probeEnv(),
    });
    const m = /(\d+\.\d+\.\d+[\w.+-]*)/.exec(`${r.stdout.toString()}\n${r.stderr.toString()}`);
    return r.exitCode === 0 && m ? m[1]! : null;
  } catch {
    return null;
  }
}

export interface RuntimeDescription {
  name: string;
  display_name: string;
  binary: string;
  path_env: string;
  config_key: string | null;
  npm_package: string | null;
  /** Runtimes declared in $OUROBOROS_HOME/runtimes/: the file. */
  declared_in: string | null;
  version_args: readonly string[];
  install_hint: string;
  auth: RuntimeDescriptor["auth"];
  capabilities: RuntimeDescriptor["capabilities"];
}

/** Static facts of every runtime: built-ins in registry order, then declared ones (a malformed file is an error). */
export function describeRuntimes(env: NodeJS.ProcessEnv = process.env): Result<RuntimeDescription[]> {
  const all = allDescriptors(env);
  if (!all.ok) return all;
  return ok(
    all.value.map((d: RuntimeDescriptor) => ({
      name: d.name,
      display_name: d.displayName,
      binary: d.binary,
      path_env: d.pathEnv,
      config_key: d.pathConfigKey ? `orchestrator.${d.pathConfigKey}` : null,
      npm_package: d.npmPackage ?? null,
      declared_in: d.declaredIn ?? null,
      version_args: d.versionArgs,
      install_hint: d.installHint,
      auth: d.auth,
      capabilities: d.capabilities,
    })),
  );
}

/** Where a runtime's binary was looked for, for "not found" messages. */
export function searchedPlaces(d: RuntimeDescriptor): string {
  return [
    d.pathEnv,
    d.pathConfigKey ? `orchestrator.${d.pathConfigKey}` : null,
    d.binary.includes("/") ? d.binary : "PATH",
  ]
    .filter(Boolean)
    .join(", ");
}
