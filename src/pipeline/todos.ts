/**
 * Follow-up work an agent notes while working a criterion; the secondary loop runs it once every
 * criterion passed (secondary.ts).
 */
import { sha256 } from "./diamond.ts";
import type { SessionLog } from "./session.ts";

const TODO_LINE = /^\s*TODO\(ouroboros\):\s*(.+)$/gm;

/** Record follow-up work an agent noted ("TODO(ouroboros): …") without interrupting the goal. */
export async function recordTodos(log: SessionLog, text: string, acId: string): Promise<void> {
  for (const m of text.matchAll(TODO_LINE)) {
    const description = m[1]!.trim().slice(0, 500);
    const todo_id = `todo_${sha256(description).slice(0, 10)}`;
    if (!log.state.todos.has(todo_id))
      await log.emit("todo.created", {
        todo_id,
        description,
        priority: /\b(urgent|critical|security)\b/i.test(description) ? "high" : "medium",
        source_ac: acId,
      });
  }
}
