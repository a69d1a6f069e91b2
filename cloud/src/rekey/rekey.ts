import { and, eq, ne } from "drizzle-orm";
import { type RekeyRequest, type RekeyResponse, rekeyMessage } from "../../../protocol/provision.ts";
import { keyIdOf, verify } from "../../../protocol/sign.ts";
import { writeAudit } from "../audit/audit.ts";
import type { ServiceCall } from "../context.ts";
import { applianceKeys, appliances } from "../db/schema/appliances.ts";
import { conflict, forbidden, notFound, unauthorized } from "../http/errors.ts";

/**
 * Replace an appliance's identity key (`malachor provision rekey`). The API key says which
 * appliance; the current key's signature says its holder asked; the new key's signature proves
 * possession. Earlier keys stay in appliance_keys, so evidence already signed (and bundles still
 * queued on the appliance) keep verifying. A repeat of an accepted request answers the same, so an
 * appliance that stopped before saving its new key can finish.
 */
export async function rekeyAppliance({ ctx, input }: ServiceCall<RekeyRequest>): Promise<RekeyResponse> {
  if (ctx.actor.type !== "appliance") throw forbidden("only an appliance can re-key itself");
  const { applianceId } = ctx.actor;
  const message = rekeyMessage(applianceId, input.publicKey);
  const newKeyId = keyIdOf(input.publicKey);
  if (!verify(message, input.newKeySignature, input.publicKey)) {
    throw unauthorized("rekey: newKeySignature does not verify with the new public key");
  }
  return ctx.db.transaction(async (tx) => {
    const [app] = await tx.select().from(appliances).where(eq(appliances.id, applianceId)).for("update");
    if (!app) throw notFound(`appliance ${applianceId} not found`);
    const answer = { applianceId, keyId: newKeyId };
    if (app.publicKey === input.publicKey) {
      // Already the current key: accept only if one of this appliance's earlier keys signed.
      const earlier = await tx
        .select({ publicKey: applianceKeys.publicKey })
        .from(applianceKeys)
        .where(and(eq(applianceKeys.applianceId, applianceId), ne(applianceKeys.keyId, newKeyId)));
      if (!earlier.some((k) => verify(message, input.oldKeySignature, k.publicKey))) {
        throw unauthorized("rekey: oldKeySignature does not verify with any earlier key of this appliance");
      }
      return answer;
    }
    if (!verify(message, input.oldKeySignature, app.publicKey)) {
      throw unauthorized(`rekey: oldKeySignature does not verify with the current key ${app.keyId}`);
    }
    const [taken] = await tx.select().from(applianceKeys).where(eq(applianceKeys.keyId, newKeyId));
    if (taken) throw conflict(`key ${newKeyId} is already registered; generate a fresh key`);
    const now = ctx.clock.now();
    await tx
      .update(appliances)
      .set({ publicKey: input.publicKey, keyId: newKeyId })
      .where(eq(appliances.id, applianceId));
    await tx.insert(applianceKeys).values({
      keyId: newKeyId,
      applianceId,
      siteId: app.siteId,
      publicKey: input.publicKey,
      createdAt: now,
    });
    await writeAudit(tx, ctx, {
      action: "appliance.rekey",
      target: `appliance:${applianceId}`,
      siteId: app.siteId,
      args: { oldKeyId: app.keyId, newKeyId },
    });
    return answer;
  });
}
