/** `ouroboros config show|get|set`: values with their source; `set` is schema-checked and atomic. */
import { defineCommand } from "citty";
import { EXIT, unwrap } from "../../errors.ts";
import { flatten, getPath, loadConfig } from "../../config/load.ts";
import { setConfigValue } from "../../config/write.ts";
import { exitCode, out, outJson, table } from "../output.ts";

const show = defineCommand({
  meta: { name: "show", description: "Show every setting with its source (default, config or env)" },
  args: { section: { type: "positional", required: false }, json: { type: "boolean" } },
  run({ args }) {
    const loaded = unwrap(loadConfig());
    const flat = flatten(loaded.config);
    const keys = Object.keys(flat).filter((k) => !args.section || k.startsWith(`${args.section}.`));
    if (args.json)
      outJson("config", {
        file: loaded.file,
        exists: loaded.fileExists,
        values: Object.fromEntries(keys.map((k) => [k, { value: flat[k], source: loaded.sources[k] ?? "config" }])),
      });
    else
      out(
        table(
          ["key", "value", "source"],
          keys.map((k) => [k, JSON.stringify(flat[k]), loaded.sources[k] ?? "config"]),
          { whole: ["key"] },
        ),
      );
    return exitCode(EXIT.ok);
  },
});

const get = defineCommand({
  meta: { name: "get", description: "Print one setting's value" },
  args: { key: { type: "positional", required: true }, json: { type: "boolean" } },
  run({ args }) {
    const loaded = unwrap(loadConfig());
    const value = getPath(loaded.config, String(args.key));
    if (value === undefined)
      unwrap({
        ok: false,
        error: {
          kind: "badArgs",
          message: `unknown config key '${args.key}'`,
          hint: "`ouroboros config show` lists keys",
        },
      });
    if (args.json)
      outJson("config-value", { key: args.key, value, source: loaded.sources[String(args.key)] ?? "config" });
    else out(typeof value === "string" ? value : JSON.stringify(value));
    return exitCode(EXIT.ok);
  },
});

const set = defineCommand({
  meta: { name: "set", description: "Set one setting (validated; the previous file is kept as config.yaml.bak)" },
  args: {
    key: { type: "positional", required: true },
    value: { type: "positional", required: true },
    json: { type: "boolean" },
  },
  run({ args }) {
    const r = unwrap(setConfigValue(String(args.key), String(args.value)));
    if (args.json) outJson("config-set", { ...r });
    else out(`${r.key} = ${JSON.stringify(r.value)}`);
    return exitCode(EXIT.ok);
  },
});

export default defineCommand({
  meta: { name: "config", description: "Show, read and change ~/.ouroboros/config.yaml" },
  subCommands: { show, get, set },
});
