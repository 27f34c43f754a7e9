/**
 * `ouroboros events [session] [--follow] [--since ID|TIME] [--type GLOB] [--json]`
 * plus `events export <session>` and `events import <file>`.
 */
import { defineCommand, runCommand, type CommandDef } from "citty";
import { EXIT, fail, type Result, unwrap } from "../../errors.ts";
import type { EventBackend } from "../../events/backend.ts";
import type { EventRow } from "../../events/envelope.ts";
import { eventJsonlChunks } from "../../events/jsonl.ts";
import { DB_ARG_DESCRIPTION, openBackend, openReadBackend, openSqliteReader } from "../../events/open-backend.ts";
import { hasEventsFor, resolveSince, type EventFilter } from "../../events/read.ts";
import type { EventReader, OwnedReader } from "../../events/reader.ts";
import type { SqliteBackend } from "../../events/sqlite-backend.ts";
import type { DispatchingCommand } from "../argv.ts";
import { cut } from "../fit.ts";
import { exitCode, flushStdout, log, out, outJson, StdoutLines } from "../output.ts";
import { plural } from "../../util/plural.ts";

const dbArg = { db: { type: "string", description: DB_ARG_DESCRIPTION } } as const;

function humanLine(r: EventRow): string {
  const data = r.payload.length > 160 ? `${r.payload.slice(0, 157)}...` : r.payload;
  return `${String(r.seq).padStart(6)}  ${r.timestamp}  ${r.event_type.padEnd(36)}  ${r.session_id ?? r.aggregate_id}  ${data}`;
}

const exportCmd = defineCommand({
  meta: { name: "export", description: "Write one session's events as JSONL" },
  args: {
    session: { type: "positional", required: true, description: "session id" },
    output: { type: "string", alias: "o", description: "file (default stdout)" },
    ...dbArg,
  },
  async run({ args }) {
    const sink = new StdoutLines();
    const { exportSession } = await import("../../events/transfer.ts");
    const db = unwrap(await openReadBackend(args.db));
    const n = unwrap(
      await exportSession(db, String(args.session), args.output ? String(args.output) : null, (l) =>
        sink.line(l),
      ).finally(() => db?.close()),
    );
    await sink.flush();
    log.info(`exported ${plural(n, "event")}`);
    return exitCode(EXIT.ok);
  },
});

const importCmd = defineCommand({
  meta: { name: "import", description: "Import a JSONL event file (idempotent; all-or-nothing)" },
  args: {
    file: { type: "positional", required: true, description: "JSONL file written by `events export`" },
    json: { type: "boolean" },
    ...dbArg,
  },
  async run({ args }) {
    // Everything is validated before the database is opened: a bad file creates nothing.
    const { parseImport } = await import("../../events/transfer.ts");
    const parsed = unwrap(parseImport(String(args.file)));
    const db = unwrap(await openBackend(args.db));
    const r = unwrap(await db.importRows(parsed).finally(() => db.close()));
    if (args.json) outJson("events-import", { ...r });
    else out(`imported ${r.imported}, skipped ${r.skipped} already present (${r.lines} lines)`);
    return exitCode(EXIT.ok);
  },
});

// citty cannot mix an optional positional with sub-commands: `events` dispatches these itself.
const dispatch: Record<string, CommandDef<any>> = { export: exportCmd, import: importCmd };

const events = defineCommand({
  meta: {
    name: "events",
    description:
      "Print the event log (JSONL with --json), optionally following it; `events export <session>`, `events import <file>`",
  },
  args: {
    session: { type: "positional", required: false, description: "only this session" },
    follow: { type: "boolean", alias: "f", description: "keep printing events as they are appended" },
    since: { type: "string", description: "after this row number or event id, or from this ISO time" },
    type: { type: "string", description: "event type glob, e.g. 'orchestrator.session.*'" },
    limit: { type: "string", valueHint: "N", description: "at most N events (without --follow)" },
    json: { type: "boolean", description: "one JSON object per line" },
    ...dbArg,
  },
  async run({ args, rawArgs }) {
    const sub = dispatch[String(args.session)];
    if (sub) {
      await runCommand(sub, { rawArgs: rawArgs.slice(rawArgs.indexOf(String(args.session)) + 1) });
      return exitCode();
    }
    if (args.json && !args.follow) {
      const reader = unwrap(await openSqliteReader(args.db));
      if (reader)
        try {
          return await copyJsonl(reader, args);
        } finally {
          reader.close();
        }
    }
    // Held here so whatever `list` ends up with (a follower may open the file later) is closed.
    const held = { db: unwrap(await openReadBackend(args.db)) };
    try {
      return await list(held, args);
    } finally {
      await held.db?.close();
    }
  },
});

interface ListArgs {
  db?: unknown;
  session?: unknown;
  follow?: unknown;
  since?: unknown;
  type?: unknown;
  limit?: unknown;
  json?: unknown;
}

/** The listing's filter from its flags; an unknown session is exit 4 (before anything is printed). */
async function listFilter(
  args: ListArgs,
  known: (id: string) => boolean | Promise<boolean>,
  since: (
    arg: string | undefined,
  ) =>
    | Result<Pick<EventFilter, "afterSeq" | "sinceTime">>
    | Promise<Result<Pick<EventFilter, "afterSeq" | "sinceTime">>>,
): Promise<{ filter: EventFilter; limit: number | undefined }> {
  if (args.session && !(await known(String(args.session))))
    unwrap(fail("unknownId", `no session '${args.session}'`, { hint: "`ouroboros status` lists sessions" }));
  const after = unwrap(await since(args.since ? String(args.since) : undefined));
  const limit = args.limit !== undefined ? Number(args.limit) : undefined;
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 0))
    unwrap(fail("badArgs", `--limit must be a whole number, got '${args.limit}'`));
  const filter: EventFilter = {
    session: args.session ? String(args.session) : undefined,
    typeGlob: args.type ? String(args.type) : undefined,
    ...after,
  };
  return { filter, limit };
}

/**
 * `--json` without --follow on SQLite: the journal is copied and the rest rendered by SQLite
 * (jsonl.ts) in chunks of lines, one write each, then a wait for drain; no store is loaded.
 */
async function copyJsonl(reader: OwnedReader, args: ListArgs) {
  const { filter, limit } = await listFilter(
    args,
    (id) => hasEventsFor(reader, id),
    (since) => resolveSince(reader, since),
  );
  await writeJsonl(reader, { ...filter, limit });
  return exitCode(EXIT.ok);
}

/**
 * SQLite's own JSONL (the journal copied, the rest rendered in SQL) in chunks of lines: one write
 * each, then a wait for drain. Returns the seq of the last event written.
 */
async function writeJsonl(reader: EventReader, filter: EventFilter, stop?: AbortSignal): Promise<number> {
  const at = { seq: filter.afterSeq ?? 0 };
  let written = at.seq;
  for await (const chunk of eventJsonlChunks(reader, filter, at)) {
    if (stop?.aborted) break;
    out(chunk);
    written = at.seq;
    await flushStdout();
  }
  return written;
}

/**
 * The listing, then (with --follow) the live tail, on either backend. On a fresh home there is no
 * SQLite file: a follower waits for the first run to create it (a reader never creates it).
 */
async function list(held: { db: EventBackend | null }, args: ListArgs) {
  let db = held.db;
  const { filter, limit } = await listFilter(
    args,
    async (id) => Boolean(db && (await db.hasEventsFor(id))),
    (since) => (db ? db.resolveSince(since) : resolveSince(null, since)),
  );
  // A follower ends on Ctrl-C/SIGTERM with exit 0, also while it is still printing the backlog.
  const stop = new AbortController();
  if (args.follow) {
    // Lines already handed over still reach a reader that is reading; one that is stuck
    // does not hold the stop back for more than 2 s.
    const end = () => {
      stop.abort();
      setTimeout(() => process.exit(EXIT.ok), 2000).unref();
    };
    process.once("SIGINT", end);
    process.once("SIGTERM", end);
  }
  const sink = new StdoutLines();
  // On a terminal a human line is cut to its width (like the tables); pipes get it whole.
  const width = process.stdout.isTTY ? process.stdout.columns || 80 : 0;
  // SQLite renders a plain `--json` listing itself (jsonl.ts); otherwise the generic renderer,
  // which brings valibot, is loaded only when needed.
  const fastJsonl = Boolean(args.json && db?.kind === "sqlite");
  const eventJsonLine =
    args.json && (args.follow || !fastJsonl) ? (await import("../../events/envelope.ts")).eventJsonLine : null;
  const print = (r: EventRow) =>
    sink.line(eventJsonLine ? eventJsonLine(r) : width ? cut(humanLine(r), width) : humanLine(r));
  let last = filter.afterSeq ?? 0;
  if (db && fastJsonl) last = await writeJsonl((db as SqliteBackend).reader, { ...filter, limit }, stop.signal);
  else if (db)
    await db.forEachEvent({ ...filter, limit }, (r) => {
      if (stop.signal.aborted) return;
      last = r.seq;
      return print(r);
    });
  await sink.flush();
  if (!args.follow) return exitCode(EXIT.ok);
  // Following: what one read finds goes out together as soon as it is done (no waiting for a
  // full chunk); a full pipe still holds the follower back through print().
  let scheduled = false;
  const printNow = (r: EventRow) => {
    if (!scheduled) {
      scheduled = true;
      setTimeout(() => {
        scheduled = false;
        void sink.flush();
      }, 0);
    }
    return print(r);
  };
  while (!db && !stop.signal.aborted) {
    await Bun.sleep(25);
    db = held.db = unwrap(await openReadBackend(args.db));
  }
  await db?.follow({ ...filter, afterSeq: last, sinceTime: last ? undefined : filter.sinceTime }, printNow, {
    signal: stop.signal,
  });
  return exitCode(EXIT.ok);
}

export default Object.assign(events, { dispatch } satisfies Pick<DispatchingCommand, "dispatch">);
