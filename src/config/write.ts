/**
 * `config set`: edit the YAML document in place (comments survive), validate the whole file
 * against the schema, then write atomically keeping a .bak. A value that would not load is refused.
 * A symlinked config.yaml stays a symlink: the write goes to the file it points to.
 */
import { copyFileSync, existsSync, lstatSync, readlinkSync, statSync } from "node:fs";
import { writeFileAtomic } from "../util/write-file-atomic.ts";
import { dirname, resolve } from "node:path";
import { fail, ok, type Result } from "../errors.ts";
import { parseDocument } from "yaml";
import { configProblem, configSchemaProblems, coerceLike, getPath, parseConfigText, readConfigText } from "./load.ts";
import { paths } from "./paths.ts";
import { defaultConfig } from "./schema.ts";

/** The file a (chain of) symlink(s) finally names, even when that file does not exist yet. */
export function linkTarget(file: string): Result<string> {
  let cur = resolve(file);
  for (let hops = 0; hops < 40; hops++) {
    let st;
    try {
      st = lstatSync(cur);
    } catch {
      return ok(cur);
    }
    if (!st.isSymbolicLink()) return ok(cur);
    cur = resolve(dirname(cur), readlinkSync(cur));
  }
  return fail("config", `${file}: too many levels of symbolic links`);
}

export function setConfigValue(
  key: string,
  raw: string,
  file = process.env.OUROBOROS_CONFIG || paths.config(),
): Result<{ key: string; value: unknown; file: string }> {
  const example = getPath(defaultConfig(), key);
  if (example === undefined || key.split(".").length !== 2) {
    return fail("badArgs", `unknown config key '${key}'`, { hint: "`ouroboros config show` lists keys" });
  }
  const value = coerceLike(example, raw);
  const target = linkTarget(file);
  if (!target.ok) return target;
  const read = readConfigText(file);
  if (!read.ok) return read;
  const parsed = parseConfigText(file, read.value.text);
  if (!parsed.ok) return parsed;
  // Problems elsewhere in the file are the file's, not this key's: refuse without blaming the value.
  const before = configSchemaProblems(parsed.value.source, parsed.value.raw).filter(
    (p) => p.path !== key && !p.path.startsWith(`${key}.`),
  );
  if (before.length) return configProblem(before[0]!, { hint: "fix that line by hand first; nothing was changed" });
  // Edited as YAML 1.2 (already checked above as 1.1): 1.2 writes new sections as plain maps, not !!omap.
  const edited = parseDocument(read.value.text);
  if (!edited.contents) edited.contents = edited.createNode({}) as unknown as typeof edited.contents;
  edited.setIn(key.split("."), value);
  const after = configSchemaProblems(null, edited.toJS({ maxAliasCount: 100 }) ?? {});
  if (after.length) return fail("badArgs", `${key}: ${after[0]!.message} (got ${JSON.stringify(value)})`);
  try {
    const mode = existsSync(target.value) ? statSync(target.value).mode & 0o777 : 0o600;
    if (existsSync(target.value)) copyFileSync(target.value, `${target.value}.bak`);
    writeFileAtomic(target.value, edited.toString(), mode);
  } catch (e) {
    return fail("config", `cannot write ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, {
      hint: "nothing was changed",
    });
  }
  return ok({ key, value, file });
}
