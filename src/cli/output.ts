/**
 * The only place that writes product output to stdout. Logs go to stderr via consola.
 * A full pipe is not a closed one: writers wait for `drain` (a slow reader gets every line).
 * Only EPIPE — the reader has gone, as in `| head -1` — ends the process, quietly with exit 0.
 */
import type { ConsolaInstance } from "consola";
import type Table from "cli-table3";
import { redactText } from "../security/redact.ts";
// Loading the registry registers the runtimes' key variables with redaction (every CLI log line and error).
import "../runtime/registry.ts";
import { cut, fitColumns } from "./fit.ts";

let quietPipe = false;
process.stdout.on("error", (e: NodeJS.ErrnoException) => {
  if (e.code === "EPIPE") {
    quietPipe = true;
    process.exit(0);
  }
});

export const colorEnabled = (): boolean => {
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== "") return false;
  if (process.argv.includes("--no-color")) return false;
  if (process.env.FORCE_COLOR && process.env.FORCE_COLOR !== "0") return true;
  return Boolean(process.stderr.isTTY);
};

/**
 * consola costs ~20 ms to load, more than the rest of start-up: create it on first use so
 * commands that never log (--help, --version, JSON reads) do not pay for it.
 */
let consola: ConsolaInstance | undefined;
function logger(): ConsolaInstance {
  if (!consola) {
    const { createConsola } = require("consola") as typeof import("consola");
    consola = createConsola({
      stdout: process.stderr,
      stderr: process.stderr,
      level: process.argv.includes("--quiet") || process.argv.includes("-q") ? 1 : process.env.OUROBOROS_DEBUG ? 4 : 3,
      formatOptions: { colors: colorEnabled(), date: false, compact: true },
    });
  }
  return consola;
}
type LogFn = (message: string, ...rest: unknown[]) => void;
/** Logs are recorded output too: the same redaction pass as the event log. */
export const log: Record<"info" | "warn" | "error" | "success" | "start" | "debug" | "box", LogFn> = {
  info: (m, ...r) => logger().info(redactText(m), ...r),
  warn: (m, ...r) => logger().warn(redactText(m), ...r),
  error: (m, ...r) => logger().error(redactText(m), ...r),
  success: (m, ...r) => logger().success(redactText(m), ...r),
  start: (m, ...r) => logger().start(redactText(m), ...r),
  debug: (m, ...r) => logger().debug(redactText(m), ...r),
  box: (m, ...r) => logger().box(redactText(m), ...r),
};

/**
 * Write one chunk of product output. A full pipe buffers it (the CLI entry awaits
 * flushStdout before exiting); long streams use StdoutLines, which waits for drain as it goes.
 * Bytes (a copied file's whole lines) go out as they are. A write that returns true has taken
 * the bytes, and after drain all are written: a caller may then reuse its buffer.
 */
export function out(text: string | Uint8Array): void {
  write(typeof text !== "string" || text.endsWith("\n") ? text : `${text}\n`);
}

/**
 * Set while stdout holds more than the pipe took. Bun does not track writableLength, so the
 * write's own `false` is the only reliable sign; `drain` clears it.
 */
let pendingDrain: Promise<void> | null = null;

/** false: the pipe is full (wait for drain), never "the reader has gone" (that exits). */
function write(text: string | Uint8Array): boolean {
  if (quietPipe) return true;
  try {
    const room = process.stdout.write(text);
    if (!room && !pendingDrain) {
      pendingDrain = new Promise((resolve) =>
        process.stdout.once("drain", () => {
          pendingDrain = null;
          resolve();
        }),
      );
    }
    return room;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EPIPE") process.exit(0);
    throw e;
  }
}

/**
 * Line stream to stdout for large outputs (events, export): lines are batched into 64 KiB
 * chunks and `line()` returns a promise only when the pipe is full, so callers await it and
 * the producer never runs ahead of the reader.
 */
export class StdoutLines {
  private parts: string[] = [];
  private size = 0;
  constructor(private readonly chunk = 64 * 1024) {}

  line(text: string): void | Promise<void> {
    this.parts.push(text);
    this.size += text.length + 1;
    if (this.size >= this.chunk) return this.flush();
  }

  /** Hand the batch to stdout; resolves once the pipe has room again. */
  flush(): void | Promise<void> {
    if (!this.size) return;
    const text = `${this.parts.join("\n")}\n`;
    this.parts = [];
    this.size = 0;
    if (!write(text)) return flushStdout();
  }
}

export const SCHEMA_VERSION = "ouroboros/v1";

/** One JSON document with a schema marker. */
export function outJson(kind: string, value: Record<string, unknown>): void {
  out(JSON.stringify({ schema: `${SCHEMA_VERSION}/${kind}`, ...value }, null, 2));
}

/**
 * A table of product output. On a terminal it fits the terminal's width: the columns named in
 * `drop` go first (lowest priority first), then the widest cells are cut with "…" (never those of
 * the `whole` columns: ids). Into a pipe
 * or a file every value is printed in full.
 */
export function table(
  head: string[],
  rows: (string | number)[][],
  opts: { drop?: string[]; whole?: string[] } = {},
): string {
  const TableCtor = require("cli-table3") as typeof Table;
  const cells = rows.map((r) => r.map(String));
  const tty = Boolean(process.stdout.isTTY);
  let keep = head.map((_, i) => i);
  let widths: number[] | null = null;
  if (tty) {
    const natural = head.map((h, i) =>
      Math.max(
        Bun.stringWidth(h),
        ...cells.map((r) => Math.max(...(r[i] ?? "").split("\n").map((l) => Bun.stringWidth(l)))),
      ),
    );
    const index = (names: string[] = []) => names.map((d) => head.indexOf(d)).filter((i) => i >= 0);
    const fit = fitColumns(
      natural,
      head.map((h) => Bun.stringWidth(h)),
      process.stdout.columns || 80,
      index(opts.drop),
      index(opts.whole),
    );
    keep = fit.columns;
    widths = fit.widths;
  }
  const color = colorEnabled() && tty;
  const t = new TableCtor({
    head: keep.map((i) => head[i]!),
    style: { head: color ? ["cyan"] : [], border: color ? ["grey"] : [] },
    chars: { mid: "", "left-mid": "", "mid-mid": "", "right-mid": "" },
  });
  for (const r of cells)
    t.push(
      keep.map((c, k) =>
        widths
          ? r[c]!.split("\n")
              .map((l) => cut(l, widths![k]!))
              .join("\n")
          : r[c]!,
      ),
    );
  return t.toString();
}

/** Resolve once stdout has drained (large outputs before exit). EPIPE exits via the handler above. */
export function flushStdout(): Promise<void> {
  return pendingDrain ?? Promise.resolve();
}

/**
 * citty drops a sub-command's return value, so commands report their exit code here;
 * the CLI entry reads it once the command has finished.
 */
let commandExit = 0;
export function exitCode(code?: number): number {
  if (code !== undefined) commandExit = code;
  return commandExit;
}
