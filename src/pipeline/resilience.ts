/**
 * Resilience: the four stagnation patterns over an AC's attempt history, and the lateral-thinking
 * persona chosen for the pattern.
 */
export interface Attempt {
  outputHash: string;
  errorSignature: string | null;
  drift: number | null;
}
export type Pattern = "spinning" | "oscillation" | "no_drift" | "diminishing_returns";
export type Persona = "hacker" | "researcher" | "simplifier" | "architect" | "contrarian";

export function detectStagnation(h: readonly Attempt[]): Pattern | null {
  const last = (n: number) => h.slice(-n);
  if (h.length >= 3) {
    const l3 = last(3);
    if (l3.every((a) => a.outputHash === l3[0]!.outputHash)) return "spinning";
    if (l3[0]!.errorSignature && l3.every((a) => a.errorSignature === l3[0]!.errorSignature)) return "spinning";
  }
  if (h.length >= 4) {
    const [a, b, c, d] = last(4).map((x) => x.outputHash);
    if (a === c && b === d && a !== b) return "oscillation";
  }
  const drifts = h.map((a) => a.drift).filter((x): x is number => x !== null);
  if (drifts.length >= 3) {
    const [x, y, z] = drifts.slice(-3) as [number, number, number];
    if (Math.abs(y - x) < 0.01 && Math.abs(z - y) < 0.01) return "no_drift";
  }
  if (drifts.length >= 4) {
    const d = drifts.slice(-4);
    const gains = [d[1]! - d[0]!, d[2]! - d[1]!, d[3]! - d[2]!];
    if (gains.every((g) => g < 0.01)) return "diminishing_returns";
  }
  return null;
}

const AFFINITY: Record<Persona, Pattern[]> = {
  hacker: ["spinning"],
  researcher: ["no_drift", "diminishing_returns"],
  simplifier: ["diminishing_returns", "oscillation"],
  architect: ["oscillation", "no_drift"],
  contrarian: ["spinning", "oscillation", "no_drift", "diminishing_returns"],
};
/** Priority order. */
export const PERSONAS: readonly Persona[] = ["hacker", "researcher", "simplifier", "architect", "contrarian"];
export const PATTERNS: readonly Pattern[] = ["spinning", "oscillation", "no_drift", "diminishing_returns"];

/** The first unused persona with affinity for the pattern, else the first unused one. */
export function choosePersona(pattern: Pattern, used: readonly Persona[]): Persona | null {
  const fresh = PERSONAS.filter((p) => !used.includes(p));
  return fresh.find((p) => AFFINITY[p].includes(pattern)) ?? fresh[0] ?? null;
}

const DIRECTIVES: Record<Persona, string> = {
  hacker:
    "Stop repeating the same approach. Find the smallest unconventional change that makes the check pass for real; question an assumption you have not questioned.",
  researcher:
    "Gather facts before changing code: read the failing output, the relevant files and the exact requirement, then change only what the evidence points to.",
  simplifier:
    "Remove complexity. Aim for the simplest implementation that satisfies the criterion; delete what is not needed.",
  architect:
    "Step back and restructure: the current shape keeps flipping between two states. Choose one design and make it consistent.",
  contrarian:
    "Assume the current interpretation of the criterion is wrong. Re-read it literally and test the opposite assumption.",
};

export const lateralDirective = (p: Persona, pattern: Pattern) =>
  `Lateral-thinking directive (${p}, pattern: ${pattern}): ${DIRECTIVES[p]}`;
