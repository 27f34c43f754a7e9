/**
 * `ouroboros tui [session] [--db PATH]`: live read-only dashboard of sessions and their ACs.
 * The Ink/React code is imported only here, when the command runs.
 */
import { defineCommand } from "citty";
import { paths } from "../../config/paths.ts";
import { EXIT, fail, unwrap } from "../../errors.ts";
import { DashboardSource } from "../../dashboard/source.ts";
import { exitCode } from "../output.ts";

export default defineCommand({
  meta: { name: "tui", description: "Live dashboard: sessions, AC tree, tool calls, verdicts, event tail (q quits)" },
  args: {
    session: {
      type: "positional",
      required: false,
      description: "open this session (id or unique prefix) instead of the list",
    },
    db: { type: "string", alias: "db-path", description: "event database (default $OUROBOROS_HOME/ouroboros.db)" },
  },
  async run({ args }) {
    const dbPath = typeof args.db === "string" && args.db ? args.db : paths.database();
    // `tui monitor` is the upstream spelling of the plain dashboard.
    const wanted = typeof args.session === "string" && args.session && args.session !== "monitor" ? args.session : null;
    let session: string | null = null;
    if (wanted) {
      const probe = new DashboardSource(dbPath);
      const row = probe.resolve(wanted);
      const problem = probe.error;
      probe.close();
      if (problem) unwrap(fail("failure", problem));
      if (!row)
        unwrap(
          fail("unknownId", `no session '${wanted}' in ${dbPath}`, {
            hint: "run `ouroboros tui` to pick one from the list",
          }),
        );
      session = row!.session_id;
    }
    // Checked after the session id: an unknown id is exit 4 wherever it is typed.
    if (!process.stdout.isTTY || !process.stdin.isTTY) {
      unwrap(
        fail("badArgs", "tui needs an interactive terminal", {
          hint: "use `ouroboros events --follow` or `ouroboros status` when piping",
        }),
      );
    }
    // React's development build re-checks every render (several times the CPU of an idle frame).
    process.env.NODE_ENV ??= "production";
    const { runDashboard } = await import("../../dashboard/run.tsx");
    await runDashboard({ dbPath, session });
    return exitCode(EXIT.ok);
  },
});
