import type { Tool } from "@modelcontextprotocol/sdk/types.js";
import type { Actor } from "../actor.ts";
import { roleAtLeast } from "../auth/permissions.ts";
import type { ToolDef } from "../tools/tool.ts";
import { mcpJsonSchema } from "./json-schema.ts";

/**
 * Tools an actor may call, i.e. what its tools/list shows: read-only tokens see read tools only,
 * site-scoped tokens no fleet-wide tools.
 */
export function visibleTools(tools: readonly ToolDef[], actor: Actor): ToolDef[] {
  return tools.filter(
    (t) =>
      actor.type === "admin" && roleAtLeast(actor.role, t.minRole) && !(t.fleetOnly && actor.siteId !== null),
  );
}

/** A registry tool as an MCP tool description, schemas generated from its valibot definitions. */
export function mcpTool(t: ToolDef): Tool {
  return {
    name: t.name,
    title: t.title,
    description: t.description,
    inputSchema: mcpJsonSchema(t.input),
    outputSchema: mcpJsonSchema(t.output),
    annotations: {
      title: t.title,
      readOnlyHint: t.kind === "read",
      destructiveHint: false,
      idempotentHint: t.kind === "read",
      openWorldHint: false,
    },
  };
}
