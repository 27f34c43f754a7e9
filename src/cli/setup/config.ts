/**
 * The config.yaml part of setup, computed in memory like the host files: set our keys in the YAML
 * document (comments survive), validate the whole file against the schema, return the new text.
 */
import * as v from "valibot";
import { parseDocument } from "yaml";
import { fail, ok, type Result } from "../../errors.ts";
import { ConfigSchema, defaultConfig } from "../../config/schema.ts";
import { getPath } from "../../config/load.ts";

export interface ConfigEdit {
  /** Set unconditionally. */
  set: Record<string, string>;
  /** Set only where absent or still the shipped default (Copilot model fields). */
  fill?: Record<string, string>;
}

export function planConfig(file: string, text: string | null, edit: ConfigEdit): Result<string | null> {
  const doc = parseDocument(text ?? "");
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    return fail(
      "config",
      `${file}:${e.linePos?.[0].line ?? 1}:${e.linePos?.[0].col ?? 1}: ${e.message.split("\n")[0]}`,
      { hint: "fix the file by hand first; nothing was written" },
    );
  }
  if (!doc.contents) doc.contents = doc.createNode({}) as unknown as typeof doc.contents;
  const defaults = defaultConfig();
  let changed = false;
  const put = (key: string, value: string) => {
    const path = key.split(".");
    if (doc.getIn(path) === value) return;
    doc.setIn(path, value);
    changed = true;
  };
  for (const [k, val] of Object.entries(edit.set)) put(k, val);
  for (const [k, val] of Object.entries(edit.fill ?? {})) {
    const cur = doc.getIn(k.split("."));
    if (cur === undefined || cur === getPath(defaults, k)) put(k, val);
  }
  if (!changed) return ok(text);
  const checked = v.safeParse(ConfigSchema, doc.toJS() ?? {});
  if (!checked.success) {
    const i = checked.issues[0];
    return fail("config", `${file}: ${i.path?.map((p) => String(p.key)).join(".") ?? ""}: ${i.message}`, {
      hint: "fix the file by hand first; nothing was written",
    });
  }
  return ok(doc.toString());
}
