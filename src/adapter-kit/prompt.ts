/**
 * Prompt composition for runtimes without native system-prompt or tool-restriction support
 *: the instructions travel inside the prompt text.
 */

/** Tools used when a task says null. */
export const DEFAULT_TOOLS = ["Read", "Write", "Edit", "Bash", "Glob", "Grep"] as const;

/** Codex style: XML-ish wrappers; a bare prompt stays unchanged. */
export function composeTagged(prompt: string, systemPrompt: string | null, tools: string[] | null): string {
  const parts: string[] = [];
  if (systemPrompt) parts.push(`<system-directive>\n${systemPrompt}\n</system-directive>`);
  if (tools !== null) parts.push(`<tooling-guidance>\n${toolLine(tools)}\n</tooling-guidance>`);
  return parts.length ? `${parts.join("\n\n")}\n\n${prompt}` : prompt;
}

/** OpenCode/Hermes/Gemini style: markdown sections. */
export function composeSections(prompt: string, systemPrompt: string | null, tools: string[] | null): string {
  const parts: string[] = [];
  if (systemPrompt) parts.push(`## System Instructions\n${systemPrompt}`);
  if (tools !== null) parts.push(`## Tooling Guidance\n${toolLine(tools)}`);
  return parts.length ? `${parts.join("\n\n")}\n\n${prompt}` : prompt;
}

/** Kiro style: <system> plus a hard tool line. */
export function composeKiro(prompt: string, systemPrompt: string | null, tools: string[] | null): string {
  const parts: string[] = [];
  if (systemPrompt) parts.push(`<system>\n${systemPrompt}\n</system>`);
  if (tools !== null)
    parts.push(tools.length ? `You may use ONLY these tools: ${tools.join(", ")}.` : "You MUST NOT use any tools.");
  return parts.length ? `${parts.join("\n\n")}\n\n${prompt}` : prompt;
}

function toolLine(tools: string[]): string {
  return tools.length
    ? `Use only these tools: ${tools.join(", ")}.`
    : "Do not use any tools; answer from the conversation alone.";
}

/** Linux caps one argv string at 128 KiB; prompts above this go through stdin where possible. */
export const MAX_ARG_PROMPT = 100_000;
