/**
 * Deterministic generator of malformed seeds (no randomness: the same list on every CI pass).
 * Each case is a file body plus the field the one-line error must name ("" = the file itself).
 *
 *   for (const c of hostileSeeds()) writeFileSync(join(dir, c.file), c.body);
 */
import { stringify } from "yaml";

export interface HostileSeed {
  /** File name, unique per case. */
  file: string;
  /** What the case does, for test output. */
  name: string;
  body: string | Uint8Array;
  /** Dotted field the error must name (prefix match); "" for file-level problems. */
  field: string;
}

type SeedObj = Record<string, unknown>;

/** A valid seed every mutation starts from (the suite checks it is valid). */
export function baseSeed(): SeedObj {
  return {
    goal: "Build a tiny greeter",
    constraints: ["standard library only"],
    acceptance_criteria: [
      {
        description: "greet.py prints a greeting",
        verify_command: "python3 greet.py World",
        expected_artifacts: ["greet.py"],
      },
      { description: "the tests pass", verify_command: "python3 -m unittest test_greet.py", depends_on: [1] },
      { description: "the file lists it", verify_command: "grep greet README.md" },
      { description: "looks friendly", verify_exemption_reason: "a human judges the tone" },
    ],
    ontology_schema: {
      name: "Greeter",
      description: "greets",
      fields: [{ name: "name", type: "string", description: "who" }],
    },
    evaluation_principles: [
      { name: "correctness", description: "exact output", weight: 0.6 },
      { name: "simplicity", description: "short code", weight: 0.4 },
    ],
    exit_conditions: [{ name: "done", description: "all passed", criteria: "all_acs_passed" }],
    metadata: { seed_id: "seed_hostile0001" },
  };
}

/** Commands no seed may run: shell operators, absolute or escaping executables, names off the allowlist, bad quoting. */
export const BAD_COMMANDS = [
  "python3 a.py && rm -rf /",
  "pytest -q || true",
  "cat notes.txt | grep x",
  "echo a; echo b",
  "echo a > out.txt",
  "cat < in.txt",
  "echo `id`",
  "echo $(id)",
  "/usr/bin/touch x",
  "/bin/sh -c id",
  "~/bin/tool",
  "C:\\tools\\x.exe",
  "../python3",
  "../../../../tmp/x/python3 arg",
  "./../x",
  "a/../../x",
  "sub/../../../bin/sh",
  "..",
  "..\\..\\x.exe",
  "rm -rf .",
  "curl http://127.0.0.1/",
  "wget x",
  "sh -c id",
  "bash -c id",
  "zsh x",
  "env",
  "sudo true",
  "nc -l 1",
  "chmod 777 .",
  "dd if=x of=y",
  "ssh host",
  "scp a b",
  "perl -e 1",
  "awk 1",
  "sed -n 1p",
  "xargs",
  "find .",
  "tee x",
  "printenv",
  "docker ps",
  "kill 1",
  'python3 "unclosed',
  "python3 'unclosed",
];

/** Malformed exit-condition predicates (a known keyword with a bad tail). */
export const BAD_PREDICATES = [
  "score >= high",
  "score >= 2",
  "score > 0.5",
  "score",
  "score >= ",
  "score >= 0.5 and more",
  "generations >= 1.5",
  "generations >= -1",
  "generations",
  "elapsed_seconds >= 1.2",
  "elapsed_seconds",
  "cost_usd >= abc",
  "cost_usd",
  "cost_usd <= 5",
  "command:",
  "command",
  "all_acs_passed now",
  "all_acs_passed >= 1",
  "generations >= 1e3",
  "score >= .5",
];

/** Field-level type and value mutations: [field path named by the error, mutate]. */
function schemaMutations(): [string, string, (s: SeedObj) => void][] {
  const acs = (s: SeedObj) => s.acceptance_criteria as SeedObj[];
  const set = (path: string, value: unknown) => (s: SeedObj) => {
    const keys = path.split(".");
    let o: Record<string, unknown> = s;
    for (const k of keys.slice(0, -1)) o = o[k] as Record<string, unknown>;
    o[keys.at(-1)!] = value;
  };
  const del = (path: string) => (s: SeedObj) => {
    const keys = path.split(".");
    let o: Record<string, unknown> = s;
    for (const k of keys.slice(0, -1)) o = o[k] as Record<string, unknown>;
    delete o[keys.at(-1)!];
  };
  const out: [string, string, (s: SeedObj) => void][] = [];
  const values = (field: string, vals: unknown[]) => {
    for (const [i, val] of vals.entries()) out.push([`${field} = ${JSON.stringify(val)}#${i}`, field, set(field, val)]);
  };
  values("goal", [null, [], {}, 42, "", true, ["a"]]);
  out.push(["goal missing", "goal", del("goal")]);
  values("constraints", ["one string", { a: 1 }, 7, [1], [{}]]);
  values("acceptance_criteria", ["text", { a: 1 }, 42, [42], [[]], [null]]);
  values("acceptance_criteria.0.description", [[], {}, 5]);
  values("acceptance_criteria.0.expected_artifacts", [
    ["/etc/passwd"],
    ["../outside.txt"],
    ["a\\b.txt"],
    ["CON"],
    ["trailing. "],
    ["a\u0001b"],
    ["what?.txt"],
    ["a:b"],
    ["lpt1.txt"],
    [42],
    42,
    ["."],
    ["a/../../b"],
  ]);
  values("acceptance_criteria.0.investment", [
    "hard",
    { difficulty: "huge" },
    { stakes: 1 },
    { provenance: "guessed" },
    { confidence: "total" },
  ]);
  values("acceptance_criteria.0.semantic_ac_key", ["ac_xyz", 12, "ac_0123456789abcdeg"]);
  values("acceptance_criteria.0.verify_command", [["a"], { cmd: "x" }, 42, "python3 a.py\nrm -rf /"]);
  values("acceptance_criteria.1.depends_on", [[99], [0], ["ac_nope"], "1", [-1], [1.5], [2]]);
  out.push([
    "dependency cycle",
    "acceptance_criteria",
    (s) => {
      acs(s)[0]!.depends_on = [2];
      acs(s)[1]!.depends_on = [1];
    },
  ]);
  out.push([
    "output_assertion without verify_command",
    "acceptance_criteria.3.output_assertion",
    (s) => (acs(s)[3]!.output_assertion = "Hello"),
  ]);
  out.push([
    "exemption with verify_command",
    "acceptance_criteria.0.verify_exemption_reason",
    (s) => (acs(s)[0]!.verify_exemption_reason = "because"),
  ]);
  values("ontology_schema", [
    null,
    "x",
    {},
    { name: "n" },
    { name: "n", description: "d", fields: "x" },
    { name: "n", description: "d", fields: [{ name: "f" }] },
    [1],
  ]);
  out.push(["ontology_schema missing", "ontology_schema", del("ontology_schema")]);
  values("evaluation_principles", ["x", [{}], [{ name: "a" }], [42]]);
  values("evaluation_principles.0.weight", [-1, 2, "heavy", "", null, [0.5]]);
  out.push([
    "all weights zero",
    "evaluation_principles",
    (s) => {
      for (const p of s.evaluation_principles as SeedObj[]) p.weight = 0;
    },
  ]);
  values("exit_conditions", ["x", [{}], [{ name: "e" }], [42]]);
  values("exit_conditions.0.criteria", [42, null, []]);
  values("metadata", [null, "x", 42, []]);
  out.push(["metadata missing", "metadata", del("metadata")]);
  values("metadata.ambiguity_score", [5, -1, "high"]);
  values("brownfield_context", [
    [],
    "x",
    { context_references: [{}] },
    { context_references: [{ path: 1, role: "primary" }] },
    { existing_patterns: "x" },
  ]);
  values("conductor_directive", ["scalar", 42]);
  values("orchestrator", [
    [],
    "x",
    { max_decomposition_depth: -1 },
    { max_decomposition_depth: "deep" },
    { execution_mode: "turbo" },
  ]);
  return out;
}

/** File-level damage: nothing parses far enough to name a field. */
function fileCases(): { name: string; body: string | Uint8Array }[] {
  const valid = stringify(baseSeed());
  return [
    { name: "empty", body: "" },
    { name: "comments only", body: "# nothing here\n# at all\n" },
    { name: "binary", body: new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 3]) },
    { name: "invalid utf-8", body: new Uint8Array([0x67, 0x6f, 0x61, 0x6c, 0x3a, 0x20, 0xff, 0xfe]) },
    { name: "top-level list", body: "- a\n- b\n" },
    { name: "top-level scalar", body: "just a string\n" },
    { name: "two documents", body: `${valid}---\n${valid}` },
    {
      name: "alias bomb",
      body: `a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n${valid}`,
    },
    { name: "syntax error", body: "goal: [unclosed\n" },
    { name: "tab indentation", body: "goal: g\nmetadata:\n\tseed_id: x\n" },
    { name: "over 1 MB", body: `${valid}# ${"x".repeat(1_100_000)}\n` },
    { name: "NUL inside text", body: `goal: "a\u0000b"\n` },
  ];
}

export function hostileSeeds(): HostileSeed[] {
  const cases: HostileSeed[] = [];
  const add = (name: string, body: string | Uint8Array, field: string) =>
    cases.push({ file: `h${String(cases.length).padStart(3, "0")}.yaml`, name, body, field });
  const mutated = (f: (s: SeedObj) => void) => {
    const s = baseSeed();
    f(s);
    return stringify(s);
  };
  for (const cmd of BAD_COMMANDS) {
    for (const i of [0, 1, 2])
      add(
        `verify_command '${cmd}' on AC ${i}`,
        mutated((s) => ((s.acceptance_criteria as SeedObj[])[i]!.verify_command = cmd)),
        `acceptance_criteria.${i}.verify_command`,
      );
    add(
      `exit condition command: ${cmd}`,
      mutated((s) =>
        (s.exit_conditions as SeedObj[]).push({ name: "cmd", description: "d", criteria: `command: ${cmd}` }),
      ),
      "exit_conditions.1.criteria",
    );
  }
  for (const p of BAD_PREDICATES)
    add(
      `predicate '${p}'`,
      mutated((s) => (s.exit_conditions as SeedObj[]).push({ name: "bad", description: "d", criteria: p })),
      "exit_conditions.1.criteria",
    );
  for (const [name, field, f] of schemaMutations()) add(name, mutated(f), field);
  for (const c of fileCases()) add(c.name, c.body, "");
  return cases;
}
