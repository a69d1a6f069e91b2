import type * as v from "valibot";
import { requireSite } from "./site-exists.ts";
import { defineTool, type ToolDef } from "./tool.ts";

/** What a site read tool declares: everything of a tool but its kind, role and scope, which are fixed. */
export type SiteReadToolDef<
  I extends v.GenericSchema<unknown, { siteId?: string }>,
  O extends v.GenericSchema,
> = Omit<ToolDef<I, O>, "kind" | "minRole" | "siteOf" | "fleetOnly">;

/**
 * A read tool about the site its input names (or, for an input that may leave it out, every site
 * the token sees): any role may call it, the named site is the call's scope, and `run` only starts
 * once the site is known to exist and be visible to the caller (requireSite).
 */
export function defineSiteReadTool<
  I extends v.GenericSchema<unknown, { siteId?: string }>,
  O extends v.GenericSchema,
>(def: SiteReadToolDef<I, O>): ToolDef {
  return defineTool<I, O>({
    ...def,
    kind: "read",
    minRole: "read-only",
    siteOf: (input) => input.siteId,
    async run(args) {
      if (args.input.siteId !== undefined) await requireSite(args.ctx, args.input.siteId);
      return def.run(args);
    },
  });
}
