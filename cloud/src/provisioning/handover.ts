import { and, eq } from "drizzle-orm";
import { GENESIS_HASH } from "../../../protocol/evidence.ts";
import type { Predecessor } from "../../../protocol/handover.ts";
import { keyIdOf } from "../../../protocol/sign.ts";
import { retireAppliances } from "../appliances/delete.ts";
import { assertKeyFree } from "../appliances/register.ts";
import { writeAudit } from "../audit/audit.ts";
import type { ServiceContext } from "../context.ts";
import type { Db } from "../db/client.ts";
import { applianceKeys, appliances } from "../db/schema/appliances.ts";
import { chainHandovers } from "../db/schema/provisioning.ts";
import { conflict } from "../http/errors.ts";

/** The appliance an enrolment creates. */
export interface Successor {
  siteId: string;
  applianceId: string;
  publicKey: string;
}

/**
 * Record, inside the enrolment's transaction, that `successor` carries on the evidence chain of
 * the identity `p` declares (its signature was checked at admission). A predecessor the cloud
 * knows must be an appliance of the site the chain names that registered the declaring key; it is
 * retired (its API keys stop working). One the cloud never saw (evidence made offline before
 * enrolment) must belong to the successor's site; it is registered as a retired appliance with its
 * key, so its chain is stored, exported and verified like any other.
 */
export async function registerHandover(
  tx: Db,
  ctx: ServiceContext,
  successor: Successor,
  p: Predecessor,
): Promise<void> {
  const now = ctx.clock.now();
  if (p.publicKey === successor.publicKey) {
    throw conflict(
      "the enrolling key is the key of the chain handed over; enrol with a fresh identity key (malachor provision enroll makes one)",
    );
  }
  const keyId = keyIdOf(p.publicKey);
  const [known] = await tx
    .select({ siteId: appliances.siteId, deletedAt: appliances.deletedAt })
    .from(appliances)
    .where(eq(appliances.id, p.applianceId))
    .for("update");
  if (known) {
    if (known.siteId !== p.siteId) {
      throw conflict(
        `appliance ${p.applianceId} belongs to site ${known.siteId}, but the chain handed over names site ${p.siteId}`,
      );
    }
    const [registered] = await tx
      .select({ keyId: applianceKeys.keyId })
      .from(applianceKeys)
      .where(and(eq(applianceKeys.applianceId, p.applianceId), eq(applianceKeys.keyId, keyId)));
    if (!registered) {
      throw conflict(
        `appliance ${p.applianceId} never registered key ${keyId}, so the chain handed over cannot be shown to be its own`,
      );
    }
    if (!known.deletedAt) await retireAppliances(tx, now, [p.applianceId]);
  } else {
    if (p.siteId !== successor.siteId) {
      throw conflict(
        `this appliance holds evidence of site ${p.siteId} (appliance ${p.applianceId}, up to #${p.headSeq}) that the cloud has never received; ` +
          `it can be handed over only when the appliance enrols into site ${p.siteId}: register its MAC for that site (create the site first if needed), then enrol again`,
      );
    }
    await assertKeyFree(tx, keyId, " (the key of the chain handed over)");
    await tx.insert(appliances).values({
      id: p.applianceId,
      siteId: p.siteId,
      name: `${p.applianceId} (before enrolment as ${successor.applianceId})`,
      publicKey: p.publicKey,
      keyId,
      chainSeq: 0,
      chainHead: GENESIS_HASH,
      createdAt: now,
      deletedAt: now,
    });
    await tx.insert(applianceKeys).values({
      keyId,
      applianceId: p.applianceId,
      siteId: p.siteId,
      publicKey: p.publicKey,
      createdAt: now,
    });
  }
  const row = {
    predecessorSiteId: p.siteId,
    successorId: successor.applianceId,
    declaredSeq: p.headSeq,
    declaredHash: p.headHash,
    createdAt: now,
  };
  // A later declaration (the old key signed again) moves the hand-over to the newest successor.
  await tx
    .insert(chainHandovers)
    .values({ predecessorId: p.applianceId, ...row })
    .onConflictDoUpdate({ target: chainHandovers.predecessorId, set: row });
  await writeAudit(tx, ctx, {
    action: "appliance.handover",
    target: `appliance:${p.applianceId}`,
    siteId: p.siteId,
    args: { predecessor: p, successor },
  });
}

/** How many successive hand-overs an upload may reach back through. */
const MAX_HOPS = 16;

/**
 * The context evidence from the calling appliance is ingested in. Normally the caller itself;
 * but bundles naming an identity whose chain was handed over to the caller (directly or through
 * later hand-overs) are ingested as that identity, so they are checked against its own head and
 * keys and stored under its id. Anything else is left to ingest, which refuses it.
 */
export async function chainOwnerContext(ctx: ServiceContext, bundles: unknown[]): Promise<ServiceContext> {
  const actor = ctx.actor;
  if (actor.type !== "appliance") return ctx;
  const named = (bundles[0] as { applianceId?: unknown } | null)?.applianceId;
  if (typeof named !== "string" || named === actor.applianceId) return ctx;
  let id = named;
  let siteId: string | undefined;
  for (let hop = 0; hop < MAX_HOPS; hop++) {
    const [h] = await ctx.db
      .select({ siteId: chainHandovers.predecessorSiteId, successorId: chainHandovers.successorId })
      .from(chainHandovers)
      .where(eq(chainHandovers.predecessorId, id));
    if (!h) return ctx;
    siteId ??= h.siteId;
    if (h.successorId === actor.applianceId) {
      return { ...ctx, actor: { type: "appliance", applianceId: named, siteId, apiKeyId: actor.apiKeyId } };
    }
    id = h.successorId;
  }
  return ctx;
}
