/** Shared bits of the runtime tests: temp dirs, process-group scans, draining a task. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { TaskInput } from "../../src/adapter-kit/contract.ts";
import type { ResultMessage, RuntimeMessage } from "../../src/adapter-kit/messages.ts";
import { runTask, type RunOptions } from "../../src/runtime/run.ts";

export const ROOT = resolve(import.meta.dir, "../..");
export const FAKES = join(ROOT, "test/fakes");
export const BIN = join(ROOT, "node_modules/.bin");

const made: string[] = [];
export function tempDir(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), `ouro-${prefix}-`));
  made.push(d);
  return d;
}
export function cleanupTemps(): void {
  for (const d of made.splice(0)) {
    try {
      rmSync(d, { recursive: true, force: true });
    } catch {
      // A CLI's detached helper may still be writing there; the OS temp cleaner gets it.
    }
  }
}

/** Live (non-zombie) processes whose process group is `pgid`. */
export function groupMembers(pgid: number): number[] {
  const r = Bun.spawnSync(["ps", "-eo", "pid=,pgid=,stat="], { stdout: "pipe" });
  return r.stdout
    .toString()
    .split("\n")
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length >= 3 && Number(f[1]) === pgid && !f[2]!.startsWith("Z"))
    .map((f) => Number(f[0]));
}

export interface Drained {
  messages: RuntimeMessage[];
  result: ResultMessage;
  pid: number | null;
  ms: number;
}

/** Run a task to the end; `onMessage` may act mid-stream (cancel, kill). */
export async function drain(
  runtime: string,
  task: TaskInput,
  opts: RunOptions = {},
  onMessage?: (m: RuntimeMessage, pid: number | null) => void,
): Promise<Drained> {
  const t0 = performance.now();
  let pid: number | null = null;
  const messages: RuntimeMessage[] = [];
  const onSpawn = (p: number) => {
    pid = p;
    opts.onSpawn?.(p);
  };
  for await (const m of runTask(runtime, task, { ...opts, onSpawn })) {
    messages.push(m);
    onMessage?.(m, pid);
  }
  const results = messages.filter((m): m is ResultMessage => m.type === "result");
  if (results.length !== 1 || messages.at(-1)?.type !== "result")
    throw new Error(`expected exactly one final result, got ${results.length}`);
  return { messages, result: results[0]!, pid, ms: performance.now() - t0 };
}
