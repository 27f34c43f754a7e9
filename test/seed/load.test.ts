import { describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fixture, ROOT } from "../lib/cli.ts";
import { loadSeedFile } from "../../src/seed/load.ts";
import { formatProblem } from "../../src/util/problems.ts";
import { within } from "../lib/timing.ts";

const lines = (file: string) => loadSeedFile(file).errors.map((p) => `${p.line}:${p.col} ${p.path} ${p.message}`);

describe("seed loading", () => {
  test("the example seed is valid and normalised", () => {
    const r = loadSeedFile(join(ROOT, "examples/hello-cli.yaml"));
    expect(r.errors).toEqual([]);
    expect(r.seed!.acceptance_criteria).toHaveLength(2);
    expect(r.seed!.acceptance_criteria[1]!.depends_on).toEqual([1]);
    expect(r.seed!.evaluation_principles.map((p) => p.weight)).toEqual([0.7, 0.3]);
  });

  test("every problem is reported at once with exact line and column", () => {
    expect(lines(fixture("seeds/invalid-many.yaml"))).toEqual([
      "1:7 goal expected a string",
      "5:23 acceptance_criteria.0.output_assertion output_assertion requires verify_command",
      "6:5 acceptance_criteria.1.description required field is missing",
      "7:25 acceptance_criteria.1.expected_artifacts expected_artifacts entries must be portable workspace-relative paths: '/etc/passwd': absolute paths are not allowed",
      "10:30 acceptance_criteria.2.verify_exemption_reason verify_exemption_reason is mutually exclusive with verify_command",
      "11:1 ontology_schema.description required field is missing",
      "14:7 ontology_schema.fields.0.type required field is missing",
      "19:13 evaluation_principles.0.weight must be between 0 and 1",
      "21:5 exit_conditions.0.criteria required field is missing",
    ]);
  });

  test("a near-miss key is a warning naming the intended key", () => {
    const w = loadSeedFile(fixture("seeds/invalid-many.yaml")).warnings.map(formatProblem);
    expect(
      w.some((x) => x.includes(":2:1  acceptance_critera  unknown key; did you mean 'acceptance_criteria'?")),
    ).toBe(true);
  });

  test("upstream input shapes: bare strings, aliases, lax numbers, dates, extra keys", () => {
    const r = loadSeedFile(fixture("seeds/upstream-forms.yaml"));
    expect(r.errors).toEqual([]);
    const s = r.seed!;
    expect(s.acceptance_criteria.map((a) => a.semantic_ac_key).slice(0, 2)).toEqual([
      "ac_051d1d09e0a583a2",
      "ac_5c553d124b291281",
    ]);
    expect(s.acceptance_criteria[2]!.verify_command).toBeNull();
    expect(s.acceptance_criteria[2]!.expected_artifacts).toEqual(["a.txt", "b/c.txt"]);
    expect(s.acceptance_criteria[2]!.description).toBe("uses the criterion alias");
    expect(s.ontology_schema.fields[0]!.type).toBe("string");
    expect(s.evaluation_principles[0]).toEqual({ name: "principle_1", description: "Keep it simple", weight: 1 });
    expect(s.evaluation_principles[1]!.weight).toBe(0.3);
    expect(s.exit_conditions[0]).toEqual({
      name: "condition_1",
      description: "all_acs_passed",
      criteria: "all_acs_passed",
    });
    expect(s.exit_conditions[1]!.criteria).toBe("score >= 0.9");
    expect(s.metadata.created_at).toBe("2026-01-01T00:00:00.000Z");
    expect(s.metadata.ambiguity_score).toBe(0.1);
    expect(s.metadata.seed_id).toMatch(/^seed_[0-9a-f]{12}$/);
    expect(s.extra).toEqual({ custom_extension: { kept: true } });
  });
});

describe("hostile files end as one-line problems", () => {
  const dir = mkdtempSync(join(tmpdir(), "seed-hostile-"));
  const cases: [string, () => string, string][] = [
    ["missing", () => join(dir, "nope.yaml"), "file.missing"],
    ["directory", () => (mkdirSync(join(dir, "d"), { recursive: true }), join(dir, "d")), "file.directory"],
    ["empty", () => (writeFileSync(join(dir, "e.yaml"), ""), join(dir, "e.yaml")), "file.empty"],
    [
      "binary",
      () => (writeFileSync(join(dir, "b.yaml"), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2])), join(dir, "b.yaml")),
      "file.binary",
    ],
    [
      "bad utf-8",
      () => (writeFileSync(join(dir, "u.yaml"), Buffer.from([0x67, 0x6f, 0xff, 0xfe])), join(dir, "u.yaml")),
      "file.encoding",
    ],
    [
      "50 MB",
      () => (writeFileSync(join(dir, "big.yaml"), Buffer.alloc(50 * 1024 * 1024, 0x61)), join(dir, "big.yaml")),
      "file.too_large",
    ],
    ["alias bomb", () => fixture("seeds/bomb.yaml"), "yaml.alias_bomb"],
    ["two documents", () => fixture("seeds/multi.yaml"), "yaml.multi_document"],
    ["comments only", () => fixture("seeds/comments-only.yaml"), "yaml.empty"],
    ["a list", () => (writeFileSync(join(dir, "l.yaml"), "- a\n- b\n"), join(dir, "l.yaml")), "seed.not_mapping"],
    [
      "syntax error",
      () => (writeFileSync(join(dir, "s.yaml"), "goal: [unclosed\n"), join(dir, "s.yaml")),
      "yaml.syntax",
    ],
  ];
  for (const [name, make, code] of cases) {
    test(name, () => {
      const started = performance.now();
      const r = loadSeedFile(make());
      expect(r.errors.map((e) => e.code)).toEqual([code]);
      expect(r.errors[0]!.message).not.toContain("\n");
      expect(performance.now() - started).toBeLessThan(within(5000));
    });
  }
});
