import { and, eq, isNull } from "drizzle-orm";
import type { ServiceCall } from "../context.ts";
import { portalUsers } from "../db/schema/web.ts";
import { notFound } from "../http/errors.ts";
import { assertTechnician } from "./access.ts";
import { appendRecord } from "./chain.ts";

/** Name a portal user (by e-mail) the site's security official or privacy officer (MSP technician). */
export async function designateOfficial({
  ctx,
  input,
}: ServiceCall<{
  siteId: string;
  role: "security-official" | "privacy-officer";
  email: string;
}>): Promise<{ seq: number }> {
  assertTechnician(ctx, input.siteId);
  return ctx.db.transaction(async (tx) => {
    const [u] = await tx
      .select()
      .from(portalUsers)
      .where(
        and(
          eq(portalUsers.email, input.email.toLowerCase()),
          eq(portalUsers.siteId, input.siteId),
          isNull(portalUsers.disabledAt),
        ),
      );
    if (!u) throw notFound(`no active portal user ${input.email} at site ${input.siteId}`);
    const person = { name: u.name ?? u.email, email: u.email };
    const seq = await appendRecord(
      tx,
      ctx,
      input.siteId,
      { type: "official-designated", role: input.role, person, portalUserId: u.id },
      `${person.name} designated ${input.role}`,
    );
    return { seq };
  });
}
