/**
 * Every MCP tool an `ooo` skill names exists on the server: each runtime's setup writer renders
 * its skill files / capability guide, every `ouroboros_*` tool name in them is collected, and the
 * real server's tools/list must hold each one.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { ADAPTERS, RUNTIME_NAMES, type RuntimeName } from "../../src/runtime/registry.ts";
import { SKILLS } from "../../src/skills/catalogue.ts";
import { hostPaths } from "../../src/setup/context.ts";
import type { SetupInput } from "../../src/setup/types.ts";
import { tempHome } from "../lib/cli.ts";
import { connect, type Connected } from "../mcp/client.ts";

const H = "/home/u";
const BIN = "/opt/ouro/bin/ouroboros";

function input(runtime: RuntimeName): SetupInput {
  return {
    runtime,
    paths: hostPaths({ HOME: H }),
    server: { command: BIN, args: ["mcp", "serve"], env: {} },
    selfCommand: BIN,
    cliPath: null,
    llmBackend: runtime,
    opencodeMode: "plugin",
    mcpMode: "auto",
    read: () => null,
    list: () => [],
  };
}

/** Tool names in rendered text: `ouroboros_<name>` (not the server key `ouroboros` alone). */
const namesIn = (text: string) => [...text.matchAll(/\bouroboros_[a-z][a-z_]*[a-z]\b/g)].map((m) => m[0]);

let c: Connected;
beforeAll(async () => {
  c = await connect(tempHome("ouro-skills-"));
});
afterAll(async () => c?.close());

test("every tool named by any runtime's rendered skills is on the server's tool list", async () => {
  const served = new Set((await c.client.listTools()).tools.map((t) => t.name));
  const named = new Map<string, Set<string>>();
  for (const rt of RUNTIME_NAMES) {
    const r = ADAPTERS[rt].setup.write(input(rt), "install");
    if (!r.ok) throw new Error(`${rt}: ${r.error.message}`);
    for (const ch of r.value.changes)
      for (const n of namesIn(ch.text ?? "")) named.set(n, (named.get(n) ?? new Set()).add(rt));
  }
  for (const s of SKILLS) for (const t of s.mcp_tools) named.set(t, (named.get(t) ?? new Set()).add("catalogue"));
  const missing = [...named]
    .filter(([n]) => !served.has(n))
    .map(([n, where]) => `${n} (named for ${[...where].join(", ")})`);
  expect(missing).toEqual([]);
  // The skills this issue was about are among the rendered ones.
  for (const t of [
    "ouroboros_measure_drift",
    "ouroboros_start_evolve_step",
    "ouroboros_start_ralph",
    "ouroboros_lateral_think",
    "ouroboros_qa",
    "ouroboros_pm_interview",
    "ouroboros_brownfield",
  ])
    expect(named.has(t)).toBe(true);
  // Every runtime's setup renders the skills (skill files or a capability guide).
  const runtimesWithNames = new Set([...named.values()].flatMap((s) => [...s]).filter((w) => w !== "catalogue"));
  expect([...runtimesWithNames].sort()).toEqual([...RUNTIME_NAMES].sort());
});
