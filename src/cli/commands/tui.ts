/**
 * `ouroboros tui [session] [--db PATH|URL]`: live read-only dashboard of sessions and their ACs,
 * on SQLite or PostgreSQL (`--db postgres://…` / OUROBOROS_DATABASE_URL).
 * The Ink/React code is imported only here, when the command runs.
 */
import { defineCommand } from "citty";
import { EXIT, fail, unwrap } from "../../errors.ts";
import { DashboardSource } from "../../dashboard/source.ts";
import { DB_ARG_DESCRIPTION, resolveTarget } from "../../events/open-backend.ts";
import { exitCode } from "../output.ts";

export default defineCommand({
  meta: { name: "tui", description: "Live dashboard: sessions, AC tree, tool calls, verdicts, event tail (q quits)" },
  args: {
    session: {
      type: "positional",
      required: false,
      description: "open this session (id or unique prefix) instead of the list",
    },
    db: { type: "string", alias: "db-path", description: DB_ARG_DESCRIPTION },
  },
  async run({ args }) {
    const target = unwrap(resolveTarget(args.db));
    const db = target.kind === "postgres" ? target.url : target.path;
    // `tui monitor` is the upstream spelling of the plain dashboard.
    const wanted = typeof args.session === "string" && args.session && args.session !== "monitor" ? args.session : null;
    let session: string | null = null;
    if (wanted) {
      const probe = new DashboardSource(db);
      const row = await probe.resolve(wanted).finally(() => probe.close());
      if (probe.error) unwrap(fail("failure", probe.error));
      if (!row)
        unwrap(
          fail("unknownId", `no session '${wanted}' in ${probe.label}`, {
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
    await runDashboard({ db, session });
    return exitCode(EXIT.ok);
  },
});
