import { asc, eq } from "drizzle-orm";
import { assertSiteRole } from "../auth/permissions.ts";
import type { ServiceCall } from "../context.ts";
import { escrowKeys } from "../db/schema/escrow.ts";
import { escrowEntry } from "./record.ts";
import type { EscrowList } from "./schemas.ts";

/** The escrowed keys of a site, without secrets (msp-admin). */
export async function listEscrow({ ctx, input }: ServiceCall<{ siteId: string }>): Promise<EscrowList> {
  assertSiteRole(ctx.actor, "msp-admin", input.siteId);
  const rows = await ctx.db
    .select()
    .from(escrowKeys)
    .where(eq(escrowKeys.siteId, input.siteId))
    .orderBy(asc(escrowKeys.host), asc(escrowKeys.volume), asc(escrowKeys.protectorId));
  return { keys: rows.map(escrowEntry) };
}
