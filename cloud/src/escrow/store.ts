import { and, eq } from "drizzle-orm";
import type { KeyEscrow } from "../../../protocol/ingest.ts";
import { writeAudit } from "../audit/audit.ts";
import { newId } from "../auth/secrets.ts";
import type { ServiceCall } from "../context.ts";
import { escrowKeys } from "../db/schema/escrow.ts";
import { forbidden } from "../http/errors.ts";
import { seal } from "./envelope.ts";
import type { Kek } from "./kek.ts";
import { escrowAad } from "./record.ts";
import type { EscrowStored } from "./schemas.ts";

/**
 * Store a BitLocker recovery key sent by an appliance, sealed under a fresh data key. Escrowing
 * the same protector again (a runbook re-run) replaces the sealed value and keeps the record id.
 */
export async function storeEscrow({
  ctx,
  input,
  kek,
}: ServiceCall<KeyEscrow> & {
  kek: Kek;
}): Promise<EscrowStored> {
  if (ctx.actor.type !== "appliance") throw forbidden("only an appliance escrows recovery keys");
  const { siteId, applianceId } = ctx.actor;
  const protectorId = input.protectorId.toUpperCase();
  const now = ctx.clock.now();
  return ctx.db.transaction(async (tx) => {
    const [existing] = await tx
      .select({ id: escrowKeys.id })
      .from(escrowKeys)
      .where(
        and(
          eq(escrowKeys.siteId, siteId),
          eq(escrowKeys.host, input.host),
          eq(escrowKeys.volume, input.volume),
          eq(escrowKeys.protectorId, protectorId),
        ),
      )
      .for("update");
    const id = existing?.id ?? newId("esc_");
    const sealed = seal(
      kek,
      input.recoveryPassword,
      escrowAad({ id, siteId, host: input.host, volume: input.volume, protectorId }),
    );
    const values = {
      applianceId,
      kekId: sealed.kekId,
      wrappedKey: sealed.wrappedKey,
      ciphertext: sealed.ciphertext,
      updatedAt: now,
    };
    if (existing) await tx.update(escrowKeys).set(values).where(eq(escrowKeys.id, id));
    else {
      await tx.insert(escrowKeys).values({
        id,
        siteId,
        host: input.host,
        volume: input.volume,
        protectorId,
        createdAt: now,
        ...values,
      });
    }
    await writeAudit(tx, ctx, {
      action: existing ? "escrow.replace" : "escrow.store",
      target: `escrow:${id}`,
      siteId,
      args: { host: input.host, volume: input.volume, protectorId },
    });
    return { id };
  });
}
