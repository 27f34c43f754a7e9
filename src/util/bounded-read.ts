/**
 * The one way user-supplied files are read (seeds, event imports, config, answer files): the
 * file is opened without blocking, checked with fstat on the open descriptor (a regular file, not
 * a device or FIFO), its size compared with a cap, and then at most cap + 1 bytes are read, so a
 * file that grows while we read it still cannot make us read more. Every failure is a value.
 *
 * Caps are configurable through the environment (the config file itself is one of the inputs,
 * so they cannot live in it): OUROBOROS_MAX_<KIND>_BYTES, e.g. OUROBOROS_MAX_SEED_BYTES.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";
import { err, ok, type Result } from "../errors.ts";

export type FileProblem = { code: string; message: string };

/** What is being read: names the env override and picks the default cap. */
export type InputKind = "seed" | "import" | "config" | "answers" | "mcp_line";

const DEFAULT_CAPS: Record<InputKind, number> = {
  seed: 1_000_000,
  import: 256 * 1024 * 1024,
  config: 1_000_000,
  answers: 1_000_000,
  mcp_line: 10 * 1024 * 1024,
};

/** Env variable that overrides the cap of `kind`. */
export const capEnvName = (kind: InputKind): string => `OUROBOROS_MAX_${kind.toUpperCase()}_BYTES`;

/** The byte cap for `kind`: the env override when it is a positive whole number, else the default. */
export function inputCap(kind: InputKind, env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[capEnvName(kind)]?.trim();
  const n = raw ? Number(raw) : NaN;
  return Number.isSafeInteger(n) && n > 0 ? n : DEFAULT_CAPS[kind];
}

/** Deepest nesting of brackets/mappings a seed, config, import line or MCP message may have. */
export const MAX_NESTING = 64;

function openProblem(e: unknown): FileProblem {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return { code: "file.missing", message: "no such file" };
  if (code === "EACCES" || code === "EPERM") return { code: "file.unreadable", message: "permission denied" };
  if (code === "EISDIR") return { code: "file.directory", message: "is a directory, expected a file" };
  return { code: "file.unreadable", message: `cannot read (${code ?? "error"})` };
}

/** Bytes of a regular file, at most `maxBytes`; devices, FIFOs, sockets and directories are refused before any read. */
export function readBoundedBytes(path: string, maxBytes: number): Result<Buffer, FileProblem> {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused right after.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    return err(openProblem(e));
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) return err({ code: "file.directory", message: "is a directory, expected a file" });
    if (st.isCharacterDevice() || st.isBlockDevice())
      return err({ code: "file.device", message: "is a device, not a regular file" });
    if (st.isFIFO()) return err({ code: "file.fifo", message: "is a named pipe (FIFO), not a regular file" });
    if (!st.isFile()) return err({ code: "file.not_regular", message: "is not a regular file" });
    if (st.size > maxBytes) return err(tooLarge(st.size, maxBytes));
    const buf = Buffer.alloc(Math.min(st.size, maxBytes) + 1);
    let off = 0;
    while (off < buf.length) {
      const n = readSync(fd, buf, off, buf.length - off, off);
      if (n === 0) break;
      off += n;
    }
    if (off > maxBytes) return err(tooLarge(off, maxBytes, false)); // it grew while we read
    return ok(buf.subarray(0, off));
  } catch (e) {
    return err(openProblem(e));
  } finally {
    closeSync(fd);
  }
}

function tooLarge(size: number, max: number, exact = true): FileProblem {
  return {
    code: "file.too_large",
    message: `file is ${exact ? size : `over ${max}`} bytes, the limit is ${max} bytes`,
  };
}

/** Decode UTF-8 strictly (NUL bytes and invalid sequences refused), dropping a leading BOM. */
export function decodeText(buf: Uint8Array): Result<string, FileProblem> {
  if (buf.includes(0)) return err({ code: "file.binary", message: "file contains NUL bytes; expected UTF-8 text" });
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(buf);
  } catch {
    return err({ code: "file.encoding", message: "file is not valid UTF-8" });
  }
  return ok(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
}

/** A bounded, strictly decoded text file. An empty file is a problem the caller may forgive. */
export function readTextFile(path: string, maxBytes: number): Result<string, FileProblem> {
  const bytes = readBoundedBytes(path, maxBytes);
  if (!bytes.ok) return bytes;
  if (bytes.value.length === 0) return err({ code: "file.empty", message: "file is empty" });
  return decodeText(bytes.value);
}

/**
 * Deepest bracket nesting of JSON text (strings skipped), stopping as soon as `limit` is passed.
 * Returns the offset where the limit was crossed, or -1. Linear time, no recursion, so a
 * megabyte of `[[[[` is refused in microseconds instead of overflowing a recursive parser.
 */
export function jsonTooDeep(text: string, limit = MAX_NESTING): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92)
        i++; // backslash: skip the escaped char
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) {
      if (++depth > limit) return i;
    } else if (c === 93 || c === 125) depth--;
  }
  return -1;
}

/**
 * The same for YAML flow collections. Quoted scalars and comments are skipped; an apostrophe
 * inside a plain word (don't) does not open a quote. Block nesting is bounded afterwards on
 * the parsed tree (see yaml-source.ts).
 */
export function yamlTooDeep(text: string, limit = MAX_NESTING): number {
  let depth = 0;
  let quote = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (quote) {
      if (quote === 34 && c === 92) i++;
      else if (c === quote) quote = 0;
      continue;
    }
    const prev = i === 0 ? 10 : text.charCodeAt(i - 1);
    const boundary =
      prev === 10 || prev === 32 || prev === 9 || prev === 91 || prev === 123 || prev === 44 || prev === 58;
    if ((c === 34 || c === 39) && boundary) quote = c;
    else if (c === 35 && (prev === 32 || prev === 9 || prev === 10)) {
      const nl = text.indexOf("\n", i);
      i = nl < 0 ? text.length : nl - 1;
    } else if (c === 91 || c === 123) {
      if (++depth > limit) return i;
    } else if ((c === 93 || c === 125) && depth > 0) depth--;
  }
  return -1;
}

/** Nesting depth of a parsed value (iterative), or the first depth beyond `limit`. */
export function valueTooDeep(value: unknown, limit = MAX_NESTING): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== "object") continue;
    if (d >= limit) return true;
    for (const child of Object.values(v)) if (child !== null && typeof child === "object") stack.push([child, d + 1]);
  }
  return false;
}
