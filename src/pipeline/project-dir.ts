/**
 * Where a run works: --project-dir > seed metadata.project_dir |
 * working_directory (relative to the seed, must stay inside its base) > brownfield target_dir >
 * a `<root>/.ouroboros/seeds/` ancestor (never $HOME) > the seed's folder.
 */
import { accessSync, constants, statSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, isAbsolute, relative, resolve, sep } from "node:path";
import { fail, ok, type Result } from "../errors.ts";
import type { Seed } from "../seed/schema.ts";

export interface ProjectDir {
  path: string;
  source:
    | "flag"
    | "seed.metadata.project_dir"
    | "seed.metadata.working_directory"
    | "seed.brownfield_context.target_dir"
    | "seed_store_root"
    | "seed_folder";
}

const inside = (base: string, p: string) => {
  const rel = relative(base, p);
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
};

export function resolveProjectDir(seedFile: string, seed: Seed, flag: string | undefined): Result<ProjectDir> {
  const seedDir = dirname(resolve(seedFile));
  let choice: ProjectDir | null = flag ? { path: resolve(flag), source: "flag" } : null;
  const fromSeed: [string | undefined, ProjectDir["source"]][] = [
    [seed.metadata.project_dir, "seed.metadata.project_dir"],
    [seed.metadata.working_directory, "seed.metadata.working_directory"],
    [seed.brownfield_context.target_dir, "seed.brownfield_context.target_dir"],
  ];
  for (const [p, source] of fromSeed) {
    if (choice || !p) continue;
    const abs = resolve(seedDir, p);
    if (!inside(seedDir, abs)) return fail("invalidData", `${source} '${p}' escapes the seed's folder ${seedDir}`);
    choice = { path: abs, source };
  }
  if (!choice) {
    const marker = `${sep}.ouroboros${sep}seeds`;
    const idx = seedDir.lastIndexOf(marker);
    const root = idx > 0 && seedDir.endsWith(marker) ? seedDir.slice(0, idx) : null;
    choice =
      root && resolve(root) !== resolve(homedir())
        ? { path: root, source: "seed_store_root" }
        : { path: seedDir, source: "seed_folder" };
  }
  try {
    if (!statSync(choice.path).isDirectory())
      return fail("badArgs", `project directory ${choice.path} is not a directory`);
    accessSync(choice.path, constants.W_OK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return fail(
      "badArgs",
      `project directory ${choice.path} ${code === "ENOENT" ? "does not exist" : "is not writable"} (from ${choice.source})`,
    );
  }
  return ok(choice);
}
