/**
 * Accumulates the edits one adapter's setup writer makes, in memory. The first failing edit
 * becomes the error (naming file:line:col); nothing is written until the command commits.
 */
import { join } from "node:path";
import { fail, ok, type Result } from "../errors.ts";
import { type Edit, MANAGED_MARK, managedFile } from "./edits.ts";
import type { HostChange, HostResult, SetupInput } from "./types.ts";

export class HostPlan {
  private readonly changes = new Map<string, HostChange>();
  private readonly notes: string[] = [];
  private error: string | null = null;

  constructor(private readonly input: SetupInput) {}

  current(path: string): string | null {
    const c = this.changes.get(path);
    return c ? c.text : this.input.read(path);
  }

  edit(path: string, fn: (text: string | null) => Edit & { note?: string }, pruneUpTo?: string): void {
    if (this.error) return;
    const e = fn(this.current(path));
    if (!e.ok) {
      this.error = /^\d+:\d+: /.test(e.error) ? `${path}:${e.error}` : `${path}: ${e.error}`;
      return;
    }
    if (e.note) this.notes.push(e.note);
    this.changes.set(path, { path, text: e.text, pruneUpTo });
  }

  /**
   * A directory of managed files `<dir>/<prefix><name>/<file>`: write the wanted ones, delete
   * managed ones no longer wanted (stale skills are pruned), never touch the user's own.
   */
  managedDir(dir: string, prefix: string, file: string, wanted: ReadonlyMap<string, string>): void {
    for (const [name, content] of wanted)
      this.edit(
        join(dir, `${prefix}${name}`, file),
        (t) => managedFile.install(t, content, join(dir, `${prefix}${name}`, file)),
        dir,
      );
    for (const entry of this.input.list(dir)) {
      if (!entry.startsWith(prefix) || wanted.has(entry.slice(prefix.length))) continue;
      const path = join(dir, entry, file);
      if (this.input.read(path)?.includes(MANAGED_MARK)) this.edit(path, () => ({ ok: true, text: null }), dir);
    }
  }

  result(): Result<HostResult> {
    if (this.error) return fail("invalidData", this.error, { hint: "fix or move the file; nothing was written" });
    return ok({ changes: [...this.changes.values()], notes: this.notes });
  }
}
