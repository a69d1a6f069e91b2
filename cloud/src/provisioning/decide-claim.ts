import { and, eq, ne } from "drizzle-orm";
import { type ClaimView, keyFingerprint } from "../../../protocol/provision.ts";
import { actorLabel } from "../actor.ts";
import { writeAudit } from "../audit/audit.ts";
import { assertRole, assertSiteAccess } from "../auth/permissions.ts";
import type { ServiceCall } from "../context.ts";
import { provisionClaims, provisions } from "../db/schema/provisioning.ts";
import { badRequest, conflict, notFound } from "../http/errors.ts";
import { claimView } from "./claim-view.ts";

/** A technician's decision on a claim: approve it (naming the fingerprint read on the appliance) or reject it. */
export type ClaimDecision = { approve: true; fingerprint: string } | { approve: false; reason?: string };

/**
 * Approve or reject a pending claim (msp-tech, within the token's site). Approval needs the key
 * fingerprint the technician read on the appliance's console or status page, and it must be this
 * claim's: approving a key nobody compared would let anyone who knows the MAC in. Only one claim
 * per MAC may be approved at a time. The appliance collects its API key on its next request.
 */
export async function decideClaim({
  ctx,
  input,
}: ServiceCall<{ claimId: string; decision: ClaimDecision }>): Promise<ClaimView> {
  assertRole(ctx.actor, "msp-tech");
  const now = ctx.clock.now();
  const d = input.decision;
  return ctx.db.transaction(async (tx) => {
    const [claim] = await tx
      .select()
      .from(provisionClaims)
      .where(eq(provisionClaims.id, input.claimId))
      .for("update");
    if (!claim) throw notFound(`no claim "${input.claimId}"`);
    assertSiteAccess(ctx.actor, claim.siteId);
    const open = d.approve
      ? claim.state === "pending"
      : claim.state === "pending" || claim.state === "approved";
    if (!open) throw conflict(`claim ${claim.id} is ${claim.state}; only a pending claim can be decided`);
    if (d.approve) {
      const fingerprint = keyFingerprint(claim.publicKey);
      if (d.fingerprint !== fingerprint) {
        throw badRequest(
          `fingerprint ${d.fingerprint} is not this claim's key (${fingerprint}); approve only the claim whose fingerprint the appliance itself shows`,
        );
      }
      const [record] = await tx.select().from(provisions).where(eq(provisions.mac, claim.mac));
      if (!record || record.usedAt || record.expiresAt <= now) {
        throw conflict(`MAC ${claim.mac} has no open registration (enrolled, expired or removed)`);
      }
      const [other] = await tx
        .select({ id: provisionClaims.id })
        .from(provisionClaims)
        .where(
          and(
            eq(provisionClaims.mac, claim.mac),
            eq(provisionClaims.state, "approved"),
            ne(provisionClaims.id, claim.id),
          ),
        );
      if (other)
        throw conflict(`claim ${other.id} is already approved for MAC ${claim.mac}; reject it first`);
    }
    const [row] = await tx
      .update(provisionClaims)
      .set({ state: d.approve ? "approved" : "rejected", decidedAt: now, decidedBy: actorLabel(ctx.actor) })
      .where(eq(provisionClaims.id, claim.id))
      .returning();
    await writeAudit(tx, ctx, {
      action: d.approve ? "provision.claim.approve" : "provision.claim.reject",
      target: `claim:${claim.id}`,
      siteId: claim.siteId,
      args: { claimId: claim.id, mac: claim.mac, keyId: claim.keyId, ...d },
    });
    return claimView(row!);
  });
}

/**
 * Approve the pending claim for `mac` whose key has `fingerprint`, as the technician reads both off
 * the appliance: the right claim is found however many others wait for the same MAC.
 */
export async function approveByFingerprint({
  ctx,
  input,
}: ServiceCall<{ mac: string; fingerprint: string }>): Promise<ClaimView> {
  assertRole(ctx.actor, "msp-tech");
  const [claim] = await ctx.db
    .select({ id: provisionClaims.id })
    .from(provisionClaims)
    .where(
      and(
        eq(provisionClaims.mac, input.mac),
        eq(provisionClaims.keyId, input.fingerprint.replaceAll("-", "")),
        eq(provisionClaims.state, "pending"),
      ),
    );
  if (!claim) throw notFound(`no pending claim for ${input.mac} with key fingerprint ${input.fingerprint}`);
  return decideClaim({
    ctx,
    input: { claimId: claim.id, decision: { approve: true, fingerprint: input.fingerprint } },
  });
}
