/** `ouroboros mcp info` and `mcp doctor`: what the server offers and whether this install can serve. */
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { ROOT, runCli, tempHome } from "../lib/cli.ts";

const withBins = { PATH: `${join(ROOT, "node_modules/.bin")}:${process.env.PATH}` };

describe("mcp info", () => {
  test("--json names the server, the launch command, tools and resources", async () => {
    const r = await runCli(["mcp", "info", "--json"]);
    expect(r.code).toBe(0);
    const info = JSON.parse(r.stdout);
    expect(info).toMatchObject({ schema: "ouroboros/v1/mcp-info", name: "ouroboros-mcp", transport: "stdio" });
    expect(info.launch).toEndWith("mcp serve");
    expect(info.tools).toContain("ouroboros_start_execute_seed");
    expect(info.resources).toContain("ouroboros://events/{session_id}");
  });
});

describe("mcp doctor", () => {
  test("all required checks pass when the store opens and the selected runtime is installed", async () => {
    const home = tempHome();
    const r = await runCli(["mcp", "doctor", "--json", "--runtime", "codex"], { home, env: withBins });
    expect(r.code).toBe(0);
    const d = JSON.parse(r.stdout);
    expect(d.ok).toBe(true);
    const names = d.checks.map((c: { name: string }) => c.name);
    for (const n of ["binary", "config", "event store", "mcp sdk", "runtime codex (selected, from flag)"]) expect(names).toContain(n);
    expect(d.checks.find((c: { name: string }) => c.name === "event store").detail).toContain(join(home, "ouroboros.db"));
  });

  test("exit 1 when the selected runtime is missing or the store cannot open; text output marks FAIL", async () => {
    const missing = await runCli(["mcp", "doctor", "--runtime", "hermes"], { env: { PATH: "/usr/bin:/bin", HERMES_CLI_PATH: undefined } });
    expect(missing.code).toBe(1);
    expect(missing.stdout).toMatch(/^FAIL +runtime hermes \(selected, from flag\) +not found/m);
    const badDb = await runCli(["mcp", "doctor", "--json", "--runtime", "codex", "--db", "/proc/no-such-dir/x.db"], { env: withBins });
    expect(badDb.code).toBe(1);
    const d = JSON.parse(badDb.stdout);
    expect(d.checks.find((c: { name: string }) => c.name === "event store")).toMatchObject({ ok: false, required: true });
  });
});
