/**
 * A tool is one plain object: name, description, a valibot schema for its arguments (the JSON
 * Schema shown to clients is derived from it, so the two never disagree) and a handler.
 * Handlers return Result values; the server turns an error into an `isError` tool result.
 */
import { toJsonSchema as convert } from "@valibot/to-json-schema";
import * as v from "valibot";
import { fail, ok, type Result } from "../errors.ts";
import type { McpContext } from "./context.ts";

export type ArgsSchema = v.ObjectSchema<v.ObjectEntries, undefined> | v.StrictObjectSchema<v.ObjectEntries, undefined>;

export interface ToolResult {
  /** Shown to the model as text (JSON pretty-printed unless it is a string). */
  value: unknown;
}

/** One tool call: the client may cancel it, and may ask for progress notifications. */
export interface CallContext {
  /** Aborted when the client cancels this request (notifications/cancelled). */
  signal: AbortSignal;
  /** Sends notifications/progress when the client asked for it (a progressToken), else does nothing. */
  progress(progress: number, total?: number, message?: string): void;
}

export interface ToolDef<S extends ArgsSchema = ArgsSchema> {
  name: string;
  description: string;
  schema: S;
  handler(args: v.InferOutput<S>, ctx: McpContext, call: CallContext): Promise<Result<unknown>> | Result<unknown>;
}

/** Keeps the handler's argument type tied to its schema inside a heterogeneous list. */
export const defineTool = <S extends ArgsSchema>(t: ToolDef<S>): ToolDef => t as unknown as ToolDef;

/**
 * The JSON Schema a client sees for a tool's arguments, derived from its valibot schema by the
 * official converter. Without `$schema` and an empty `required` list, so tools/list stays what
 * clients already accept; a schema the converter cannot express throws (tests load every tool).
 */
export function toJsonSchema(schema: ArgsSchema): Record<string, unknown> {
  const { $schema: _, ...out } = convert(schema, { typeMode: "input", errorMode: "throw" }) as Record<string, unknown>;
  if (Array.isArray(out.required) && out.required.length === 0) delete out.required;
  return out;
}

/** Validate tool arguments; a failure is one line naming the parameter. */
export function parseArgs<S extends ArgsSchema>(tool: string, schema: S, input: unknown): Result<v.InferOutput<S>> {
  const r = v.safeParse(schema, input ?? {});
  if (r.success) return ok(r.output);
  // An unknown key (likely a typo) explains the rest, so it is reported first.
  const i = r.issues.find((x) => x.type === "strict_object" && x.expected === "never") ?? r.issues[0];
  const field = i.path?.map((p) => String(p.key)).join(".") ?? "";
  if (i.type === "strict_object" && i.expected === "never" && field) {
    const known = Object.keys(schema.entries).join(", ");
    return fail("badArgs", `${tool}: unknown parameter '${field}' (accepted: ${known})`);
  }
  if (i.input === undefined && field) return fail("badArgs", `${tool}: missing required parameter '${field}'`);
  const msg = i.message.replace(/^Invalid (type|value|length): /, "");
  return fail(
    "badArgs",
    field ? `${tool}: parameter '${field}': ${msg}` : `${tool}: arguments must be an object (${msg})`,
  );
}

/** Common parameter pieces. */
export const str = (description: string) =>
  v.pipe(v.string(), v.minLength(1, "must not be empty"), v.description(description));
export const optStr = (description: string) => v.optional(str(description));
export const int = (description: string, min: number, max: number) =>
  v.pipe(v.number(), v.integer("must be a whole number"), v.minValue(min), v.maxValue(max), v.description(description));

/** What every start_* tool answers: the job, marked running, with how to follow, read and cancel it. */
export function runningJob<J extends { job_id: string }>(job: J, cursor = 0): Result<Record<string, unknown>> {
  return ok({
    ...job,
    status: "running",
    meta: {
      job_observer: {
        schema: "ouroboros.job_observer.v1",
        poll_tool: "ouroboros_job_wait",
        poll_args: { job_id: job.job_id, cursor },
        result_tool: "ouroboros_job_result",
        cancel_tool: "ouroboros_cancel_job",
        max_wait_seconds: 5,
      },
    },
  });
}
