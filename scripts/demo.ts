/**
 * The README's main job: run the example seed with the compiled binary, offline.
 * Uses the pinned agent CLIs from node_modules/.bin.
 */
import { join, resolve } from "node:path";

const root = resolve(import.meta.dir, "..");
const env = { ...process.env, PATH: `${join(root, "node_modules/.bin")}:${process.env.PATH ?? ""}` };
const seed = join(root, "examples/hello-cli.yaml");
const proc = Bun.spawnSync([join(root, "dist/ouroboros"), "run", "workflow", seed, "--dry-run", "--runtime", "claude"], { env, stdout: "inherit", stderr: "inherit" });
process.exit(proc.exitCode ?? 1);
