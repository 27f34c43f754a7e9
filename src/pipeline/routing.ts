/**
 * PAL Router tier tracking: escalate after consecutive failures, step down after a run of
 * successes; task patterns with Jaccard word similarity ≥ 0.80 share one history.
 */
import type { Tier } from "../config/schema.ts";

const TIERS: Tier[] = ["frugal", "standard", "frontier"];
const words = (s: string) =>
  new Set(
    s
      .toLowerCase()
      .replace(/[^a-z0-9 ]+/g, " ")
      .split(/\s+/)
      .filter(Boolean),
  );
export function jaccard(a: string, b: string): number {
  const x = words(a);
  const y = words(b);
  if (!x.size && !y.size) return 1;
  let inter = 0;
  for (const w of x) if (y.has(w)) inter++;
  return inter / (x.size + y.size - inter);
}

interface History {
  key: string;
  tier: Tier;
  failures: number;
  successes: number;
}

export type TierChange = { kind: "escalated" | "downgraded" | "stagnation"; from: Tier; to: Tier } | null;

export class TierTracker {
  private readonly patterns: History[] = [];
  constructor(
    private readonly escalateAfter = 2,
    private readonly downgradeAfter = 5,
  ) {}

  private history(text: string, initial: Tier): History {
    const found = this.patterns.find((p) => jaccard(p.key, text) >= 0.8);
    if (found) return found;
    const h = { key: text, tier: initial, failures: 0, successes: 0 };
    this.patterns.push(h);
    return h;
  }

  /** The tier to use now for this task text, given the router's initial pick. */
  tierFor(text: string, initial: Tier): Tier {
    return this.history(text, initial).tier;
  }

  record(text: string, initial: Tier, success: boolean): TierChange {
    const h = this.history(text, initial);
    const i = TIERS.indexOf(h.tier);
    if (success) {
      h.failures = 0;
      h.successes++;
      if (h.successes >= this.downgradeAfter && i > 0) {
        h.successes = 0;
        h.tier = TIERS[i - 1]!;
        return { kind: "downgraded", from: TIERS[i]!, to: h.tier };
      }
      return null;
    }
    h.successes = 0;
    h.failures++;
    if (h.failures < this.escalateAfter) return null;
    h.failures = 0;
    if (i === TIERS.length - 1) return { kind: "stagnation", from: h.tier, to: h.tier };
    h.tier = TIERS[i + 1]!;
    return { kind: "escalated", from: TIERS[i]!, to: h.tier };
  }
}
