/**
 * `config set`: edit the YAML document in place (comments survive), validate the whole file
 * against the schema, then write atomically keeping a .bak. A value that would not load is refused.
 */
import { copyFileSync, existsSync, readFileSync } from "node:fs";
import * as v from "valibot";
import { parseDocument } from "yaml";
import { fail, ok, type Result } from "../errors.ts";
import { writeFileAtomic } from "../util/write-file-atomic.ts";
import { coerceLike, getPath } from "./load.ts";
import { paths } from "./paths.ts";
import { ConfigSchema, defaultConfig } from "./schema.ts";

export function setConfigValue(key: string, raw: string, file = process.env.OUROBOROS_CONFIG || paths.config()): Result<{ key: string; value: unknown; file: string }> {
  const example = getPath(defaultConfig(), key);
  if (example === undefined || key.split(".").length !== 2) {
    return fail("badArgs", `unknown config key '${key}'`, { hint: "`ouroboros config show` lists keys" });
  }
  const value = coerceLike(example, raw);
  const text = existsSync(file) ? readFileSync(file, "utf8") : "";
  const doc = parseDocument(text);
  if (doc.errors.length) return fail("config", `${file}: ${doc.errors[0]!.message.split("\n")[0]}`, { hint: "fix the file by hand first" });
  if (!doc.contents) doc.contents = doc.createNode({}) as unknown as typeof doc.contents;
  doc.setIn(key.split("."), value);
  const checked = v.safeParse(ConfigSchema, doc.toJS() ?? {});
  if (!checked.success) {
    const i = checked.issues[0];
    return fail("badArgs", `${key}: ${i.message} (got ${JSON.stringify(value)})`);
  }
  if (existsSync(file)) copyFileSync(file, `${file}.bak`);
  writeFileAtomic(file, doc.toString());
  return ok({ key, value, file });
}
