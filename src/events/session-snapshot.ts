/**
 * A session's reducer state as JSON, persisted now and then beside the projections so a writer
 * that has not seen the session (a one-off `cancel`, a second process resuming) restores it from
 * the snapshot plus the few events after it instead of replaying a huge log.
 */
import type { SessionState } from "./session-state.ts";

/** Bumped when SessionState changes shape: an older snapshot is then ignored and the log replayed. */
export const SNAPSHOT_FORMAT = 1;

export function toSnapshot(s: SessionState): string {
  return JSON.stringify({
    format: SNAPSHOT_FORMAT,
    ...s,
    phases: [...s.phases],
    acs: [...s.acs],
    phasesCompleted: [...s.phasesCompleted],
    todos: [...s.todos],
    decided: [...s.decided],
  });
}

/** null when the text is not a snapshot of this format (the caller replays the log instead). */
export function fromSnapshot(text: string): SessionState | null {
  try {
    const j = JSON.parse(text) as Record<string, unknown> & { format?: number };
    if (j.format !== SNAPSHOT_FORMAT) return null;
    const { format: _format, ...rest } = j;
    return {
      ...(rest as unknown as SessionState),
      phases: new Map(j.phases as never),
      acs: new Map(j.acs as never),
      phasesCompleted: new Set(j.phasesCompleted as never),
      todos: new Map(j.todos as never),
      decided: new Set(j.decided as never),
    };
  } catch {
    return null;
  }
}
