/** Claude Code adapter: descriptor + argv builder + stream-json parser + setup plan. */
import type { RuntimeAdapter } from "../../src/adapter-kit/adapter.ts";
import { buildInvocation } from "./argv.ts";
import { descriptor } from "./descriptor.ts";
import { createParser } from "./parser.ts";
import { setup } from "./setup.ts";

export const adapter: RuntimeAdapter = {
  descriptor,
  buildInvocation,
  createParser: (task) => createParser(task.cwd),
  setup,
};
export default adapter;
