/**
 * Loaded before every test file (bunfig.toml [test] preload). Where `python3` on PATH is a pyenv
 * shim, the interpreter it resolves to goes first on PATH for this test process and everything it
 * starts: the shim decides the version anew on every call (a dozen bash processes, about 0.3 s of
 * CPU each time), and the hello-cli seed that many tests run verifies with python3 twice per run.
 * The same interpreter runs either way; elsewhere this does nothing.
 */
import { dirname } from "node:path";

const onPath = Bun.which("python3");
if (onPath?.includes("/.pyenv/shims/")) {
  const r = Bun.spawnSync([onPath, "-c", "import sys; print(sys.executable)"], { stderr: "ignore" });
  const real = r.exitCode === 0 ? r.stdout.toString().trim() : "";
  if (real.startsWith("/") && !real.includes("/shims/"))
    process.env.PATH = `${dirname(real)}:${process.env.PATH ?? ""}`;
}
