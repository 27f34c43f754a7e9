/**
 * `ouroboros events --json` with no filter: the busiest read (piping the whole log into another
 * tool) and the one whose cost is mostly start-up, so main.ts sends it here before loading the
 * command machinery (citty, the command module, process.stdout, the runtime registry). The log is
 * copied from its journal by the kernel and the rest rendered by SQLite (src/events/jsonl.ts).
 * Anything this path does not handle itself (PostgreSQL, no database yet, a database that cannot
 * be opened) returns null before a byte is written, and the general `events` command answers.
 */
import { copyLog } from "../events/jsonl.ts";
import { openSqliteReader } from "../events/open-backend.ts";
import { copyFileRangeToStdout, ReaderGone, writeStdoutBytes } from "../util/raw-stdout.ts";

/** The exit code, or null when the general command should answer instead. */
export async function copyLogToStdout(dbArg: string | undefined): Promise<number | null> {
  const opened = await openSqliteReader(dbArg);
  if (!opened.ok || !opened.value) return null;
  const reader = opened.value;
  try {
    await copyLog(reader, { text: writeStdoutBytes, fileRange: copyFileRangeToStdout });
  } catch (e) {
    if (!(e instanceof ReaderGone)) throw e;
  } finally {
    reader.close();
  }
  return 0;
}
