/**
 * Errors are values: functions return Result<T>; only the CLI entry turns an
 * OuroError into a message and an exit code (see EXIT below).
 */

/** Documented exit-code contract. */
export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  negativeVerdict: 3,
  unknownId: 4,
  badArgs: 64,
  invalidData: 65,
  runtimeUnavailable: 69,
  interrupted: 75,
  config: 78,
} as const;
export type ExitKind = keyof typeof EXIT;

export interface OuroError {
  readonly kind: ExitKind;
  /** One line: what went wrong. */
  readonly message: string;
  /** Optional: what to do about it. */
  readonly hint?: string;
  /** Extra lines (e.g. every seed problem) shown after the message. */
  readonly details?: readonly string[];
  /** Machine-readable payload for --json output. */
  readonly data?: unknown;
}

export type Result<T, E = OuroError> = { ok: true; value: T } | { ok: false; error: E };

export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value });
export const err = <E = OuroError>(error: E): Result<never, E> => ({ ok: false, error });

export function fail(
  kind: ExitKind,
  message: string,
  extra: Omit<Partial<OuroError>, "kind" | "message"> = {},
): Result<never> {
  return err({ kind, message, ...extra });
}

export function ouroError(
  kind: ExitKind,
  message: string,
  extra: Omit<Partial<OuroError>, "kind" | "message"> = {},
): OuroError {
  return { kind, message, ...extra };
}

/** Thrown only to unwind through callback-style APIs (citty, streams); caught at the CLI entry. */
export class OuroAbort extends Error {
  constructor(readonly error: OuroError) {
    super(error.message);
  }
}

/** Unwrap a Result inside a command handler: on failure unwinds to the CLI entry. */
export function unwrap<T>(r: Result<T>): T {
  if (r.ok) return r.value;
  throw new OuroAbort(r.error);
}

export function describeUnknown(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}
