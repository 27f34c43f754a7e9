/**
 * The SQLite-rendered JSONL of `events --json` (src/events/jsonl.ts) against the generic renderer
 * (eventJsonLine over read rows): byte for byte, for every filter, across chunk boundaries, and for
 * rows only the generic renderer can spell (written behind the store's back, as another tool might).
 */
import { Database } from "bun:sqlite";
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import type { NewEvent } from "../../src/events/envelope.ts";
import { eventJsonLine } from "../../src/events/envelope.ts";
import { eventJsonlChunks } from "../../src/events/jsonl.ts";
import { EventReader } from "../../src/events/reader.ts";
import { queryEvents, type EventFilter } from "../../src/events/read.ts";
import { EventStore } from "../../src/events/store.ts";
import { tempHome } from "../lib/cli.ts";

// Every ASCII control character, quotes, backslashes, DEL, U+2028/9, astral, lone surrogates, HTML.
const NASTY = [
  Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)).join(""),
  '"quoted" \\back\\slash\\ /slash/ \u007f',
  "line\u2028sep\u2029para",
  "ünïcödé 中文 العربية 😀👍🏽",
  "lone \ud800 high, lone \udc00 low, reversed \udc00\ud800",
  "<script>alert('x')</script> &amp;",
  "",
];

function fixture(path: string): void {
  const opened = EventStore.open(path);
  if (!opened.ok) throw new Error(opened.error.message);
  const store = opened.value;
  const events: NewEvent[] = [];
  for (const sid of ["orch_one", "orch_two"]) {
    events.push({
      type: "orchestrator.session.started",
      aggregate_type: "session",
      aggregate_id: sid,
      data: { session_id: sid, execution_id: `exec_${sid}`, seed_id: "seed_x", seed_goal: NASTY[3]! },
    });
    for (const [i, s] of NASTY.entries())
      events.push({
        id: `ev-${sid}-${i}-${s.slice(0, 12) || "empty"}`,
        type: "orchestrator.progress.updated",
        aggregate_type: i % 2 ? "execution" : `agg ${s.slice(0, 8)}`,
        aggregate_id: `${sid}/${s.slice(0, 20)}`,
        consensus_id: i % 3 ? null : `consensus ${s.slice(0, 10)}`,
        event_version: i + 1,
        data: {
          session_id: sid,
          text: s,
          nested: { list: [1, -2.5, 1e21, 0, null, true, false, s, { deep: [[[s]]] }], empty: {}, none: [] },
          unicode_key_ü: null,
          [s.slice(0, 6) || "k"]: s.length,
        },
      });
  }
  // Enough plain events that the scan takes many chunks, whose sizes adapt.
  for (let i = 0; i < 3000; i++)
    events.push({
      type: "orchestrator.progress.updated",
      aggregate_type: "session",
      aggregate_id: i % 2 ? "orch_one" : "orch_two",
      data: { session_id: i % 2 ? "orch_one" : "orch_two", i, message: `step ${i} ${"x".repeat(i % 700)}` },
    });
  // Events outside any session (session_id null) and a large payload.
  events.push({
    type: "interview.started",
    aggregate_type: "interview",
    aggregate_id: "int_1",
    data: { interview_id: "int_1", initial_context: NASTY[0]!, big: "é".repeat(300_000) },
  } as NewEvent); // an undeclared extra field on purpose: the renderer must copy any payload
  const r = store.appendBatch(events);
  if (!r.ok) throw new Error(r.error.message);
  store.close();
}

const generic = (db: Database, f: EventFilter) =>
  queryEvents(EventReader.over(db), f)
    .map((r) => `${eventJsonLine(r)}\n`)
    .join("");

/** The SQL renderer alone (journal.test.ts covers the journal copy of a plain read). */
async function fast(db: Database, f: EventFilter, at?: { seq: number }): Promise<{ text: string; chunks: string[] }> {
  const chunks: string[] = [];
  for await (const c of eventJsonlChunks(EventReader.over(db), f, at, { journal: false }))
    chunks.push(typeof c === "string" ? c : Buffer.from(c).toString());
  return { text: chunks.join(""), chunks };
}

function opened(): { db: Database; path: string } {
  const path = join(tempHome(), "ouroboros.db");
  fixture(path);
  return { db: new Database(path, { readonly: true, strict: true }), path };
}

describe("events --json rendered by SQLite", () => {
  test("the same bytes as the generic renderer, in chunks of whole lines", async () => {
    const { db } = opened();
    const want = generic(db, {});
    const { text, chunks } = await fast(db, {});
    expect(text.length).toBeGreaterThan(1_000_000);
    expect(Buffer.from(text).equals(Buffer.from(want))).toBe(true);
    expect(chunks.length).toBeGreaterThan(5);
    for (const c of chunks) expect(c.endsWith("\n")).toBe(true);
    // Apart from the one huge event and the tail, chunks are big writes.
    expect(chunks.filter((c) => c.length < 64 * 1024).length).toBeLessThanOrEqual(2);
    expect(db.inTransaction).toBe(false);
  });

  test("filters: session, since (seq and time), type glob, limit, limit 0, and their mix", async () => {
    const { db } = opened();
    const midTime = queryEvents(EventReader.over(db), { afterSeq: 20, limit: 1 })[0]!.timestamp;
    const filters: EventFilter[] = [
      { session: "orch_one" },
      { session: "orch_none" },
      { afterSeq: 17 },
      { afterSeq: 1_000_000 },
      { sinceTime: midTime },
      { typeGlob: "test.fixture.*" },
      { typeGlob: "orchestrator.*.started" },
      { limit: 1 },
      { limit: 777 },
      { limit: 0 },
      { session: "orch_two", typeGlob: "orchestrator.progress.*", afterSeq: 40, limit: 1000 },
    ];
    for (const f of filters) {
      const want = generic(db, f);
      const { text } = await fast(db, f);
      expect({ f, same: text === want }).toEqual({ f, same: true });
    }
  });

  test("at.seq names the last event yielded, for a follower to go on from", async () => {
    const { db } = opened();
    const at = { seq: -1 };
    await fast(db, { session: "orch_one", limit: 50 }, at);
    expect(at.seq).toBe(queryEvents(EventReader.over(db), { session: "orch_one", limit: 50 }).at(-1)!.seq);
    const none = { seq: -1 };
    await fast(db, { session: "orch_none", afterSeq: 3 }, none);
    expect(none.seq).toBe(3);
  });

  test("rows only JavaScript spells right still come out as the generic renderer prints them", async () => {
    const { path } = opened();
    // Another tool wrote these: a fractional, a huge and a text event_version, a BLOB payload,
    // a BLOB in a quoted column (json_quote refuses it), a NULL consensus over a real one.
    const rw = new Database(path, { strict: true });
    rw.exec(`UPDATE events SET event_version = 2.5 WHERE seq = 3;
      UPDATE events SET event_version = 9007199254740993 WHERE seq = 5;
      UPDATE events SET event_version = 'v1' WHERE seq = 7;
      UPDATE events SET payload = CAST(payload AS BLOB) WHERE seq = 11;
      UPDATE events SET id = CAST(id AS BLOB) WHERE seq = 500;
      UPDATE events SET event_version = 3.0 WHERE seq = 600;`);
    rw.close();
    const db = new Database(path, { readonly: true, strict: true });
    for (const f of [{}, { afterSeq: 2, limit: 10 }, { afterSeq: 450, limit: 100 }] as EventFilter[]) {
      const want = generic(db, f);
      const { text } = await fast(db, f);
      expect(text === want).toBe(true);
    }
  });

  test("a consumer that stops early ends the read snapshot", async () => {
    const { db } = opened();
    for await (const c of eventJsonlChunks(EventReader.over(db), {}, undefined, { journal: false })) {
      expect(c.length).toBeGreaterThan(0);
      break;
    }
    expect(db.inTransaction).toBe(false);
  });
});
