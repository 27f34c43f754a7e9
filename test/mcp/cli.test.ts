/** `ouroboros mcp info` and `mcp doctor`: what the server offers and whether this install can serve. */
import { describe, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { ROOT, runCli, tempHome } from "../lib/cli.ts";
import { connect } from "./client.ts";

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

describe("instance records", () => {
  test("a running server is listed by mcp info and its record goes when it exits", async () => {
    const home = tempHome();
    const c = await connect(home);
    try {
      const info = JSON.parse((await runCli(["mcp", "info", "--json"], { home })).stdout);
      expect(info.running.map((r: { pid: number }) => r.pid)).toEqual([c.transport.pid]);
      expect(info.running[0].db).toBe(join(home, "ouroboros.db"));
    } finally {
      await c.close();
    }
    for (let i = 0; i < 40 && readdirSync(join(home, "mcp-servers")).length; i++) await Bun.sleep(50);
    expect(readdirSync(join(home, "mcp-servers"))).toEqual([]);
    expect(JSON.parse((await runCli(["mcp", "info", "--json"], { home })).stdout).running).toEqual([]);
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
    for (const n of ["binary", "config", "event store", "mcp sdk", "runtime codex (selected, from flag)"])
      expect(names).toContain(n);
    expect(d.checks.find((c: { name: string }) => c.name === "event store").detail).toContain(
      join(home, "ouroboros.db"),
    );
  });

  test("exit 1 when the selected runtime is missing or the store cannot open; text output marks FAIL", async () => {
    const missing = await runCli(["mcp", "doctor", "--runtime", "hermes"], {
      env: { PATH: "/usr/bin:/bin", HERMES_CLI_PATH: undefined },
    });
    expect(missing.code).toBe(1);
    expect(missing.stdout).toMatch(/^FAIL +runtime hermes \(selected, from flag\) +not found/m);
    const badDb = await runCli(["mcp", "doctor", "--json", "--runtime", "codex", "--db", "/proc/no-such-dir/x.db"], {
      env: withBins,
    });
    expect(badDb.code).toBe(1);
    const d = JSON.parse(badDb.stdout);
    expect(d.checks.find((c: { name: string }) => c.name === "event store")).toMatchObject({
      ok: false,
      required: true,
    });
  });
});
