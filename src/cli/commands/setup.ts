/**
 * `ouroboros setup --runtime X [--dry-run] [--uninstall] [--json] [--model M]`: register this
 * binary's MCP server, skills and guides with an agent CLI and set the runtime in config.yaml
 *. Non-TTY never prompts.
 */
import { defineCommand } from "citty";
import { EXIT, fail, unwrap } from "../../errors.ts";
import { loadConfig } from "../../config/load.ts";
import { resolveBinary } from "../../runtime/binary.ts";
import { setupRefusal } from "../../runtime/declared/adapter.ts";
import { findDescriptor } from "../../runtime/descriptors.ts";
import {
  builtinRuntime,
  DEFAULT_RUNTIME,
  isRuntimeName,
  RUNTIME_NAMES,
  type RuntimeName,
} from "../../runtime/registry.ts";
import { canonicalRuntime } from "../../runtime/selection.ts";
import { type CopilotModel, defaultPick, discoverCopilotModels, modelConfig } from "../../setup/copilot-models.ts";
import { runSetup, type SetupSummary } from "../setup/run.ts";
import { exitCode, log, out, outJson } from "../output.ts";
import { plural } from "../../util/plural.ts";

const MCP_MODES = ["auto", "stdio", "preserve"] as const;

/**
 * No --runtime: the one installed CLI; several → a prompt on a terminal, else the
 * configured runtime if installed, else the default runtime, else the first installed.
 */
async function pickRuntime(interactive: boolean): Promise<RuntimeName> {
  const cfg = loadConfig();
  const config = cfg.ok ? cfg.value.config : null;
  const installed = RUNTIME_NAMES.filter((r) => resolveBinary(r, process.env, config) !== null);
  if (installed.length === 1) return installed[0]!;
  const current = config?.orchestrator.runtime_backend;
  const fallback =
    current && installed.includes(current as RuntimeName)
      ? (current as RuntimeName)
      : installed.includes(DEFAULT_RUNTIME) || !installed.length
        ? DEFAULT_RUNTIME
        : installed[0]!;
  if (!interactive || installed.length < 2) return fallback;
  const { select, isCancel } = await import("@clack/prompts");
  const picked = await select({
    message: "Set up which agent CLI?",
    options: installed.map((r) => ({ value: r, label: r })),
    initialValue: fallback,
    output: process.stderr,
  });
  if (isCancel(picked)) unwrap(fail("interrupted", "setup cancelled; nothing was written"));
  return picked as RuntimeName;
}

async function chooseModel(models: CopilotModel[], interactive: boolean): Promise<string> {
  const initial = defaultPick(models);
  if (!interactive) return initial;
  const { autocomplete, isCancel } = await import("@clack/prompts");
  const picked = await autocomplete({
    message: "Copilot model (type to search)",
    options: models.map((m) => ({
      value: m.id,
      label: m.id,
      hint: [m.name, m.vendor].filter(Boolean).join(" · ") || undefined,
    })),
    initialValue: initial,
    maxItems: 8,
    output: process.stderr,
  });
  if (isCancel(picked)) unwrap(fail("interrupted", "setup cancelled; nothing was written"));
  return picked as string;
}

function report(s: SetupSummary): void {
  const verb = s.dry_run ? "would be " : "";
  for (const f of s.files) {
    if (s.dry_run && f.diff) out(f.diff.trimEnd());
    else if (!s.dry_run) out(`${f.action.padEnd(9)} ${f.path}`);
  }
  const changed = s.files.filter((f) => f.action !== "unchanged").length;
  log.info(`${s.runtime}: ${plural(changed, "file")} ${verb}changed, ${s.files.length - changed} unchanged`);
  for (const n of s.notes) log.info(n);
}

export default defineCommand({
  meta: { name: "setup", description: "Register Ouroboros with an agent CLI (MCP server, skills, config)" },
  args: {
    runtime: { type: "string", alias: "r", description: `agent CLI: ${RUNTIME_NAMES.join(", ")}` },
    "dry-run": { type: "boolean", description: "print a unified diff per file; write nothing" },
    uninstall: { type: "boolean", description: "remove only what setup added" },
    json: { type: "boolean", description: "machine summary on stdout" },
    model: { type: "string", description: "copilot: use this model, skip the picker" },
    "non-interactive": { type: "boolean", description: "never prompt (implied without a terminal)" },
    "opencode-mode": { type: "string", description: "opencode: plugin (default) or subprocess" },
    "mcp-mode": { type: "string", description: "codex: auto (default), stdio (replace a user entry) or preserve" },
  },
  async run({ args }) {
    const interactive = !args["non-interactive"] && !args.json && Boolean(process.stdin.isTTY && process.stderr.isTTY);
    const asked = args.runtime ? String(args.runtime) : await pickRuntime(interactive);
    const runtime = builtinRuntime(asked) ?? asked;
    if (!isRuntimeName(runtime)) {
      const declared = canonicalRuntime(asked) ? findDescriptor(asked.trim().toLowerCase()) : null;
      if (declared)
        return unwrap(declared.ok ? setupRefusal(declared.value.name, declared.value.declaredIn ?? "") : declared);
      return unwrap(
        fail("badArgs", `unknown runtime '${asked}'`, { hint: `choose one of: ${RUNTIME_NAMES.join(", ")}` }),
      );
    }
    const opencodeMode = String(args["opencode-mode"] ?? "plugin");
    if (opencodeMode !== "plugin" && opencodeMode !== "subprocess")
      return unwrap(fail("badArgs", `--opencode-mode must be plugin or subprocess (got '${opencodeMode}')`));
    const mcpMode = String(args["mcp-mode"] ?? "auto");
    if (mcpMode === "http")
      return unwrap(
        fail("badArgs", "--mcp-mode http is not supported: `ouroboros mcp serve` speaks stdio", {
          hint: "use auto, stdio or preserve",
        }),
      );
    if (!(MCP_MODES as readonly string[]).includes(mcpMode))
      return unwrap(fail("badArgs", `--mcp-mode must be one of ${MCP_MODES.join(", ")} (got '${mcpMode}')`));

    let config;
    if (args.model && runtime !== "copilot") log.warn(`--model only applies to copilot; ignored for ${runtime}`);
    if (runtime === "copilot" && !args.uninstall) {
      let model = args.model ? String(args.model).trim() : "";
      if (!model) {
        const found = await discoverCopilotModels(process.env);
        if (found.warning) log.warn(found.warning);
        model = await chooseModel(found.models, interactive);
      }
      config = modelConfig(model);
    }
    const summary = unwrap(
      runSetup(
        {
          runtime,
          uninstall: Boolean(args.uninstall),
          dryRun: Boolean(args["dry-run"]),
          opencodeMode,
          mcpMode: mcpMode as (typeof MCP_MODES)[number],
          config,
        },
        process.env,
      ),
    );
    if (args.json) outJson("setup", { ...summary });
    else report(summary);
    return exitCode(EXIT.ok);
  },
});
