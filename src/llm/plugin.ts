/**
 * OpenCode plugin mode (`orchestrator.opencode_mode: plugin`). Inside an OpenCode session
 * the authoring tools do not call a model themselves: each completion they need is handed to the
 * OpenCode bridge plugin as a `_subagent` envelope, which runs it as a native child session of
 * the calling session and writes the child's answer to `reply_file`. The caller then repeats the
 * tool call; the same request (same messages → same request id) now finds its answer and the
 * tool proceeds, recording what it learnt in the event log as usual. Answers are kept, so a
 * repeated call replays deterministically instead of asking again.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import * as v from "valibot";
import { fail, ok, type OuroError } from "../errors.ts";
import { type EventType, type PayloadWithout, withFilled } from "../events/catalogue.ts";
import type { EventBackend } from "../events/backend.ts";
import type { ChatMessage, CompleteOptions, Llm } from "./types.ts";

/** What the bridge plugin receives under `meta._subagent`. */
export interface Subagent {
  tool_name: string;
  title: string;
  agent: "general";
  prompt: string;
  context: { request_id: string; reply_file: string };
}

const ReplySchema = v.object({ request_id: v.string(), text: v.pipe(v.string(), v.minLength(1)) });

/** The gate: backend opencode/opencode_cli AND mode exactly "plugin"; anything else runs in-process. */
export function shouldDispatchViaPlugin(backend: string | null | undefined, mode: string | null | undefined): boolean {
  const b = (backend ?? "").trim().toLowerCase();
  return (b === "opencode" || b === "opencode_cli") && mode === "plugin";
}

export const isDelegation = (e: OuroError): boolean =>
  (e.data as { delegated?: unknown } | undefined)?.delegated === true;
export const subagentOf = (e: OuroError): Subagent | null =>
  isDelegation(e) ? ((e.data as { subagent: Subagent }).subagent ?? null) : null;

function flatten(messages: readonly ChatMessage[], json: boolean): string {
  const parts = messages.map((m) =>
    m.role === "system" ? m.content : `${m.role === "user" ? "USER" : "ASSISTANT"}: ${m.content}`,
  );
  if (json) parts.push("Reply with one JSON object only.");
  return parts.join("\n\n");
}

export function pluginLlm(backend: EventBackend, dir: string, toolName: string): Llm {
  return {
    name: "opencode-plugin",
    target: "the OpenCode session's bridge plugin",
    async complete(messages: readonly ChatMessage[], options: CompleteOptions = {}) {
      const json = options.json === true;
      const requestId = createHash("sha256").update(JSON.stringify({ messages, json })).digest("hex").slice(0, 24);
      const replyFile = join(dir, `${requestId}.json`);
      const record = <T extends Extract<EventType, `subagent.${string}`>>(
        type: T,
        data: PayloadWithout<T, "request_id" | "tool_name">,
      ) =>
        backend.append({
          type,
          aggregate_type: "subagent",
          aggregate_id: requestId,
          data: withFilled<T, "request_id" | "tool_name">({ request_id: requestId, tool_name: toolName }, data),
        });
      if (existsSync(replyFile)) {
        let reply: unknown;
        try {
          reply = JSON.parse(readFileSync(replyFile, "utf8"));
        } catch {
          reply = null;
        }
        const r = v.safeParse(ReplySchema, reply);
        if (!r.success || r.output.request_id !== requestId)
          return fail("invalidData", `${replyFile}: not a subagent answer for request ${requestId}`);
        const seen = await backend.hasAggregateEvent("subagent", requestId, "subagent.completed");
        if (!seen) {
          const ev = await record("subagent.completed", { chars: r.output.text.length });
          if (!ev.ok) return ev;
        }
        return ok({
          content: r.output.text,
          model: "opencode-subagent",
          usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 },
          finish_reason: "stop",
          backend: "opencode-plugin",
        });
      }
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const subagent: Subagent = {
        tool_name: toolName,
        title: `ouroboros: ${toolName.replace(/^ouroboros_/, "")}`,
        agent: "general",
        prompt: flatten(messages, json),
        context: { request_id: requestId, reply_file: replyFile },
      };
      const ev = await record("subagent.dispatched", { reply_file: replyFile });
      if (!ev.ok) return ev;
      return fail("failure", `${toolName}: handed to the OpenCode bridge plugin (request ${requestId})`, {
        data: { delegated: true, subagent },
      });
    },
  };
}
