/**
 * stdout as the file descriptor itself: write(2) on fd 1 and, on Linux, sendfile(2) from a file
 * straight to it, without creating process.stdout (a Node stream whose creation alone costs a
 * few milliseconds) and without the bytes passing through JavaScript. For the one command whose
 * whole job is moving bytes (`events --json`, see src/cli/copy-log.ts).
 * Backpressure is the kernel's: a blocking pipe holds the write until the reader takes it; a
 * non-blocking one (EAGAIN) is retried after a short sleep. EPIPE (the reader has gone, as with
 * `| head -1`) throws ReaderGone, which the caller turns into a quiet exit 0.
 */
import { readSync, writeSync } from "node:fs";

export class ReaderGone extends Error {
  constructor() {
    super("stdout closed by its reader");
  }
}

const STDOUT = 1;
const code = (e: unknown) => (e as NodeJS.ErrnoException).code;

/** Write all of `bytes` to stdout. */
export async function writeStdoutBytes(bytes: Uint8Array | string): Promise<void> {
  const buf = typeof bytes === "string" ? Buffer.from(bytes) : bytes;
  let done = 0;
  while (done < buf.length) {
    try {
      done += writeSync(STDOUT, buf, done, buf.length - done);
    } catch (e) {
      if (code(e) === "EAGAIN") await Bun.sleep(1);
      else if (code(e) === "EPIPE") throw new ReaderGone();
      else throw e;
    }
  }
}

type Sendfile = (out: number, from: number, offset: BigInt64Array, count: number) => number;

/**
 * libc's sendfile through bun:ffi, once; null off Linux or when libc cannot be opened (musl, a
 * sandbox without FFI). Bun.write would do this itself, but Bun 1.4 ignores a slice of the source
 * file (it copies the whole file), and the journal may hold uncommitted bytes past the mark.
 */
let kernelCopy: { sendfile: Sendfile; errno: () => number } | null | undefined;
function loadKernelCopy(): typeof kernelCopy {
  if (kernelCopy !== undefined) return kernelCopy;
  kernelCopy = null;
  if (process.platform !== "linux") return null;
  try {
    const { dlopen, FFIType, ptr, read } = require("bun:ffi") as typeof import("bun:ffi");
    const libc = dlopen("libc.so.6", {
      sendfile: { args: [FFIType.i32, FFIType.i32, FFIType.ptr, FFIType.u64], returns: FFIType.i64 },
      __errno_location: { args: [], returns: FFIType.ptr },
    });
    const { sendfile, __errno_location } = libc.symbols;
    kernelCopy = {
      sendfile: (out, from, offset, count) => Number(sendfile(out, from, ptr(offset), count)),
      errno: () => read.i32(__errno_location()!, 0),
    };
  } catch {
    kernelCopy = null;
  }
  return kernelCopy;
}

const EINTR = 4;
const EAGAIN = 11;
const EPIPE = 32;
/** Below this a buffer copy is quicker than loading libc through FFI (about 1 ms). */
const KERNEL_COPY_FROM = 4 << 20;
/** Largest single sendfile request (Linux copies at most 0x7ffff000 bytes per call anyway). */
const MAX_SEND = 1 << 30;

/**
 * Copy `count` bytes of the file `fd` from `offset` to stdout. The kernel copies when it can;
 * where it cannot (another OS, stdout a kind sendfile refuses), the rest goes through one buffer.
 * Throws when the file ends before `count` bytes.
 */
export async function copyFileRangeToStdout(fd: number, offset: number, count: number): Promise<void> {
  const end = offset + count;
  const k = count >= KERNEL_COPY_FROM ? loadKernelCopy() : null;
  if (k) {
    const at = new BigInt64Array([BigInt(offset)]);
    while (Number(at[0]) < end) {
      const n = k.sendfile(STDOUT, fd, at, Math.min(MAX_SEND, end - Number(at[0])));
      if (n > 0) continue;
      if (n === 0) throw new Error("file ended before the range was copied");
      const errno = k.errno();
      if (errno === EINTR) continue;
      if (errno === EAGAIN) await Bun.sleep(1);
      else if (errno === EPIPE) throw new ReaderGone();
      else break; // EINVAL and the like: stdout is a kind sendfile will not write to
    }
    offset = Number(at[0]);
  }
  const buf = Buffer.allocUnsafe(Math.min(1 << 20, Math.max(1, end - offset)));
  while (offset < end) {
    const n = readSync(fd, buf, 0, Math.min(buf.length, end - offset), offset);
    if (n <= 0) throw new Error("file ended before the range was copied");
    await writeStdoutBytes(buf.subarray(0, n));
    offset += n;
  }
}
