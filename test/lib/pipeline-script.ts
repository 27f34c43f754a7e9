/**
 * A scripted model for whole pipeline runs through a real agent CLI: it answers each pipeline
 * prompt kind (found by its marker) the way a competent model would, and in the develop step it
 * calls the CLI's own shell tool to write the files the criterion expects. Used by the e2e tests
 * and the README demo (`serve.ts --scenario pipeline`); it is a script, not a model.
 */
import type { MockReply, ModelRequest } from "./mock-model/types.ts";

/** File contents the scripted model writes, by file name; anything else gets a generic line. */
const SOLUTIONS: Record<string, string> = {
  "greet.py":
    'import sys\n\n\ndef greet(name):\n    return f"Hello, {name}!"\n\n\nif __name__ == "__main__":\n    print(greet(sys.argv[1] if len(sys.argv) > 1 else "World"))\n',
  "test_greet.py":
    'import unittest\n\nfrom greet import greet\n\n\nclass GreetTest(unittest.TestCase):\n    def test_greet(self):\n        self.assertEqual(greet("World"), "Hello, World!")\n\n\nif __name__ == "__main__":\n    unittest.main()\n',
};

const has = (t: string, marker: string) => t.includes(`[ouroboros:${marker}]`);

function writeFiles(files: string[]): string {
  return files
    .map((f) => {
      const content = SOLUTIONS[f.split("/").pop()!] ?? `created by the scripted model for ${f}\n`;
      const dir = f.includes("/") ? `mkdir -p '${f.slice(0, f.lastIndexOf("/"))}' && ` : "";
      return `${dir}echo ${Buffer.from(content).toString("base64")} | base64 -d > '${f}'`;
    })
    .concat("echo DEVELOP_WROTE")
    .join(" && ");
}

/** This develop turn already wrote (a resumed session also carries earlier turns' tool results). */
const wrote = (req: ModelRequest) => req.toolResults.some((r) => r.includes("DEVELOP_WROTE"));

export function pipelineScript(req: ModelRequest): MockReply {
  const t = req.lastUserText;
  if (has(t, "decompose")) {
    const ids = [...t.matchAll(/^- (\S+) \(depth \d+\): /gm)].map((m) => m[1]);
    // Batched prompt: one decision per id; a single-criterion prompt (older builds): the bare word.
    return {
      text: ids.length ? JSON.stringify({ decisions: Object.fromEntries(ids.map((id) => [id, "ATOMIC"])) }) : "ATOMIC",
    };
  }
  if (has(t, "develop")) {
    if (wrote(req)) return { text: "Implemented the change." };
    const files =
      /Files that must exist afterwards: (.*)/
        .exec(t)?.[1]
        ?.split(", ")
        .map((s) => s.trim()) ?? [];
    return files.length ? { shell: writeFiles(files) } : { text: "Nothing to write for this criterion." };
  }
  if (has(t, "deliver")) return { text: '{"commands":[{"command":"ls","exit_code":0}],"artifacts":[]}' };
  if (has(t, "judge")) {
    const principles = [...t.matchAll(/^- ([^:\n]+): /gm)].map((m) => m[1]!.trim());
    return {
      text: JSON.stringify({
        ac_compliance: true,
        score: 0.9,
        principles: Object.fromEntries(principles.map((p) => [p, 0.9])),
        reward_hacking_risk: 0.05,
        uncertainty: 0.1,
        drift_score: 0.05,
        reasoning: "The evidence shows the criterion is met.",
      }),
    };
  }
  if (has(t, "vote")) return { text: '{"approved": true, "confidence": 0.8, "reasoning": "evidence is consistent"}' };
  if (has(t, "reflect")) return { text: '{"refined": [], "ontology": {}}' };
  if (has(t, "exit-judge")) return { text: "NO, not yet." };
  if (has(t, "discover"))
    return {
      text: "Relevant files: none yet (greenfield). Risks: none. Plan: write the files named by the criterion and check them.",
    };
  if (has(t, "define")) return { text: "Plan: create the files, verify by running the check." };
  return { text: "MOCK_OK" };
}

/**
 * Personas: the scripted model misbehaving in one way each, for the verdict tests.
 * - no_format: does the work, never follows an output format (prose only); its judge answers JSON.
 * - prose_judge: a competent worker; the judge never returns JSON.
 * - liar: writes nothing and claims success with an evidence JSON; a gullible judge approves.
 * - read_only_writer: writes a file during a read-only turn (discover/define), then works normally.
 * - never_satisfied: a competent worker whose judge always rejects (for budgets to fire).
 */
export const PERSONAS = [
  "competent",
  "no_format",
  "prose_judge",
  "liar",
  "read_only_writer",
  "never_satisfied",
] as const;
export type Persona = (typeof PERSONAS)[number];

export function pipelinePersona(persona: Persona): (req: ModelRequest) => MockReply {
  return (req) => {
    const t = req.lastUserText;
    switch (persona) {
      case "no_format":
        if (has(t, "judge")) return pipelineScript(req);
        if (has(t, "develop") && !wrote(req)) return pipelineScript(req);
        return { text: "Sure thing! I took care of it, everything should be fine now." };
      case "prose_judge":
        return has(t, "judge") ? { text: "Honestly it looks great to me, nice work overall." } : pipelineScript(req);
      case "liar":
        if (has(t, "develop"))
          return {
            text: '{"commands":[{"command":"python3 greet.py World","exit_code":0}],"artifacts":["greet.py"]}\nAll checks pass.',
          };
        if (has(t, "judge"))
          return {
            text: JSON.stringify({
              ac_compliance: true,
              score: 1,
              reward_hacking_risk: 0,
              uncertainty: 0,
              drift_score: 0,
              reasoning: "The report says it passed.",
            }),
          };
        return pipelineScript(req);
      case "read_only_writer":
        if (t.includes("read-only: do not write files") && !req.hasToolResult)
          return { shell: "echo sneaky > sneaky.txt", text: "" };
        return pipelineScript(req);
      case "never_satisfied":
        return has(t, "judge")
          ? { text: JSON.stringify({ ac_compliance: false, score: 0.1, reasoning: "not good enough" }) }
          : pipelineScript(req);
      case "competent":
        return pipelineScript(req);
    }
  };
}
