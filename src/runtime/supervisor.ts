/**
 * Runs one CLI process for one task and turns its stdout into validated RuntimeMessages.
 * Shared by every adapter: own process group, closed stdin, line framing with a size cap,
 * startup/idle/total guards, cancellation (SIGTERM the group, SIGKILL after a grace period),
 * a group sweep after exit, and bounded stderr/stdout tails for diagnosis. Never throws:
 * every failure ends as one `result` with a typed error.
 */
import * as v from "valibot";
import type { Timeouts } from "../adapter-kit/contract.ts";
import type { LineParser } from "../adapter-kit/adapter.ts";
import {
  failedResult,
  runtimeError,
  RuntimeMessageSchema,
  type RuntimeError,
  type RuntimeMessage,
} from "../adapter-kit/messages.ts";
import { LineFramer, Ring } from "./lines.ts";

export interface SpawnSpec {
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  stdin: string | null;
}

export interface SuperviseOptions {
  /** Display name used in messages ("codex became unresponsive…"). */
  name: string;
  timeouts: Timeouts;
  signal?: AbortSignal;
  /** Longest accepted stdout line in bytes (default 8 MiB). */
  maxLineBytes?: number;
  /** SIGTERM → SIGKILL delay on cancel/timeout (default 5000 ms). */
  killGraceMs?: number;
  /** Grace before SIGKILL when sweeping leftovers after a normal exit (default 200 ms). */
  sweepGraceMs?: number;
  /** Called with the child pid (= its process group id) once it runs. */
  onSpawn?: (pid: number) => void;
}

export const DEFAULT_MAX_LINE_BYTES = 8 * 1024 * 1024;
const STDERR_TAIL = 64;
const STDOUT_TAIL = 20;
const TAIL_LINE_CHARS = 2000;

/** Is any process of group `pgid` still alive? */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

function signalGroup(pgid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pgid, sig);
  } catch {
    // Group already gone.
  }
}

/** Chunks of a byte stream; leaving the loop early releases (cancels) the reader. */
async function* chunks(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    while (true) {
      const r = await reader.read();
      if (r.done) return;
      yield r.value;
    }
  } finally {
    reader.cancel().catch(() => undefined);
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function* supervise(
  spec: SpawnSpec,
  parser: LineParser,
  opts: SuperviseOptions,
): AsyncGenerator<RuntimeMessage> {
  const killGrace = opts.killGraceMs ?? 5000;
  const queue: RuntimeMessage[] = [];
  let wake: (() => void) | null = null;
  const notify = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  let failure: RuntimeError | null = null;
  let invalid: RuntimeError | null = null;

  if (opts.signal?.aborted) {
    yield failedResult(runtimeError("cancelled", `${opts.name} task cancelled before it started`));
    return;
  }
  let proc: Bun.Subprocess<"ignore" | Uint8Array, "pipe", "pipe">;
  try {
    proc = Bun.spawn(spec.argv, {
      cwd: spec.cwd,
      env: spec.env,
      // Bytes are written by Bun, then stdin closes: a CLI that asks a question reads EOF.
      stdin: spec.stdin === null ? "ignore" : new TextEncoder().encode(spec.stdin),
      stdout: "pipe",
      stderr: "pipe",
      detached: true,
    });
  } catch (e) {
    yield failedResult(
      runtimeError("spawn_failed", `cannot start ${spec.argv[0]}: ${e instanceof Error ? e.message : String(e)}`),
    );
    return;
  }
  const pid = proc.pid;
  opts.onSpawn?.(pid);
  let killTimer: ReturnType<typeof setTimeout> | null = null;
  const terminate = (e: RuntimeError) => {
    if (failure) return;
    failure = e;
    signalGroup(pid, "SIGTERM");
    killTimer = setTimeout(() => signalGroup(pid, "SIGKILL"), killGrace);
    notify();
  };

  const t = opts.timeouts;
  let startupTimer: ReturnType<typeof setTimeout> | null = null;
  let idleTimer: ReturnType<typeof setTimeout> | null = null;
  const armIdle = () => {
    if (t.idle_ms <= 0) return;
    if (idleTimer) clearTimeout(idleTimer);
    idleTimer = setTimeout(
      () =>
        terminate(
          runtimeError(
            "idle_timeout",
            `${opts.name} became unresponsive (no output for ${t.idle_ms} ms) and was terminated`,
          ),
        ),
      t.idle_ms,
    );
  };
  if (t.startup_ms > 0)
    startupTimer = setTimeout(
      () =>
        terminate(
          runtimeError(
            "startup_timeout",
            `${opts.name} produced no output within ${t.startup_ms} ms and was terminated`,
          ),
        ),
      t.startup_ms,
    );
  else armIdle();
  const totalTimer =
    t.total_ms > 0
      ? setTimeout(
          () =>
            terminate(
              runtimeError(
                "total_timeout",
                `${opts.name} exceeded the total time limit of ${t.total_ms} ms and was terminated`,
              ),
            ),
          t.total_ms,
        )
      : null;
  const onAbort = () => terminate(runtimeError("cancelled", `${opts.name} task cancelled`));
  opts.signal?.addEventListener("abort", onAbort, { once: true });

  const stderrTail = new Ring<string>(STDERR_TAIL);
  const stdoutTail = new Ring<string>(STDOUT_TAIL);

  const accept = (msgs: RuntimeMessage[]) => {
    for (const m of msgs) {
      if (m.type === "result") continue;
      if (!v.is(RuntimeMessageSchema, m)) {
        invalid ??= runtimeError(
          "protocol_error",
          `${opts.name} adapter produced an invalid ${String((m as { type?: unknown }).type)} message`,
        );
        continue;
      }
      queue.push(m);
    }
    if (parser.failure) terminate(parser.failure);
    else if (invalid) terminate(invalid);
    if (queue.length) notify();
  };

  const maxLine = opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const pumpStdout = (async () => {
    let first = true;
    const framer = new LineFramer(maxLine);
    for await (const chunk of chunks(proc.stdout)) {
      if (failure) break;
      if (first) {
        first = false;
        if (startupTimer) clearTimeout(startupTimer);
      }
      armIdle();
      const lines = framer.push(chunk);
      for (const line of lines) {
        stdoutTail.push(line.length > TAIL_LINE_CHARS ? `${line.slice(0, TAIL_LINE_CHARS)}…` : line);
        if (line.trim() !== "") accept(parser.feed(line));
        if (failure) break;
      }
      if (framer.overflow) {
        terminate(
          runtimeError(
            "line_too_long",
            `${opts.name} wrote a stdout line longer than ${maxLine} bytes; output rejected`,
          ),
        );
        break;
      }
    }
    const rest = framer.end();
    if (!failure && rest !== null && rest.trim() !== "") accept(parser.feed(rest));
  })().catch(() => undefined);

  const pumpStderr = (async () => {
    const framer = new LineFramer(64 * 1024, true);
    for await (const chunk of chunks(proc.stderr)) {
      for (const line of framer.push(chunk)) {
        stderrTail.push(line.length > TAIL_LINE_CHARS ? `${line.slice(0, TAIL_LINE_CHARS)}…` : line);
        accept(parser.feedStderr(line));
      }
    }
    const rest = framer.end();
    if (rest) {
      stderrTail.push(rest.slice(0, TAIL_LINE_CHARS));
      accept(parser.feedStderr(rest));
    }
  })().catch(() => undefined);

  let exited = false;
  const exitedP = proc.exited.then(() => {
    exited = true;
    notify();
  });

  let finished = false;
  try {
    while (true) {
      while (queue.length) yield queue.shift()!;
      if (exited || failure) break;
      await new Promise<void>((r) => {
        wake = r;
      });
    }
    await exitedP;
    // Sweep helpers the CLI left in its group (upstream #1419 leaked codex shells).
    if (groupAlive(pid)) {
      signalGroup(pid, "SIGTERM");
      await sleep(opts.sweepGraceMs ?? 200);
      if (groupAlive(pid)) signalGroup(pid, "SIGKILL");
    }
    // Output still in the pipes is read; a writer outside the group cannot hold us forever.
    await Promise.race([Promise.all([pumpStdout, pumpStderr]), sleep(1000)]);
    while (queue.length) yield queue.shift()!;
    const exit = {
      exitCode: proc.exitCode,
      signal: proc.signalCode == null ? null : String(proc.signalCode),
      stderrTail: stderrTail.toArray(),
    };
    const fail = failure as RuntimeError | null;
    if (fail) {
      const tails = { stderr_tail: exit.stderrTail, stdout_tail: stdoutTail.toArray() };
      yield failedResult(
        { ...tails, ...fail, exit_code: exit.exitCode, signal: exit.signal },
        { session_id: parser.sessionId, exit_code: exit.exitCode },
      );
    } else {
      let result: RuntimeMessage | null = null;
      for (const m of parser.finish(exit)) {
        if (m.type === "result") result = m;
        else if (v.is(RuntimeMessageSchema, m)) yield m;
      }
      if (result && v.is(RuntimeMessageSchema, result)) {
        if (!result.ok && result.error && !result.error.stderr_tail) result.error.stderr_tail = exit.stderrTail;
        yield result;
      } else
        yield failedResult(
          runtimeError("protocol_error", `${opts.name} adapter produced no valid final result`, {
            stdout_tail: stdoutTail.toArray(),
          }),
          { session_id: parser.sessionId, exit_code: exit.exitCode },
        );
    }
    finished = true;
  } finally {
    if (!finished && !exited) {
      // The consumer stopped early: do not leave the CLI running.
      signalGroup(pid, "SIGTERM");
      setTimeout(() => signalGroup(pid, "SIGKILL"), killGrace).unref?.();
    }
    for (const tm of [startupTimer, idleTimer, totalTimer, killTimer]) if (tm) clearTimeout(tm);
    opts.signal?.removeEventListener("abort", onAbort);
  }
}
