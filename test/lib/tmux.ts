/**
 * A private tmux server (own socket) for terminal tests: start a command in a pane of a given
 * size, send keys, read the screen, and wait for text with a deadline instead of fixed sleeps.
 */
import { rmSync } from "node:fs";
import { join } from "node:path";

export class Tmux {
  readonly socket: string;
  constructor(name: string) {
    this.socket = `ouro-${name}-${process.pid}-${Math.floor(Math.random() * 1e6)}`;
  }

  private run(args: string[]): string {
    const r = Bun.spawnSync(["tmux", "-L", this.socket, ...args], { stdout: "pipe", stderr: "pipe" });
    if (r.exitCode !== 0) throw new Error(`tmux ${args[0]}: ${r.stderr.toString().trim()}`);
    return r.stdout.toString();
  }

  /** Run `shell` (a sh command line) in a fresh session of width×height. */
  start(shell: string, width = 80, height = 24, env: Record<string, string> = {}): void {
    const exports = Object.entries(env)
      .map(([k, v]) => `export ${k}='${v.replace(/'/g, "'\\''")}';`)
      .join(" ");
    this.run([
      "-f",
      "/dev/null",
      "new-session",
      "-d",
      "-s",
      "t",
      "-x",
      String(width),
      "-y",
      String(height),
      `${exports} ${shell}`,
    ]);
    this.run(["set-option", "-t", "t", "remain-on-exit", "on"]);
  }

  /** The visible screen; with `history`, also lines scrolled off the top; `joined` undoes tmux's wrapping. */
  screen(history = false, joined = false): string {
    return this.run(["capture-pane", "-p", "-t", "t", ...(history ? ["-S", "-1000"] : []), ...(joined ? ["-J"] : [])]);
  }

  /** True while the program in the pane uses the alternate screen. */
  alternate(): boolean {
    return this.run(["display-message", "-p", "-t", "t", "#{alternate_on}"]).trim() === "1";
  }

  keys(...keys: string[]): void {
    for (const k of keys) this.run(["send-keys", "-t", "t", k]);
  }

  resize(width: number, height: number): void {
    this.run(["resize-window", "-t", "t", "-x", String(width), "-y", String(height)]);
  }

  /** Poll the screen until `want` matches; returns the screen and how long it took. */
  async waitFor(
    want: string | RegExp | ((screen: string) => boolean),
    timeoutMs = 5000,
    history = false,
  ): Promise<{ screen: string; ms: number }> {
    const t0 = performance.now();
    const test =
      typeof want === "function" ? want : (s: string) => (typeof want === "string" ? s.includes(want) : want.test(s));
    let screen = "";
    while (performance.now() - t0 < timeoutMs) {
      screen = this.screen(history);
      if (test(screen)) return { screen, ms: performance.now() - t0 };
      await Bun.sleep(15);
    }
    throw new Error(`timed out after ${timeoutMs} ms waiting for ${String(want)}; screen:\n${screen}`);
  }

  /** Stop the server and remove its socket file (tmux leaves it behind). */
  kill(): void {
    Bun.spawnSync(["tmux", "-L", this.socket, "kill-server"], { stdout: "ignore", stderr: "ignore" });
    rmSync(join(process.env.TMUX_TMPDIR || "/tmp", `tmux-${process.getuid?.() ?? 0}`, this.socket), { force: true });
  }
}
