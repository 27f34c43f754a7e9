/**
 * startRun's refusals, which happen before any agent runs: each surface's own wording reaches the
 * error, a resumed session's recorded runtime and directory win, and nothing is written.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LoadedConfig } from "../../src/config/load.ts";
import { defaultConfig } from "../../src/config/schema.ts";
import { fail, ouroError } from "../../src/errors.ts";
import { tailSeq } from "../../src/events/read.ts";
import { EventStore } from "../../src/events/store.ts";
import { startRun, type StartRunInput } from "../../src/pipeline/start-run.ts";
import { started } from "../lib/session-events.ts";
import { SqliteBackend } from "../../src/events/sqlite-backend.ts";

const dir = mkdtempSync(join(tmpdir(), "ouro-start-run-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const loaded: LoadedConfig = {
  config: defaultConfig(),
  file: join(dir, "config.yaml"),
  fileExists: false,
  sources: {},
};

function input(store: EventStore, extra: Partial<StartRunInput>): StartRunInput {
  return {
    backend: SqliteBackend.of(store),
    loaded,
    env: {},
    words: {
      runtimeArg: (name) => `<${name}>`,
      seedProblems: (ps) => ouroError("invalidData", `seed has ${ps.length} problem(s)`),
    },
    ...extra,
  };
}

describe("startRun", () => {
  test("a seed with problems fails in the caller's words and writes nothing", async () => {
    const store = EventStore.open(join(dir, "a.db"));
    if (!store.ok) throw new Error(store.error.message);
    const seed = join(dir, "bad.yaml");
    writeFileSync(seed, "goal: 1\n");
    const r = await startRun(input(store.value, { seedFile: seed }));
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.error).toMatchObject({ kind: "invalidData", message: expect.stringMatching(/^seed has \d+ problem/) });
    expect(tailSeq(store.value.reader)).toBe(0);
    store.value.close();
  });

  test("no seed and no session is a usage error", async () => {
    const store = EventStore.open(join(dir, "b.db"));
    if (!store.ok) throw new Error(store.error.message);
    const r = await startRun(input(store.value, {}));
    expect(r.ok ? null : r.error.kind).toBe("badArgs");
    store.value.close();
  });

  test("a resume reads the session's start: its runtime must match, its directory is checked", async () => {
    const store = EventStore.open(join(dir, "c.db"));
    if (!store.ok) throw new Error(store.error.message);
    const ev = started("orch_resume");
    store.value.append({ ...ev, data: { ...ev.data, project_dir: join(dir, "project") } });
    const mismatch = await startRun(input(store.value, { resumeSessionId: "orch_resume", runtime: "codex" }));
    expect(mismatch.ok ? null : mismatch.error.message).toBe(
      "session orch_resume runs on claude; <codex> does not match",
    );
    const seen: string[] = [];
    const refused = await startRun(
      input(store.value, {
        resumeSessionId: "orch_resume",
        checkProjectDir: (d) => (seen.push(d), fail("badArgs", "outside the workspace")),
      }),
    );
    expect(refused.ok ? null : refused.error.message).toBe("outside the workspace");
    expect(seen).toEqual([join(dir, "project")]);
    expect(tailSeq(store.value.reader)).toBe(1);
    store.value.close();
  });
});
