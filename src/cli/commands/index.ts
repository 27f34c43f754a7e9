/**
 * The command tree. Each command lives in its own file; adding one is one line here.
 * Loaded lazily so `--help` and small commands do not pay for the big ones.
 */
import type { SubCommandsDef } from "citty";

export const commands: SubCommandsDef = {
  seed: () => import("./seed.ts").then((m) => m.default),
  run: () => import("./run.ts").then((m) => m.default),
  events: () => import("./events.ts").then((m) => m.default),
  status: () => import("./status.ts").then((m) => m.default),
  config: () => import("./config.ts").then((m) => m.default),
};
