/**
 * Environment for running a real agent CLI against the loopback mock model (spec runtimes.md §6):
 * a fresh temp HOME per call (or one shared HOME per CLI per test process: `{ shared: true }`) plus
 * each CLI's base-URL/key/config settings.
 *
 *   const mock = await startMockModel();
 *   const ce = cliEnv("codex", mock.url);   // { env, home, cleanup }
 *   Bun.spawn([...], { env: ce.env });  ...  ce.cleanup();
 *
 * `env` is complete (PATH and locale copied from this process); nothing else leaks in.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export type CliName = "claude" | "codex" | "opencode" | "gemini" | "copilot";
export const MOCK_API_KEY = "mock-key-not-secret";
export const MOCK_MODEL = "mock-model";
/**
 * codex gives an MCP server 10 s to start, then carries on without its tools: on a loaded machine
 * `ouroboros mcp serve` can take longer. Pass these args to a codex that must see our tools.
 */
export const CODEX_SLOW_MCP_START = ["-c", "mcp_servers.ouroboros.startup_timeout_sec=300"];

export interface CliEnv {
  env: Record<string, string>;
  home: string;
  /** Remove the temp HOME. */
  cleanup(): void;
}

export interface CliEnvOptions {
  /** Use this directory as HOME instead of a fresh temp dir (it is not removed by cleanup). */
  home?: string;
  /**
   * Use this CLI's one shared HOME for the whole test process (removed when the process is gone):
   * the CLI's first-run work (caches, its own databases, plugin installs) happens once per
   * process, not in every test. For tests that do not inspect or need a pristine HOME.
   */
  shared?: boolean;
  /** Model name the CLI asks for (default per CLI). */
  model?: string;
}

function baseEnv(home: string): Record<string, string> {
  const env: Record<string, string> = {
    HOME: home,
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    LANG: process.env.LANG ?? "C.UTF-8",
    TMPDIR: join(home, "tmp"),
    XDG_CONFIG_HOME: join(home, ".config"),
    XDG_DATA_HOME: join(home, ".local", "share"),
    XDG_CACHE_HOME: join(home, ".cache"),
    XDG_STATE_HOME: join(home, ".local", "state"),
    NO_COLOR: "1",
    CI: "1",
  };
  for (const d of [env.TMPDIR!, env.XDG_CONFIG_HOME!, env.XDG_DATA_HOME!, env.XDG_CACHE_HOME!, env.XDG_STATE_HOME!])
    mkdirSync(d, { recursive: true });
  return env;
}

const codexToml = (url: string, model: string) => `model = "${model}"
model_provider = "mock"
approval_policy = "never"

[model_providers.mock]
name = "mock"
base_url = "${url}/v1"
wire_api = "responses"
env_key = "MOCK_API_KEY"
request_max_retries = 0
stream_max_retries = 0
stream_idle_timeout_ms = 300000

[features]
plugins = false
remote_plugin = false
apps = false

[analytics]
enabled = false
`;

/** Build the env (and config files under the temp HOME) for one CLI talking to `mockUrl`. */
/**
 * One HOME per CLI per test process, at a path named by the pid: `bun test` gives every test file
 * a fresh module registry (and, with --parallel, runs files in several processes), so the path,
 * not a module variable, is what lets the files of one process share it while parallel processes
 * never do. `bun test` emits no "exit" event: a detached shell removes the HOMEs once the process is gone.
 */
function sharedHome(cli: CliName): string {
  const home = join(tmpdir(), `ouro-${cli}-shared-home-${process.pid}`);
  if (!existsSync(home)) {
    mkdirSync(home, { recursive: true });
    removeWhenGone(process.pid, home);
  }
  return home;
}

/**
 * GNU tail waits for the pid without starting a process per check (a `sleep` loop costs a fork and
 * an exec a second, for as long as the test process lives); elsewhere the loop does.
 */
function removeWhenGone(owner: number, dir: string): void {
  const script = `tail --pid=${owner} -f /dev/null 2>/dev/null || while kill -0 ${owner} 2>/dev/null; do sleep 1; done
rm -rf '${dir}'`;
  Bun.spawn(["sh", "-c", script], { stdio: ["ignore", "ignore", "ignore"] }).unref();
}

export function cliEnv(cli: CliName, mockUrl: string, opts: CliEnvOptions = {}): CliEnv {
  const home = opts.home ?? (opts.shared ? sharedHome(cli) : mkdtempSync(join(tmpdir(), `ouro-${cli}-home-`)));
  const env = baseEnv(home);
  const model = opts.model;
  switch (cli) {
    case "claude":
      Object.assign(env, {
        ANTHROPIC_BASE_URL: mockUrl,
        ANTHROPIC_API_KEY: MOCK_API_KEY,
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
        CLAUDE_CODE_MAX_RETRIES: "0",
        // How long claude waits for an MCP server to start (default 30 s; a loaded machine needs longer).
        MCP_TIMEOUT: "300000",
        DISABLE_AUTOUPDATER: "1",
        DISABLE_TELEMETRY: "1",
        IS_SANDBOX: "1",
      });
      break;
    case "codex": {
      const codexHome = join(home, ".codex");
      mkdirSync(codexHome, { recursive: true });
      writeFileSync(join(codexHome, "config.toml"), codexToml(mockUrl, model ?? MOCK_MODEL));
      Object.assign(env, { CODEX_HOME: codexHome, MOCK_API_KEY });
      break;
    }
    case "opencode":
      Object.assign(env, {
        OPENCODE_CONFIG_CONTENT: JSON.stringify({
          $schema: "https://opencode.ai/config.json",
          provider: {
            mock: {
              npm: "@ai-sdk/openai-compatible",
              name: "mock",
              options: { baseURL: `${mockUrl}/v1`, apiKey: MOCK_API_KEY },
              models: { [model ?? MOCK_MODEL]: { name: "mock" } },
            },
          },
          model: `mock/${model ?? MOCK_MODEL}`,
          autoupdate: false,
          share: "disabled",
        }),
        OPENCODE_DISABLE_MODELS_FETCH: "1",
        OPENCODE_DISABLE_AUTOUPDATE: "1",
        OPENCODE_DISABLE_LSP_DOWNLOAD: "1",
      });
      break;
    case "gemini": {
      const dir = join(home, ".gemini");
      mkdirSync(dir, { recursive: true });
      writeFileSync(
        join(dir, "settings.json"),
        JSON.stringify({
          security: { auth: { selectedType: "gemini-api-key" } },
          privacy: { usageStatisticsEnabled: false },
          general: { disableAutoUpdate: true },
        }),
      );
      Object.assign(env, { GEMINI_API_KEY: MOCK_API_KEY, GOOGLE_GEMINI_BASE_URL: mockUrl });
      break;
    }
    case "copilot":
      Object.assign(env, {
        COPILOT_PROVIDER_BASE_URL: `${mockUrl}/v1`,
        COPILOT_PROVIDER_API_KEY: MOCK_API_KEY,
        COPILOT_PROVIDER_TYPE: "openai",
        COPILOT_MODEL: model ?? MOCK_MODEL,
        COPILOT_OFFLINE: "true",
      });
      break;
  }
  return {
    env,
    home,
    cleanup() {
      if (!opts.home && !opts.shared) rmSync(home, { recursive: true, force: true });
    },
  };
}
