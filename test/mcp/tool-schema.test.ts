/**
 * The JSON Schema each tool lists (from @valibot/to-json-schema) says the same as the valibot
 * schema the server validates with: a JSON Schema validator (the MCP SDK's Ajv provider, as
 * clients use) and valibot agree on boundary samples built from every property of every tool.
 */
import { describe, expect, test } from "bun:test";
import { AjvJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/ajv";
import * as v from "valibot";
import { toJsonSchema } from "../../src/mcp/tool.ts";
import { TOOLS } from "../../src/mcp/tools/index.ts";

type Prop = {
  type?: string;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  minItems?: number;
  items?: Prop;
};

/** A value the property accepts, and values on or just past its edges. */
function good(p: Prop): unknown {
  if (p.enum) return p.enum[0];
  if (p.type === "integer" || p.type === "number") return p.minimum ?? 1;
  if (p.type === "boolean") return true;
  if (p.type === "array") return Array.from({ length: Math.max(1, p.minItems ?? 0) }, () => good(p.items ?? {}));
  return "x";
}
function edges(p: Prop): unknown[] {
  const out: unknown[] = [null, {}, p.type === "string" ? 1 : "1"];
  if (p.enum) out.push("not-one-of-them");
  if (p.type === "integer" || p.type === "number") {
    if (p.minimum !== undefined) out.push(p.minimum - 1);
    if (p.maximum !== undefined) out.push(p.maximum, p.maximum + 1);
    if (p.type === "integer") out.push((p.minimum ?? 1) + 0.5);
  }
  if (p.type === "string") out.push("", " ");
  if (p.type === "array") out.push([], [1], "x");
  return out;
}

function samples(schema: { properties?: Record<string, Prop>; required?: string[] }): Record<string, unknown>[] {
  const props = Object.entries(schema.properties ?? {});
  const required = Object.fromEntries(
    props.filter(([k]) => schema.required?.includes(k)).map(([k, p]) => [k, good(p)]),
  );
  const full = Object.fromEntries(props.map(([k, p]) => [k, good(p)]));
  const out: Record<string, unknown>[] = [{}, required, full, { ...required, not_a_parameter: 1 }];
  for (const [k, p] of props) {
    for (const e of edges(p)) out.push({ ...required, [k]: e });
    const { [k]: _, ...without } = full;
    out.push(without);
  }
  return out;
}

describe("MCP tool input schemas", () => {
  const ajv = new AjvJsonSchemaValidator();

  test.each(TOOLS.map((t) => [t.name, t] as const))("%s: JSON Schema and valibot agree", (_, tool) => {
    const schema = toJsonSchema(tool.schema);
    expect(schema.type).toBe("object");
    const check = ajv.getValidator(schema as never);
    let accepted = 0;
    for (const sample of samples(schema as never)) {
      const valibot = v.safeParse(tool.schema, sample).success;
      expect({ sample, jsonSchema: check(sample).valid }).toEqual({ sample, jsonSchema: valibot });
      if (valibot) accepted++;
    }
    // The samples exercise both sides: some are accepted, some refused.
    expect(accepted).toBeGreaterThan(0);
  });

  test("a schema the converter cannot express fails loudly instead of listing a wrong one", () => {
    const odd = v.object({ when: v.date() });
    expect(() => toJsonSchema(odd as never)).toThrow();
  });
});
