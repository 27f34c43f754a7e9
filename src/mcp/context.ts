/**
 * What every tool handler gets: the serve options, the shared event backend and configuration
 * (opened on first use, so `initialize` never waits for a database or YAML), and the job table.
 * The backend is SQLite or PostgreSQL (`--db`, `OUROBOROS_DATABASE_URL`); with a URL nothing is
 * written to the local SQLite file.
 */
import { isAbsolute, relative, resolve } from "node:path";
import type { LoadedConfig } from "../config/load.ts";
import { fail, ok, type Result } from "../errors.ts";
import type { EventBackend } from "../events/backend.ts";
import type { SqliteBackend } from "../events/sqlite-backend.ts";
import type { EventStore } from "../events/store.ts";
import type { JobTable } from "./jobs.ts";
import { redactText } from "../security/redact.ts";
// Loading the registry registers the runtimes' key variables with redaction (the server's log).
import "../runtime/registry.ts";

export interface ServeOptions {
  /** A SQLite path or a postgres:// URL; unset: $OUROBOROS_DATABASE_URL, else $OUROBOROS_HOME/ouroboros.db. */
  db?: string;
  runtime?: string;
  llmBackend?: string;
  /** Empty: seeds may run anywhere. */
  workspaceRoots: string[];
}

export interface McpContext {
  options: ServeOptions;
  backend(): Promise<Result<EventBackend>>;
  config(): Promise<Result<LoadedConfig>>;
  jobs(): Promise<JobTable>;
  /** A line on stderr (stdout belongs to the protocol). */
  log(message: string): void;
}

/** The SQLite store under a backend, or null on PostgreSQL. */
const sqliteStore = (b: EventBackend): EventStore | null => (b.kind === "sqlite" ? (b as SqliteBackend).store : null);

export function createContext(
  options: ServeOptions,
): McpContext & { close(): Promise<void>; touch(): void; checkpointIfIdle(idleMs: number): boolean } {
  // The promise, not its result, is kept: two first requests at once open one backend.
  let backend: Promise<Result<EventBackend>> | undefined;
  let opened: EventBackend | undefined;
  let config: Result<LoadedConfig> | undefined;
  let jobs: JobTable | undefined;
  let lastActivity = Date.now();
  let checkpointed = false;
  const ctx = {
    /** A request arrived: the server is not idle. */
    touch() {
      lastActivity = Date.now();
      checkpointed = false;
    },
    /** Once per idle period with no job running, fold the SQLite WAL back into the database file. */
    checkpointIfIdle(idleMs: number): boolean {
      const store = opened && sqliteStore(opened);
      if (checkpointed || !store || jobs?.anyRunning() || Date.now() - lastActivity < idleMs) return false;
      checkpointed = true;
      const failed = store.checkpoint();
      if (failed) ctx.log(`idle WAL checkpoint failed: ${failed}`);
      return !failed;
    },
    options,
    backend(): Promise<Result<EventBackend>> {
      backend ??= import("../events/open-backend.ts")
        .then((m) => m.openBackend(options.db))
        .then((r) => {
          if (r.ok) opened = r.value;
          else backend = undefined; // a failed open is retried by the next request
          return r;
        });
      return backend;
    },
    async config() {
      if (!config?.ok) config = (await import("../config/load.ts")).loadConfig();
      return config;
    },
    async jobs() {
      if (!jobs) jobs = new (await import("./jobs.ts")).JobTable(ctx);
      return jobs;
    },
    log: (m: string) => void process.stderr.write(redactText(`ouroboros-mcp: ${m}\n`)),
    /** Interrupt running jobs (they stay resumable), then close the backend. */
    async close() {
      await jobs?.interruptAll(1500);
      await opened?.close();
    },
  };
  return ctx;
}

/** With --workspace-root, a run's directory must lie inside one of the roots. */
export function checkWorkspace(options: ServeOptions, dir: string): Result<string> {
  const abs = resolve(dir);
  if (!options.workspaceRoots.length) return ok(abs);
  for (const root of options.workspaceRoots) {
    const rel = relative(resolve(root), abs);
    if (rel === "" || (!rel.startsWith("..") && !isAbsolute(rel))) return ok(abs);
  }
  return fail(
    "badArgs",
    `directory ${abs} is outside the allowed workspace roots (${options.workspaceRoots.join(", ")})`,
    { hint: "start the server with another --workspace-root" },
  );
}
