/**
 * The interview in a real terminal (tmux): the compiled binary is driven with typed answers,
 * /back, arrow keys in the not-ready menu, Ctrl-C (progress saved, exit 0) and `init resume`.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cliArgv, tempHome } from "../lib/cli.ts";
import { interviewScript } from "../lib/interview-script.ts";
import { startMockModel, type MockModel } from "../lib/mock-model/index.ts";
import { Tmux } from "../lib/tmux.ts";

const q = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;
let mock: MockModel;
let cwd: string;
let t: Tmux | null = null;
beforeAll(async () => {
  mock = await startMockModel({ script: interviewScript() });
  cwd = mkdtempSync(join(tmpdir(), "ouro-pty-"));
});
afterAll(() => mock.stop());
afterEach(() => {
  t?.kill();
  t = null;
});

function start(home: string, args: string[]): Tmux {
  const term = new Tmux("interview");
  const cmd = [...cliArgv(), ...args].map(q).join(" ");
  term.start(`cd ${q(cwd)}; ${cmd}; echo "EXITED $?"; sleep 60`, 110, 40, {
    OUROBOROS_HOME: home,
    OPENAI_API_KEY: "k",
    OPENAI_BASE_URL: `${mock.url}/v1`,
    OUROBOROS_LLM_BACKEND: "openai",
    NO_COLOR: "1",
    CI: "",
  });
  t = term;
  return term;
}
const answer = async (term: Tmux, round: number, text: string) => {
  // ◆ marks the active prompt (◇ a submitted one): typing before it shows would be lost.
  await term.waitFor(`◆  Round ${round} · Question ${round}`, 10_000);
  term.keys(text, "Enter");
};
const onlyInterview = (home: string) =>
  readdirSync(join(home, "data"))[0]!
    .replace(/^interview_/, "")
    .replace(/\.json$/, "");
const stateOf = (home: string, id: string) =>
  JSON.parse(readFileSync(join(home, "data", `interview_${id}.json`), "utf8")) as {
    status: string;
    rounds: { user_response: string }[];
    seed_path: string | null;
  };

describe("init start in a terminal", () => {
  test("answers, /back, the score as progress, arrow keys to generate anyway, a valid seed", async () => {
    const home = tempHome();
    const term = start(home, ["init", "start", "greet people"]);
    await answer(term, 1, "who: any user");
    await term.waitFor("Answer 1 recorded · ambiguity is scored from round 3");
    await answer(term, 2, "wrong answer");
    await answer(term, 3, "/back");
    await term.waitFor("Went back: answer 2 removed");
    await answer(term, 2, "python only");
    await answer(term, 3, "prints Hello");
    await term.waitFor(/Ambiguity 0\.18 .*Goal 0\.70✗/, 10_000);
    await answer(term, 4, "/done");
    await term.waitFor("Not ready for a seed: ambiguity 0.18 meets the threshold 0.20, but Goal Clarity 0.70 < 0.75");
    term.keys("Down", "Enter"); // "Generate the seed anyway"
    await term.waitFor("Start the workflow now?", 10_000);
    term.keys("Enter"); // default: no
    const { screen } = await term.waitFor("EXITED 0", 10_000);
    const id = onlyInterview(home);
    const s = stateOf(home, id);
    expect(s.seed_path && existsSync(s.seed_path)).toBe(true);
    expect(screen.replace(/\n/g, "")).toContain(s.seed_path!); // printed on stdout
    expect(s.status).toBe("completed");
    expect(s.rounds.map((r) => r.user_response)).toEqual(["who: any user", "python only", "prints Hello"]);
  }, 60_000);

  test("Ctrl-C saves progress and exits 0; init resume asks the same question again and finishes", async () => {
    const home = tempHome();
    const term = start(home, ["init", "start", "greet people"]);
    await answer(term, 1, "first");
    await term.waitFor("Round 2 · Question 2", 10_000);
    term.keys("C-c");
    const { screen } = await term.waitFor("EXITED 0", 10_000);
    expect(screen).toContain("Interview interrupted. Progress has been saved.");
    const id = /Interview (interview_\w+)/.exec(screen)![1]!;
    expect(stateOf(home, id).rounds).toHaveLength(1);
    term.kill();

    const seen = mock.modelRequests().length;
    const again = start(home, ["init", "resume", id]);
    await answer(again, 2, "second");
    // The round-2 question was asked before Ctrl-C: resume shows it from the log, no new call.
    const reasked = mock
      .modelRequests()
      .slice(seen)
      .filter((r) => r.allText.join("").includes("Round 2."));
    expect(reasked).toHaveLength(0);
    await answer(again, 3, "third");
    await answer(again, 4, "fourth");
    await again.waitFor("proceed to seed generation?", 10_000);
    again.keys("Enter");
    await again.waitFor("Start the workflow now?", 10_000);
    again.keys("Enter");
    await again.waitFor("EXITED 0", 10_000);
    const s = stateOf(home, id);
    expect(s.status).toBe("completed");
    expect(s.rounds.map((r) => r.user_response)).toEqual(["first", "second", "third", "fourth"]);
    expect(s.seed_path && existsSync(s.seed_path)).toBe(true);
  }, 60_000);
});
