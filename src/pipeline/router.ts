/**
 * PAL Router scoring: a pure function of task size, tool count and depth.
 * complexity = 0.30·min(tokens/4000,1) + 0.30·min(tools/5,1) + 0.40·min(depth/5,1)
 */
import type { Tier } from "../config/schema.ts";

export interface RouteInput {
  tokens: number;
  tools: number;
  depth: number;
}
export interface Route {
  score: number;
  tier: Tier;
  breakdown: { tokens: number; tools: number; depth: number };
}

const r4 = (x: number) => Math.round(x * 10000) / 10000;

export function route({ tokens, tools, depth }: RouteInput): Route {
  const breakdown = {
    tokens: r4(0.3 * Math.min(tokens / 4000, 1)),
    tools: r4(0.3 * Math.min(tools / 5, 1)),
    depth: r4(0.4 * Math.min(depth / 5, 1)),
  };
  const score = r4(breakdown.tokens + breakdown.tools + breakdown.depth);
  const tier: Tier = score < 0.4 ? "frugal" : score < 0.7 ? "standard" : "frontier";
  return { score, tier, breakdown };
}

/** Tools an AC needs: distinct executables named in its verify command (shell separators split). */
export function toolsOf(verifyCommand: string | null): number {
  if (!verifyCommand) return 0;
  const heads = verifyCommand
    .split(/&&|\|\||[|;]/)
    .map((part) => part.trim().split(/\s+/)[0] ?? "")
    .filter((h) => h && !/^\w+=/.test(h));
  return new Set(heads).size;
}

export function routeAc(ac: { description: string; verify_command: string | null; depth: number }): Route {
  const chars = ac.description.length + (ac.verify_command?.length ?? 0);
  return route({ tokens: Math.ceil(chars / 4), tools: toolsOf(ac.verify_command), depth: ac.depth });
}
