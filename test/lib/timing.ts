/**
 * Latency bounds that hold on a busy machine. A product contract such as "exits within 2 s" is
 * asserted as `within(2000)`: the bound itself on an idle machine, stretched by how overloaded the
 * machine is right now (1-minute load average per core, at most 10×), so a test fails for a slow
 * product, not for a neighbour's build.
 */
import { cpus, loadavg } from "node:os";

export function loadFactor(): number {
  return Math.min(10, Math.max(1, loadavg()[0]! / Math.max(1, cpus().length)));
}

/** Whole milliseconds: Bun.spawn and setTimeout-style options want an integer. */
export const within = (ms: number): number => Math.ceil(ms * loadFactor());
