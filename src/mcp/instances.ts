/**
 * One record per running server in $OUROBOROS_HOME/mcp-servers/<pid>.json, so `mcp info` and
 * `mcp doctor` can show which servers are alive (and spot orphans). Stale records are dropped on read.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ouroHome } from "../util/home.ts";
import { processAlive as alive } from "../util/lock.ts";

export interface Instance {
  pid: number;
  ppid: number;
  started_at: string;
  version: string;
  db: string;
}

const dir = () => join(ouroHome(), "mcp-servers");

/** Write this server's record; the returned function removes it. Failure to write is not fatal. */
export function register(version: string, db: string): () => void {
  const file = join(dir(), `${process.pid}.json`);
  try {
    mkdirSync(dir(), { recursive: true, mode: 0o700 });
    writeFileSync(
      file,
      JSON.stringify({
        pid: process.pid,
        ppid: process.ppid,
        started_at: new Date().toISOString(),
        version,
        db,
      } satisfies Instance),
    );
  } catch {
    return () => {};
  }
  return () => rmSync(file, { force: true });
}

/** Live servers; records of dead processes are removed. */
export function liveInstances(): Instance[] {
  let names: string[];
  try {
    names = readdirSync(dir()).filter((f) => /^\d+\.json$/.test(f));
  } catch {
    return [];
  }
  const out: Instance[] = [];
  for (const f of names) {
    try {
      const rec = JSON.parse(readFileSync(join(dir(), f), "utf8")) as Instance;
      if (alive(rec.pid)) out.push(rec);
      else rmSync(join(dir(), f), { force: true });
    } catch {
      rmSync(join(dir(), f), { force: true });
    }
  }
  return out.sort((a, b) => a.pid - b.pid);
}
