/**
 * Mount the dashboard on the terminal (alternate screen) and resolve once the user quits.
 * Loaded lazily by `ouroboros tui`, so no other command pays for Ink and React.
 */
import { render } from "ink";
import { App } from "./app.tsx";
import { DashboardSource } from "./source.ts";

export interface DashboardOptions {
  /** A SQLite path or a postgres:// URL, as `--db` takes it. */
  db: string;
  session: string | null;
  onFrame?: (lastSeq: number) => void;
}

export async function runDashboard(opts: DashboardOptions): Promise<void> {
  const source = new DashboardSource(opts.db);
  const app = render(<App source={source} initialSession={opts.session} onFrame={opts.onFrame} />, {
    alternateScreen: true,
    // Ink would fall back to "final frame only" under CI variables; the command already checked for a TTY.
    interactive: true,
    exitOnCtrlC: true,
    patchConsole: false,
    maxFps: 30,
  });
  // Leave the alternate screen and restore the cursor on polite termination too.
  const stop = () => app.unmount();
  process.once("SIGTERM", stop);
  process.once("SIGHUP", stop);
  try {
    await app.waitUntilExit();
  } finally {
    process.off("SIGTERM", stop);
    process.off("SIGHUP", stop);
    await source.close();
  }
}
