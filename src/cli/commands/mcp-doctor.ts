/**
 * `ouroboros mcp doctor [--json] [--runtime R] [--db PATH|URL]`: can this install serve MCP? Checks the
 * binary, the configuration, the event store, the MCP SDK and tool registry, and the agent
 * runtimes; exit 1 when any required check fails.
 */
import { defineCommand } from "citty";
import { existsSync, mkdtempSync, rmdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { loadConfig } from "../../config/load.ts";
import { DB_ARG_DESCRIPTION, resolveTarget } from "../../events/open-backend.ts";
import { EXIT } from "../../errors.ts";
import { exitCode, out, outJson } from "../output.ts";
import { COMMIT, VERSION } from "../../version.ts";
import { plural } from "../../util/plural.ts";

interface Check {
  name: string;
  ok: boolean;
  /** false: informational, does not fail the doctor. */
  required: boolean;
  detail: string;
}

export default defineCommand({
  meta: {
    name: "doctor",
    description: "Check binary, config, event store, MCP SDK and agent runtimes (exit 1 on failure)",
  },
  args: {
    json: { type: "boolean" },
    runtime: { type: "string", description: "runtime the server will use (default: config)" },
    db: { type: "string", description: DB_ARG_DESCRIPTION },
  },
  async run({ args }) {
    const checks: Check[] = [];
    const add = (name: string, ok: boolean, detail: string, required = true) =>
      checks.push({ name, ok, required, detail });
    add(
      "binary",
      true,
      `ouroboros ${VERSION} (${COMMIT}) at ${process.execPath} on ${process.platform}-${process.arch}`,
    );

    const loaded = loadConfig();
    add(
      "config",
      loaded.ok,
      loaded.ok ? `${loaded.value.file}${loaded.value.fileExists ? "" : " (absent: defaults)"}` : loaded.error.message,
    );

    const target = resolveTarget(args.db);
    if (!target.ok) add("event store", false, target.error.message);
    else if (target.value.kind === "postgres") await checkPostgres(target.value.url, add);
    else await checkSqlite(resolve(target.value.path), add);

    try {
      const { TOOLS } = await import("../../mcp/tools/index.ts");
      const { toJsonSchema } = await import("../../mcp/tool.ts");
      await import("@modelcontextprotocol/sdk/server/index.js");
      for (const t of TOOLS) toJsonSchema(t.schema);
      add("mcp sdk", true, `@modelcontextprotocol/sdk server loads; ${TOOLS.length} tools registered`);
    } catch (e) {
      add("mcp sdk", false, e instanceof Error ? e.message : String(e));
    }

    const { inspectRuntimes } = await import("../../runtime/inspect.ts");
    const { selectRuntime } = await import("../../runtime/selection.ts");
    const choice = selectRuntime(
      args.runtime ? String(args.runtime) : undefined,
      process.env,
      loaded.ok ? loaded.value : null,
    );
    const inspected = inspectRuntimes(process.env, loaded.ok ? loaded.value.config : null);
    if (!choice.ok) add("runtime", false, choice.error.message);
    if (!inspected.ok) add("declared runtimes", false, inspected.error.message);
    for (const r of inspected.ok ? inspected.value : []) {
      const selected = choice.ok && choice.value.name === r.name;
      const detail = r.found ? `${r.path}${r.version ? ` (${r.version})` : ""}` : `not found — ${r.install_hint}`;
      add(`runtime ${r.name}${selected ? ` (selected, from ${choice.value.source})` : ""}`, r.found, detail, selected);
    }

    const failed = checks.filter((c) => c.required && !c.ok);
    if (args.json) outJson("mcp-doctor", { ok: failed.length === 0, checks });
    else {
      for (const c of checks) out(`${c.ok ? "ok  " : c.required ? "FAIL" : "--  "}  ${c.name.padEnd(34)} ${c.detail}`);
      out(failed.length ? `\n${plural(failed.length, "check")} failed` : "\nall required checks passed");
    }
    return exitCode(failed.length ? EXIT.failure : EXIT.ok);
  },
});

type Add = (name: string, ok: boolean, detail: string) => void;

/** Read-only: a doctor never creates or migrates a SQLite file (the first write does). */
async function checkSqlite(db: string, add: Add): Promise<void> {
  const { openReadonly } = await import("../../events/db.ts");
  const store = openReadonly(db);
  if (!store.ok) add("event store", false, `${db}: ${store.error.message}`);
  else if (!store.value) {
    const creatable = writableDirOf(db);
    add(
      "event store",
      creatable,
      `${db}: not created yet (${creatable ? "created on first write" : "and it cannot be: its directory is not writable"})`,
    );
  } else {
    const { storeStats } = await import("../../events/queries.ts");
    const stats = storeStats(store.value);
    store.value.close();
    add("event store", true, `${db}: ${stats.events} events, journal ${stats.journalMode}`);
  }
}

/** A shared server: reachable, schema current (opening applies missing migrations, as every command does). */
async function checkPostgres(url: string, add: Add): Promise<void> {
  const [{ PgEventStore }, { redactUrl }] = await Promise.all([
    import("../../events/pg/store.ts"),
    import("../../events/db-url.ts"),
  ]);
  const opened = await PgEventStore.open(url, { max: 1 });
  if (!opened.ok) return add("event store", false, opened.error.message);
  try {
    add("event store", true, `${redactUrl(url)}: PostgreSQL, last event #${await opened.value.tailSeq()}`);
  } catch (e) {
    add("event store", false, `${redactUrl(url)}: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    await opened.value.close();
  }
}

/**
 * The database could be created: a probe directory can be made (and is removed at once) in the
 * nearest existing ancestor. access(W_OK) is not enough: root passes it even on /proc.
 */
function writableDirOf(file: string): boolean {
  let dir = dirname(file);
  while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir);
  try {
    rmdirSync(mkdtempSync(join(dir, ".ouroboros-probe-")));
    return true;
  } catch {
    return false;
  }
}
