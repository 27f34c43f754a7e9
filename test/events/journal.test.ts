/**
 * The JSONL journal beside the database (src/events/journal*.ts): `events --json` copies it up to
 * the committed mark. Its bytes must equal the SQL renderer's, a writer killed between writing the
 * journal and committing must expose nothing, and a journal that is missing, short, corrupt or
 * another database's must send readers to SQL until the next append rebuilds it.
 */
import { Database } from "bun:sqlite";
import { describe, expect, test } from "bun:test";
import {
  copyFileSync,
  existsSync,
  readFileSync,
  readSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import type { NewEvent } from "../../src/events/envelope.ts";
import { copyLog, eventJsonlChunks } from "../../src/events/jsonl.ts";
import { EventReader } from "../../src/events/reader.ts";
import { EventStore } from "../../src/events/store.ts";
import { BUN, cliArgv, ROOT, tempHome } from "../lib/cli.ts";

const NASTY = [
  Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)).join(""),
  '"quoted" \\back\\slash\\ \u007f',
  "line\u2028sep\u2029para",
  "ünïcödé 中文 العربية 😀👍🏽",
  "lone \ud800 high, lone \udc00 low",
  "",
];

function session(sid: string, n: number): NewEvent[] {
  const out: NewEvent[] = [
    {
      type: "orchestrator.session.started",
      aggregate_type: "session",
      aggregate_id: sid,
      data: { session_id: sid, execution_id: `exec_${sid}`, seed_id: "seed_j", seed_goal: NASTY[3]! },
    },
  ];
  for (let i = 0; i < n; i++)
    out.push({
      type: "orchestrator.progress.updated",
      aggregate_type: "session",
      aggregate_id: sid,
      consensus_id: i % 5 ? null : `c-${NASTY[i % NASTY.length]!.slice(0, 6)}`,
      data: {
        session_id: sid,
        i,
        text: NASTY[i % NASTY.length]!,
        // Redacted at append: the journal holds what the log holds.
        note: `token sk-${"A".repeat(24)}${i} and ${"x".repeat(i % 300)}`,
      },
    });
  return out;
}

function open(path: string): EventStore {
  const r = EventStore.open(path);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

function append(path: string, events: NewEvent[]): void {
  const s = open(path);
  const r = s.appendBatch(events);
  s.close();
  if (!r.ok) throw new Error(r.error.message);
}

/** A log of many sessions written in many transactions (each extends the journal). */
function fixture(): string {
  const path = join(tempHome(), "ouroboros.db");
  const s = open(path);
  for (let k = 0; k < 12; k++) {
    const r = s.appendBatch(session(`orch_${k}_${NASTY[3]!.slice(0, 3)}`, 40 + k * 30));
    if (!r.ok) throw new Error(r.error.message);
  }
  s.close();
  return path;
}

/**
 * `events --json` as the reader renders it: bytes, and whether the journal served them. With the
 * journal, the plain copy (copyLog, which hands the journal over as a file range) must agree.
 */
async function read(path: string, journal = true): Promise<{ bytes: Buffer; copied: boolean }> {
  const db = new Database(path, { readonly: true, strict: true });
  const parts: Buffer[] = [];
  let copied = false;
  for await (const c of eventJsonlChunks(EventReader.over(db), {}, undefined, { journal })) {
    copied ||= typeof c !== "string";
    parts.push(Buffer.from(c)); // a copied chunk is valid only until the next: copy it now
  }
  const bytes = Buffer.concat(parts);
  if (journal) {
    const plain = await copied_(db);
    expect({ copied: plain.copied, same: plain.bytes.equals(bytes) }).toEqual({ copied, same: true });
  }
  db.close();
  return { bytes, copied };
}

/** copyLog into a sink that reads the file ranges it is given. */
async function copied_(db: Database): Promise<{ bytes: Buffer; copied: boolean }> {
  const parts: Buffer[] = [];
  let copied = false;
  await copyLog(EventReader.over(db), {
    text: async (t) => void parts.push(Buffer.from(t)),
    fileRange: async (fd, offset, count) => {
      copied = true;
      const b = Buffer.alloc(count);
      expect(readSync(fd, b, 0, count, offset)).toBe(count);
      parts.push(b);
    },
  });
  expect(db.inTransaction).toBe(false);
  return { bytes: Buffer.concat(parts), copied };
}

const sql = async (path: string) => (await read(path, false)).bytes;
const mark = (path: string) => {
  const db = new Database(path, { readonly: true });
  const m = db.query("SELECT bytes, last_seq AS seq FROM event_journal").get() as { bytes: number; seq: number } | null;
  db.close();
  return m;
};

describe("the JSONL journal", () => {
  test("holds exactly the SQL renderer's bytes (unicode, redacted payloads, many sessions and appends)", async () => {
    const path = fixture();
    const { bytes, copied } = await read(path);
    expect(copied).toBe(true);
    const want = await sql(path);
    expect(want.length).toBeGreaterThan(100_000);
    expect(bytes.equals(want)).toBe(true);
    expect(readFileSync(`${path}.jsonl`).equals(want)).toBe(true);
    expect(want.includes(Buffer.from(`sk-${"A".repeat(24)}`))).toBe(false);
    expect(mark(path)).toEqual({ bytes: want.length, seq: want.toString().split("\n").length - 1 });
  });

  test("a writer that keeps its store open re-checks the file when someone else touched it", async () => {
    const path = fixture();
    const s = open(path);
    try {
      const first = s.appendBatch(session("orch_open_a", 3));
      if (!first.ok) throw new Error(first.error.message);
      // A writer in another process died after writing past the mark (bytes no commit covers).
      writeFileSync(`${path}.jsonl`, `{"not":"committed","pad":"${"x".repeat(200_000)}"}\n`, { flag: "a" });
      const second = s.appendBatch(session("orch_open_b", 3));
      if (!second.ok) throw new Error(second.error.message);
      // Another process rebuilt the journal (a new file under the same name) with a tail of its own.
      const copy = `${path}.jsonl.copy`;
      copyFileSync(`${path}.jsonl`, copy);
      rmSync(`${path}.jsonl`);
      copyFileSync(copy, `${path}.jsonl`);
      writeFileSync(`${path}.jsonl`, `{"stray":"${"y".repeat(200_000)}"}\n`, { flag: "a" });
      const third = s.appendBatch(session("orch_open_c", 3));
      if (!third.ok) throw new Error(third.error.message);
    } finally {
      s.close();
    }
    const want = await sql(path);
    const { bytes, copied } = await read(path);
    expect(copied).toBe(true);
    expect(bytes.equals(want)).toBe(true);
    expect(readFileSync(`${path}.jsonl`).equals(want)).toBe(true);
  });

  test("events after the mark (another tool's rows) are rendered by SQL, and the next append catches up", async () => {
    const path = fixture();
    const raw = new Database(path, { strict: true });
    raw
      .query(
        "INSERT INTO events (id, aggregate_type, aggregate_id, event_type, payload, timestamp, session_id) VALUES (?, 'x', 'y', 'test.raw', ?, ?, NULL)",
      )
      .run("raw-1", JSON.stringify({ t: NASTY[4] }), new Date().toISOString());
    raw.close();
    const before = mark(path)!;
    const r1 = await read(path);
    expect(r1.copied).toBe(true);
    expect(r1.bytes.equals(await sql(path))).toBe(true);
    append(path, session("orch_late", 3));
    const after = mark(path)!;
    expect(after.seq).toBe(before.seq + 5);
    const r2 = await read(path);
    expect(r2.bytes.equals(await sql(path))).toBe(true);
    expect(readFileSync(`${path}.jsonl`).equals(r2.bytes)).toBe(true);
  });

  for (const [name, spoil] of [
    ["deleted", (j: string) => rmSync(j)],
    ["truncated", (j: string) => truncateSync(j, statSync(j).size - 10)],
    [
      "corrupt in its last line",
      (j: string) => {
        const b = readFileSync(j);
        b[b.length - 5] = 0x21;
        writeFileSync(j, b);
      },
    ],
    [
      "another database's",
      (j: string) => {
        const other = fixture();
        copyFileSync(`${other}.jsonl`, j);
      },
    ],
  ] as const) {
    test(`a journal ${name} is not used; the next append rebuilds it`, async () => {
      const path = fixture();
      spoil(`${path}.jsonl`);
      const r = await read(path);
      expect(r.copied).toBe(false);
      expect(r.bytes.equals(await sql(path))).toBe(true);
      append(path, session("orch_after", 2));
      const again = await read(path);
      expect(again.copied).toBe(true);
      expect(again.bytes.equals(await sql(path))).toBe(true);
      expect(statSync(`${path}.jsonl`).size).toBe(again.bytes.length);
    });
  }

  test("rewriting an event behind the store's back drops the mark (trigger): readers go back to SQL", async () => {
    const path = fixture();
    const raw = new Database(path, { strict: true });
    raw.exec("UPDATE events SET payload = '{\"changed\":true}' WHERE seq = 7");
    raw.close();
    expect(mark(path)).toBeNull();
    const r = await read(path);
    expect(r.copied).toBe(false);
    expect(r.bytes.toString()).toContain('"data":{"changed":true}');
    append(path, session("orch_after", 1));
    const again = await read(path);
    expect(again.copied).toBe(true);
    expect(again.bytes.equals(await sql(path))).toBe(true);
  });

  test("a stopped consumer closes the snapshot (journal path)", async () => {
    const path = fixture();
    const db = new Database(path, { readonly: true, strict: true });
    for await (const c of eventJsonlChunks(EventReader.over(db), {})) {
      expect(typeof c).not.toBe("string");
      break;
    }
    expect(db.inTransaction).toBe(false);
    db.close();
  });
});

/** A writer that dies by SIGKILL after writing the journal, before its commit (as a crash would). */
const CRASHING_WRITER = `
import { EventStore } from "${ROOT}/src/events/store.ts";
const [path, rebuild] = process.argv.slice(2);
const s = EventStore.open(path);
if (!s.ok) throw new Error(s.error.message);
const db = s.value.db;
const query = db.query.bind(db);
db.query = (sql) => {
  if (sql.includes("INSERT INTO event_journal")) process.kill(process.pid, "SIGKILL");
  return query(sql);
};
const events = Array.from({ length: 50 }, (_, i) => ({
  id: "uncommitted-" + i,
  type: "orchestrator.progress.updated",
  aggregate_type: "session",
  aggregate_id: "orch_0_ünï",
  data: { session_id: "orch_0_ünï", i },
}));
s.value.appendBatch(events);
console.log("not killed");
`;

describe("a writer killed between journal write and commit", () => {
  for (const rebuild of [false, true]) {
    test(`loses nothing committed and exposes nothing uncommitted${rebuild ? " (while rebuilding)" : ""}`, async () => {
      const path = fixture();
      const committed = await sql(path);
      if (rebuild) rmSync(`${path}.jsonl`);
      const script = join(tempHome(), "crash.ts");
      writeFileSync(script, CRASHING_WRITER);
      const p = Bun.spawn([BUN, script, path], { stdout: "pipe", stderr: "pipe" });
      expect(await p.exited).not.toBe(0);
      expect(p.signalCode).toBe("SIGKILL");
      // The dead writer's bytes are in the file, past the committed mark.
      expect(statSync(`${path}.jsonl`).size).toBeGreaterThan(rebuild ? 0 : committed.length);
      expect(readFileSync(`${path}.jsonl`).includes("uncommitted-0")).toBe(true);
      const r = await read(path);
      expect(r.bytes.equals(committed)).toBe(true);
      expect(r.bytes.includes("uncommitted-")).toBe(false);
      if (!rebuild) expect(r.copied).toBe(true);
      // The next append cuts them and goes on.
      append(path, session("orch_next", 2));
      const after = await read(path);
      expect(after.copied).toBe(true);
      expect(after.bytes.equals(await sql(path))).toBe(true);
      expect(after.bytes.includes("uncommitted-")).toBe(false);
      expect(statSync(`${path}.jsonl`).size).toBe(after.bytes.length);
      expect(existsSync(`${path}.jsonl.rebuild`)).toBe(false);
    });
  }
});

describe("events --json through the CLI", () => {
  test("into a file and a pipe: the journal's bytes equal the SQL path's", async () => {
    const path = fixture();
    const home = join(path, "..");
    const run = async (cmd: string) => {
      const p = Bun.spawn(["bash", "-c", cmd], {
        env: { ...process.env, OUROBOROS_HOME: home, NO_COLOR: "1" },
        stdout: "pipe",
        stderr: "pipe",
      });
      const [out, err, code] = await Promise.all([
        new Response(p.stdout).arrayBuffer(),
        new Response(p.stderr).text(),
        p.exited,
      ]);
      expect({ code, err }).toEqual({ code: 0, err: "" });
      return Buffer.from(out);
    };
    const cli = cliArgv()
      .map((a) => `'${a}'`)
      .join(" ");
    const want = await sql(path);
    expect((await run(`${cli} events --json | cat`)).equals(want)).toBe(true);
    await run(`${cli} events --json > '${home}/out.jsonl'`);
    expect(readFileSync(join(home, "out.jsonl")).equals(want)).toBe(true);
    rmSync(`${path}.jsonl`);
    expect((await run(`${cli} events --json | cat`)).equals(want)).toBe(true);
  });
});
