/**
 * What every tool handler gets: the serve options, the shared event store and configuration
 * (opened on first use, so `initialize` never waits for SQLite or YAML), and the job table.
 */
import { isAbsolute, relative, resolve } from "node:path";
import type { LoadedConfig } from "../config/load.ts";
import { fail, ok, type Result } from "../errors.ts";
import type { EventStore } from "../events/store.ts";
import type { JobTable } from "./jobs.ts";
import { redactText } from "../security/redact.ts";
// Loading the registry registers the runtimes' key variables with redaction (the server's log).
import "../runtime/registry.ts";

export interface ServeOptions {
  db: string;
  runtime?: string;
  llmBackend?: string;
  /** Empty: seeds may run anywhere. */
  workspaceRoots: string[];
}

export interface McpContext {
  options: ServeOptions;
  store(): Promise<Result<EventStore>>;
  config(): Promise<Result<LoadedConfig>>;
  jobs(): Promise<JobTable>;
  /** A line on stderr (stdout belongs to the protocol). */
  log(message: string): void;
}

export function createContext(
  options: ServeOptions,
): McpContext & { close(): Promise<void>; touch(): void; checkpointIfIdle(idleMs: number): boolean } {
  let store: Result<EventStore> | undefined;
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
    /** Once per idle period with no job running, fold the WAL back into the database file. */
    checkpointIfIdle(idleMs: number): boolean {
      if (checkpointed || !store?.ok || jobs?.anyRunning() || Date.now() - lastActivity < idleMs) return false;
      checkpointed = true;
      const failed = store.value.checkpoint();
      if (failed) ctx.log(`idle WAL checkpoint failed: ${failed}`);
      return !failed;
    },
    options,
    async store() {
      if (!store?.ok) {
        const { EventStore } = await import("../events/store.ts");
        store = EventStore.open(options.db);
      }
      return store;
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
    /** Interrupt running jobs (they stay resumable), then close the store. */
    async close() {
      await jobs?.interruptAll(1500);
      if (store?.ok) store.value.close();
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
