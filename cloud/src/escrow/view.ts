import { and, eq } from "drizzle-orm";
import { writeAudit } from "../audit/audit.ts";
import { assertSiteRole } from "../auth/permissions.ts";
import type { ServiceCall } from "../context.ts";
import { escrowKeys } from "../db/schema/escrow.ts";
import { notFound } from "../http/errors.ts";
import { open } from "./envelope.ts";
import type { Kek } from "./kek.ts";
import { escrowAad, escrowEntry } from "./record.ts";
import type { EscrowSecret } from "./schemas.ts";

/**
 * Reveal one recovery key to an msp-admin. The audit row is written in the same transaction as
 * the read, so no view happens without its record.
 */
export async function viewEscrow({
  ctx,
  input,
  kek,
}: ServiceCall<{ siteId: string; id: string }> & {
  kek: Kek;
}): Promise<EscrowSecret> {
  assertSiteRole(ctx.actor, "msp-admin", input.siteId);
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .select()
      .from(escrowKeys)
      .where(and(eq(escrowKeys.id, input.id), eq(escrowKeys.siteId, input.siteId)));
    if (!row) throw notFound(`no escrowed key ${input.id} at site ${input.siteId}`);
    const recoveryPassword = open(kek, row, escrowAad(row));
    await writeAudit(tx, ctx, {
      action: "escrow.view",
      target: `escrow:${row.id}`,
      siteId: row.siteId,
      args: { host: row.host, volume: row.volume, protectorId: row.protectorId },
    });
    return { ...escrowEntry(row), recoveryPassword };
  });
}
