/** Reads a user-supplied text file defensively: every failure is a value, never a throw. */
import { closeSync, openSync, readSync, statSync } from "node:fs";
import { err, ok, type Result } from "../errors.ts";

export type FileProblem = { code: string; message: string };

export function readTextFile(path: string, maxBytes: number): Result<string, FileProblem> {
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return err({ code: "file.missing", message: "no such file" });
    if (code === "EACCES") return err({ code: "file.unreadable", message: "permission denied" });
    return err({ code: "file.unreadable", message: `cannot read (${code ?? "error"})` });
  }
  if (st.isDirectory()) return err({ code: "file.directory", message: "is a directory, expected a YAML file" });
  if (!st.isFile()) return err({ code: "file.not_regular", message: "is not a regular file" });
  if (st.size === 0) return err({ code: "file.empty", message: "file is empty" });
  if (st.size > maxBytes) {
    return err({ code: "file.too_large", message: `file is ${st.size} bytes, the limit is ${maxBytes} bytes` });
  }
  const buf = Buffer.alloc(st.size);
  let fd: number | undefined;
  try {
    fd = openSync(path, "r");
    let off = 0;
    while (off < st.size) {
      const n = readSync(fd, buf, off, st.size - off, off);
      if (n === 0) break;
      off += n;
    }
  } catch (e) {
    return err({ code: "file.unreadable", message: `cannot read (${(e as NodeJS.ErrnoException).code ?? "error"})` });
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  if (buf.includes(0)) return err({ code: "file.binary", message: "file contains NUL bytes; expected UTF-8 text" });
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(buf);
  } catch {
    return err({ code: "file.encoding", message: "file is not valid UTF-8" });
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return ok(text);
}
