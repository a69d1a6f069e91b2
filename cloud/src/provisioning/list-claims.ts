import { and, desc, eq, inArray, type SQL } from "drizzle-orm";
import type { ClaimState, ClaimView } from "../../../protocol/provision.ts";
import { assertRole } from "../auth/permissions.ts";
import type { ServiceCall } from "../context.ts";
import { provisionClaims } from "../db/schema/provisioning.ts";
import { claimView } from "./claim-view.ts";

/** Claims, newest first (read-only and above; a site-scoped token sees its site's). */
export async function listClaims({
  ctx,
  input,
}: ServiceCall<{ mac?: string; states?: ClaimState[]; siteIds?: string[]; limit?: number }>): Promise<
  ClaimView[]
> {
  assertRole(ctx.actor, "read-only");
  const where: SQL[] = [];
  const a = ctx.actor;
  if (a.type === "admin" && a.siteId !== null) where.push(eq(provisionClaims.siteId, a.siteId));
  if (input.siteIds) where.push(inArray(provisionClaims.siteId, input.siteIds));
  if (input.mac) where.push(eq(provisionClaims.mac, input.mac));
  if (input.states) where.push(inArray(provisionClaims.state, input.states));
  const rows = await ctx.db
    .select()
    .from(provisionClaims)
    .where(and(...where))
    .orderBy(desc(provisionClaims.createdAt))
    .limit(input.limit ?? 200);
  return rows.map(claimView);
}
