import { and, eq, ne } from "drizzle-orm";
import type { Predecessor } from "../../../protocol/handover.ts";
import type { EnrollResponse } from "../../../protocol/provision.ts";
import { registerAppliance } from "../appliances/register.ts";
import { writeAudit } from "../audit/audit.ts";
import { newId } from "../auth/secrets.ts";
import type { ServiceContext } from "../context.ts";
import type { Db } from "../db/client.ts";
import { provisionClaims, provisions } from "../db/schema/provisioning.ts";
import { registerHandover } from "./handover.ts";

/** An appliance let in by a one-time code or an approved claim. */
export interface Admission {
  siteId: string;
  mac: string;
  name: string;
  publicKey: string;
  hostname: string;
  agentVersion: string;
  predecessor?: Predecessor;
  /** How it got in, for the audit row: "code" or the claim id. */
  via: string;
}

/**
 * Create the appliance inside the caller's transaction: identity key, API key, the hand-over of
 * the chain it carries (if any); use up the MAC's registration and set its other claims aside.
 * Returns the one answer that carries the API key.
 */
export async function admitAppliance(tx: Db, ctx: ServiceContext, a: Admission): Promise<EnrollResponse> {
  const now = ctx.clock.now();
  const applianceId = newId("app-", 6);
  const { apiKey } = await registerAppliance(tx, now, {
    siteId: a.siteId,
    applianceId,
    name: a.name,
    publicKey: a.publicKey,
    hostname: a.hostname,
    mac: a.mac,
    agentVersion: a.agentVersion,
  });
  if (a.predecessor) {
    await registerHandover(tx, ctx, { siteId: a.siteId, applianceId, publicKey: a.publicKey }, a.predecessor);
  }
  await tx.update(provisions).set({ usedAt: now, applianceId }).where(eq(provisions.mac, a.mac));
  await tx
    .update(provisionClaims)
    .set({ state: "superseded", decidedAt: now })
    .where(
      and(
        eq(provisionClaims.mac, a.mac),
        ne(provisionClaims.publicKey, a.publicKey),
        ne(provisionClaims.state, "rejected"),
      ),
    );
  await writeAudit(
    tx,
    { ...ctx, actor: { type: "appliance", applianceId, siteId: a.siteId, apiKeyId: "enroll" } },
    {
      action: "appliance.enroll",
      target: `appliance:${applianceId}`,
      siteId: a.siteId,
      args: {
        mac: a.mac,
        publicKey: a.publicKey,
        hostname: a.hostname,
        via: a.via,
        predecessor: a.predecessor?.applianceId ?? null,
      },
    },
  );
  return { siteId: a.siteId, applianceId, apiKey, cloudPublicKey: ctx.keys.publicKey };
}
