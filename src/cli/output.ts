/**
 * The only place that writes product output to stdout. Logs go to stderr via consola.
 * A closed pipe (`| head -1`) ends the process quietly with exit 0.
 */
import type { ConsolaInstance } from "consola";
import type Table from "cli-table3";
import { redactText } from "../security/redact.ts";

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

/** Write one chunk of product output. Returns false once the reader has gone away. */
export function out(text: string): boolean {
  if (quietPipe) return false;
  try {
    return process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EPIPE") process.exit(0);
    throw e;
  }
}

export const SCHEMA_VERSION = "ouroboros/v1";

/** One JSON document with a schema marker. */
export function outJson(kind: string, value: Record<string, unknown>): void {
  out(JSON.stringify({ schema: `${SCHEMA_VERSION}/${kind}`, ...value }, null, 2));
}

export function table(head: string[], rows: (string | number)[][]): string {
  const TableCtor = require("cli-table3") as typeof Table;
  const t = new TableCtor({
    head,
    style: { head: colorEnabled() && process.stdout.isTTY ? ["cyan"] : [], border: colorEnabled() && process.stdout.isTTY ? ["grey"] : [] },
    wordWrap: true,
    chars: { mid: "", "left-mid": "", "mid-mid": "", "right-mid": "" },
  });
  for (const r of rows) t.push(r.map(String));
  return t.toString();
}

/** Resolve once stdout has drained (large outputs before exit). */
export function flushStdout(): Promise<void> {
  return new Promise((resolve) => {
    if (process.stdout.writableLength === 0) resolve();
    else process.stdout.once("drain", () => resolve());
  });
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
