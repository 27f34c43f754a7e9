/** Named, scripted behaviours of the mock model (pick one with startMockModel({scenario})). */
import type { MockReply, MockScript, ModelRequest } from "./types.ts";

export const SCENARIOS = ["plain", "tool_write", "http_500", "stall", "malformed"] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

/** Text the plain scenario answers and the file the tool scenario writes. */
export const MOCK_TEXT = "MOCK_OK";
export const MOCK_DONE_TEXT = "MOCK_DONE";
export const MOCK_FILE = "mock_created.txt";
export const MOCK_FILE_CONTENT = "MOCK_FILE";

/** Helper requests (routing, next-speaker checks) ask for JSON; give them a harmless object. */
export const jsonHelper = (r: ModelRequest): MockReply | null =>
  r.wantsJson
    ? {
        text: JSON.stringify({
          next_speaker: "user",
          reasoning: "mock",
          model_choice: "flash",
          complexity_score: 1,
          complexity_reasoning: "mock",
        }),
      }
    : null;

export function scenarioScript(name: ScenarioName, text = MOCK_TEXT): MockScript {
  switch (name) {
    case "plain":
      return (r) => jsonHelper(r) ?? { text };
    case "tool_write":
      return (r) =>
        jsonHelper(r) ??
        (r.hasToolResult || r.tools.length === 0
          ? { text: MOCK_DONE_TEXT }
          : { shell: `echo ${MOCK_FILE_CONTENT} > ${MOCK_FILE}` });
    case "http_500":
      return () => ({ status: 500, message: "mock internal error" });
    case "stall":
      return (r) => jsonHelper(r) ?? { stall: true };
    case "malformed":
      return (r) => jsonHelper(r) ?? { malformed: true };
  }
}

export function isScenario(s: string): s is ScenarioName {
  return (SCENARIOS as readonly string[]).includes(s);
}
