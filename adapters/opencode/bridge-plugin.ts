/**
 * The OpenCode bridge plugin written by `setup --runtime opencode` in plugin mode (spec §2.3):
 * when an Ouroboros MCP tool answers with a delegation envelope (`_subagent` / `_subagents`), the
 * plugin starts native OpenCode child sessions for them. Shipped as text: the binary is
 * self-contained and OpenCode loads the file itself.
 */
import { MANAGED_MARK } from "../../src/setup/edits.ts";

export const BRIDGE_PLUGIN = `// ${MANAGED_MARK}: written by \`ouroboros setup --runtime opencode\` (plugin mode); replaced on the next setup.
// Turns Ouroboros MCP delegation envelopes into native OpenCode child sessions.

type Envelope = { tool_name?: string; title?: string; agent?: string; prompt?: string; model?: string };

function envelopes(text: unknown): Envelope[] {
  if (typeof text !== "string") return [];
  let data: any;
  try {
    data = JSON.parse(text);
  } catch {
    return [];
  }
  const holder = data?.meta ?? data?._meta ?? data;
  const many = holder?._subagents ?? data?._subagents;
  const one = holder?._subagent ?? data?._subagent;
  return Array.isArray(many) ? many : one ? [one] : [];
}

export const OuroborosBridge = async ({ client }: { client: any }) => ({
  "tool.execute.after": async (input: { tool: string; sessionID: string }, output: { output?: unknown }) => {
    if (!String(input.tool).startsWith("ouroboros_")) return;
    for (const job of envelopes(output.output)) {
      if (!job.prompt) continue;
      const child = await client.session.create({ body: { parentID: input.sessionID, title: job.title ?? job.tool_name ?? "ouroboros" } });
      const id = child?.data?.id ?? child?.id;
      if (!id) continue;
      const [providerID, ...rest] = (job.model ?? "").split("/");
      await client.session.prompt({
        path: { id },
        body: { agent: job.agent ?? "general", parts: [{ type: "text", text: job.prompt }], ...(rest.length ? { model: { providerID, modelID: rest.join("/") } } : {}) },
      });
    }
  },
});
`;
