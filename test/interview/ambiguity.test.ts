import { describe, expect, test } from "bun:test";
import * as v from "valibot";
import {
  computeAmbiguity,
  describeAmbiguity,
  milestone,
  notReadyReason,
  ScoreReplySchema,
} from "../../src/interview/ambiguity.ts";

const reply = (g: number, c: number, s: number, x?: number) =>
  v.parse(ScoreReplySchema, {
    goal_clarity_score: g,
    constraint_clarity_score: c,
    success_criteria_clarity_score: s,
    ...(x !== undefined ? { context_clarity_score: x } : {}),
  });

describe("ambiguity = round(1 − Σ wᵢ·clarityᵢ, 4)", () => {
  test("greenfield (0.9, 0.8, 0.8) → 1 − (0.36 + 0.24 + 0.24) = 0.16, ready", () => {
    const a = computeAmbiguity(reply(0.9, 0.8, 0.8), false);
    expect(a.ambiguity_score).toBe(0.16);
    expect(a.ready).toBe(true);
    expect(a.unmet).toEqual([]);
    expect(a.breakdown.map((b) => b.weight)).toEqual([0.4, 0.3, 0.3]);
  });

  test("greenfield (0.70, 0.9, 0.9) → 0.18 but goal below its 0.75 floor: not ready", () => {
    const a = computeAmbiguity(reply(0.7, 0.9, 0.9), false);
    expect(a.ambiguity_score).toBe(0.18);
    expect(a.ready).toBe(false);
    expect(a.unmet).toEqual(["Goal Clarity 0.70 < 0.75"]);
    expect(notReadyReason(a)).toBe("ambiguity 0.18 meets the threshold 0.20, but Goal Clarity 0.70 < 0.75");
  });

  test("greenfield (0.5, 0.5, 0.5) → 0.5, three unmet floors, milestone initial", () => {
    const a = computeAmbiguity(reply(0.5, 0.5, 0.5), false);
    expect(a.ambiguity_score).toBe(0.5);
    expect(a.unmet).toHaveLength(3);
    expect(a.milestone).toBe("initial");
  });

  test("brownfield weights 0.35/0.25/0.25/0.15: (0.8, 0.7, 0.8, 0.6) → 1 − (0.28 + 0.175 + 0.2 + 0.09) = 0.255", () => {
    const a = computeAmbiguity(reply(0.8, 0.7, 0.8, 0.6), true);
    expect(a.ambiguity_score).toBe(0.255);
    expect(a.ready).toBe(false);
    expect(a.milestone).toBe("refined");
    expect(a.unmet).toEqual([]);
  });

  test("brownfield reply without context drops its weight: sum 0.85, ambiguity ≥ 0.15, floor 'missing'", () => {
    const a = computeAmbiguity(reply(1, 1, 1), true);
    expect(a.ambiguity_score).toBe(0.15);
    expect(a.ready).toBe(false);
    expect(a.unmet).toEqual(["Context Clarity missing"]);
  });

  test("the configured threshold is honoured", () => {
    expect(computeAmbiguity(reply(0.9, 0.8, 0.8), false, 0.1).ready).toBe(false);
    expect(computeAmbiguity(reply(0.9, 0.8, 0.8), false, 0.3).ready).toBe(true);
  });

  test("clarity is clamped to [0, 1]; NaN, Infinity and strings are malformed", () => {
    expect(computeAmbiguity(reply(1.4, -0.2, 1), false).ambiguity_score).toBe(0.3);
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, "0.5"]) {
      expect(
        v.safeParse(ScoreReplySchema, {
          goal_clarity_score: bad,
          constraint_clarity_score: 0.5,
          success_criteria_clarity_score: 0.5,
        }).success,
      ).toBe(false);
    }
  });

  test("milestones: > 0.4 initial, ≤ 0.4 progress, ≤ 0.3 refined, ≤ 0.2 ready", () => {
    expect([0.41, 0.4, 0.3, 0.2].map(milestone)).toEqual(["initial", "progress", "refined", "ready"]);
  });

  test("progress line names each dimension and marks unmet floors", () => {
    const line = describeAmbiguity(computeAmbiguity(reply(0.7, 0.9, 0.9), false));
    expect(line).toContain("Ambiguity 0.18");
    expect(line).toContain("Goal 0.70✗");
    expect(line).toContain("≤ 0.20");
  });
});
