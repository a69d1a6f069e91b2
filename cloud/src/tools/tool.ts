import type * as v from "valibot";
import type { Role } from "../actor.ts";
import type { ServiceContext } from "../context.ts";
import type { RunbookCatalogue } from "./catalogue.ts";

/** What every tool receives as `ctx`: the service context plus the runbook catalogue. */
export interface ToolContext extends ServiceContext {
  catalogue: RunbookCatalogue;
}

/**
 * One tool of the registry that MCP clients and the L2 planning broker both read. `read` tools
 * only look; `change` tools create something (an order waiting for approval) and are rate-limited
 * per site. `minRole` is the least privileged admin role that may call it.
 */
export interface ToolDef<
  I extends v.GenericSchema = v.GenericSchema,
  O extends v.GenericSchema = v.GenericSchema,
> {
  name: string;
  title: string;
  description: string;
  kind: "read" | "change";
  minRole: Role;
  input: I;
  output: O;
  /** Fleet-wide data (no site to scope it to): only tokens without a site scope see and call it. */
  fleetOnly?: boolean;
  /** The site the call is about, when the arguments name one (for scope, rate limit and audit). */
  siteOf?: (input: v.InferOutput<I>) => string | undefined;
  run(args: { ctx: ToolContext; input: v.InferOutput<I> }): Promise<v.InferOutput<O>>;
}

/**
 * Declare a tool with its types inferred from its schemas. The registry holds tools type-erased:
 * the caller validates arguments against `input` before `run`, so `run` only ever sees its own type.
 */
export function defineTool<I extends v.GenericSchema, O extends v.GenericSchema>(
  def: ToolDef<I, O>,
): ToolDef {
  return def as unknown as ToolDef;
}
