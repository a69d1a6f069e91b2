import { toJsonSchema } from "@valibot/to-json-schema";
import type * as v from "valibot";

/** An MCP tool schema: a JSON Schema object whose root is `type: "object"`. */
export type ObjectJsonSchema = { type: "object"; [k: string]: unknown };

const cache = new WeakMap<v.GenericSchema, ObjectJsonSchema>();

/**
 * JSON Schema of a valibot object schema, as MCP clients see it. Checks that JSON Schema cannot
 * express (`v.check`, transforms) are left out here and still enforced when arguments are parsed.
 */
export function mcpJsonSchema(schema: v.GenericSchema): ObjectJsonSchema {
  const hit = cache.get(schema);
  if (hit) return hit;
  const json = toJsonSchema(schema, { errorMode: "ignore" }) as Record<string, unknown>;
  if (json.type !== "object") throw new Error("an MCP tool schema must be an object schema");
  const out = json as ObjectJsonSchema;
  cache.set(schema, out);
  return out;
}
