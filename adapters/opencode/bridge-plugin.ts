/**
 * The OpenCode bridge plugin written by `setup --runtime opencode` in plugin mode.
 * When an Ouroboros MCP tool answers with a delegation envelope (`meta._subagent` /
 * `meta._subagents`), the plugin runs each as a native child session of the calling session
 * (OpenCode 1.18 fires `tool.execute.after` for MCP tools, with the result under `content`) and
 * writes the child's answer to the envelope's `reply_file`, where the server picks it up when
 * the tool is called again (src/llm/plugin.ts). Shipped as text: OpenCode loads the file itself.
 */
import { MANAGED_MARK } from "../../src/setup/edits.ts";

export const BRIDGE_PLUGIN = `// ${MANAGED_MARK}: written by \`ouroboros setup --runtime opencode\` (plugin mode); replaced on the next setup.
// Runs Ouroboros MCP delegation envelopes as native OpenCode child sessions and hands the answers back.
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

type Envelope = { tool_name?: string; title?: string; agent?: string; prompt?: string; model?: string; context?: { request_id?: string; reply_file?: string } };

function texts(output: any): string[] {
  if (typeof output?.output === "string") return [output.output];
  return Array.isArray(output?.content) ? output.content.filter((c: any) => c?.type === "text").map((c: any) => String(c.text)) : [];
}

function envelopes(text: string): Envelope[] {
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

// Answers go only where the server asked: <ouroboros data>/subagent/<request id>.json.
const REPLY = /[\\\\/]subagent[\\\\/]([0-9a-f]{8,64})\\.json$/;

export const OuroborosBridge = async ({ client }: { client: any }) => ({
  "tool.execute.after": async (input: { tool: string; sessionID: string }, output: any) => {
    if (!/(^|_)ouroboros_/.test(String(input.tool))) return;
    const notes: string[] = [];
    for (const job of texts(output).flatMap(envelopes)) {
      const file = job.context?.reply_file ?? "";
      const id = REPLY.exec(file)?.[1];
      if (!job.prompt || !id || id !== job.context?.request_id) continue;
      try {
        const child = await client.session.create({ body: { parentID: input.sessionID, title: job.title ?? job.tool_name ?? "ouroboros" } });
        const childId = child?.data?.id ?? child?.id;
        if (!childId) continue;
        const [providerID, ...rest] = (job.model ?? "").split("/");
        const r = await client.session.prompt({
          path: { id: childId },
          body: { agent: job.agent ?? "general", parts: [{ type: "text", text: job.prompt }], ...(rest.length ? { model: { providerID, modelID: rest.join("/") } } : {}) },
        });
        const parts = r?.data?.parts ?? r?.parts ?? [];
        const text = parts.filter((p: any) => p?.type === "text").map((p: any) => String(p.text)).join("\\n").trim();
        if (!text) continue;
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(\`\${file}.tmp\`, JSON.stringify({ request_id: id, text, session_id: childId }));
        renameSync(\`\${file}.tmp\`, file);
        notes.push(\`ouroboros bridge: child session \${childId} answered request \${id}; call \${job.tool_name ?? "the tool"} again to continue.\`);
      } catch (e) {
        notes.push(\`ouroboros bridge: request \${id} failed: \${e instanceof Error ? e.message : String(e)}\`);
      }
    }
    if (notes.length && Array.isArray(output?.content)) output.content.push({ type: "text", text: notes.join("\\n") });
  },
});
`;
