/**
 * startRun's refusals, which happen before any agent runs: each surface's own wording reaches the
 * error, a resumed session's recorded runtime and directory win, and nothing is written.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LoadedConfig } from "../../src/config/load.ts";
import { defaultConfig } from "../../src/config/schema.ts";
import { fail, ok, ouroError } from "../../src/errors.ts";
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

  test("--project-dir on a resume must be a checkout at the session's base commit", async () => {
    const store = EventStore.open(join(dir, "d.db"));
    if (!store.ok) throw new Error(store.error.message);
    const ev = started("orch_moved");
    const base = "0123456789abcdef0123456789abcdef01234567";
    store.value.append({ ...ev, data: { ...ev.data, project_dir: join(dir, "gone"), base_commit: base } });
    const elsewhere = join(dir, "elsewhere");
    mkdirSync(elsewhere, { recursive: true });
    const seen: string[] = [];
    const r = await startRun(
      input(store.value, {
        resumeSessionId: "orch_moved",
        projectDirFlag: elsewhere,
        checkProjectDir: (d) => (seen.push(d), ok(d)),
      }),
    );
    expect(r.ok ? null : r.error.message).toBe(
      `--project-dir ${elsewhere} is not a git checkout (session orch_moved started at ${base})`,
    );
    expect(seen).toEqual([]);
    store.value.close();
  });
});
