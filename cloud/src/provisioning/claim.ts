import { and, eq } from "drizzle-orm";
import {
  type ClaimPending,
  type ClaimRequest,
  type EnrollResponse,
  keyFingerprint,
} from "../../../protocol/provision.ts";
import { keyIdOf } from "../../../protocol/sign.ts";
import { writeAudit } from "../audit/audit.ts";
import { newId } from "../auth/secrets.ts";
import type { ServiceCall } from "../context.ts";
import { provisionClaims, provisions } from "../db/schema/provisioning.ts";
import { conflict, forbidden, notFound } from "../http/errors.ts";
import { admitEnrolRequest, clockSkew } from "./admission.ts";
import { admitAppliance } from "./admit.ts";

/** What a claim request gets: 202 while it waits, 200 with the API key once approved. */
export type ClaimOutcome = { status: 202; body: ClaimPending } | { status: 200; body: EnrollResponse };

/**
 * Zero-touch enrolment without credentials. The appliance sends its MAC and a fresh identity key,
 * signed by that key. A registered MAC gets a claim that waits for a technician; the answer names
 * only what the appliance sent (claim id, the key's fingerprint), never a secret. Repeating the
 * request (newer `at`, same key) polls; once a technician approved this claim, the appliance is
 * created and this request's answer carries its API key. Every new claim is audited.
 */
export async function submitClaim({
  ctx,
  input,
}: ServiceCall<{ mac: string; body: ClaimRequest; sourceAddress: string }>): Promise<ClaimOutcome> {
  const { mac, body, sourceAddress } = input;
  await admitEnrolRequest(ctx, { kind: "claim", mac, body }, sourceAddress);
  const now = ctx.clock.now();
  const signedAt = new Date(body.at);
  return ctx.db.transaction(async (tx) => {
    const [record] = await tx.select().from(provisions).where(eq(provisions.mac, mac)).for("update");
    if (!record || record.expiresAt <= now) {
      throw notFound(
        `MAC ${mac} is not registered for enrolment (or its registration expired); a technician registers it in the dashboard`,
      );
    }
    const [claim] = await tx
      .select()
      .from(provisionClaims)
      .where(and(eq(provisionClaims.mac, mac), eq(provisionClaims.publicKey, body.publicKey)))
      .for("update");
    const pending = (id: string): ClaimOutcome => ({
      status: 202,
      body: {
        state: "pending",
        claimId: id,
        fingerprint: keyFingerprint(body.publicKey),
        expiresAt: record.expiresAt.toISOString(),
      },
    });
    if (!claim) {
      if (record.usedAt) {
        throw conflict(
          `MAC ${mac} is already enrolled (appliance ${record.applianceId}); to enrol this box again, a technician deletes that appliance and registers the MAC anew`,
        );
      }
      const id = newId("clm-", 8);
      await tx.insert(provisionClaims).values({
        id,
        mac,
        siteId: record.siteId,
        publicKey: body.publicKey,
        keyId: keyIdOf(body.publicKey),
        hostname: body.hostname,
        agentVersion: body.agentVersion,
        sourceAddress,
        predecessor: body.predecessor ?? null,
        state: "pending",
        createdAt: now,
        lastSeenAt: now,
        lastSignedAt: signedAt,
      });
      await writeAudit(
        tx,
        { ...ctx, actor: { type: "system", name: `claim from ${sourceAddress}` } },
        {
          action: "provision.claim",
          target: `claim:${id}`,
          siteId: record.siteId,
          args: { mac, publicKey: body.publicKey, hostname: body.hostname, sourceAddress },
        },
      );
      return pending(id);
    }
    if (signedAt <= claim.lastSignedAt) {
      throw clockSkew(
        `claim request signed at ${body.at} is not newer than the last one (${claim.lastSignedAt.toISOString()}): a replay, or the appliance's clock went back`,
      );
    }
    await tx
      .update(provisionClaims)
      .set({
        lastSeenAt: now,
        lastSignedAt: signedAt,
        sourceAddress,
        hostname: body.hostname,
        agentVersion: body.agentVersion,
        predecessor: body.predecessor ?? null,
      })
      .where(eq(provisionClaims.id, claim.id));
    switch (claim.state) {
      case "pending":
        return pending(claim.id);
      case "rejected":
        throw forbidden(
          `claim ${claim.id} for MAC ${mac} was rejected by ${claim.decidedBy ?? "a technician"}; this key will not be enrolled`,
        );
      case "enrolled":
      case "superseded":
        throw conflict(
          `claim ${claim.id} for MAC ${mac} is ${claim.state}${claim.applianceId ? ` (appliance ${claim.applianceId})` : ""}; it cannot enrol again`,
        );
    }
    if (record.usedAt) throw conflict(`MAC ${mac} is already enrolled (appliance ${record.applianceId})`);
    const enrolled = await admitAppliance(tx, ctx, {
      siteId: record.siteId,
      mac,
      name: record.applianceName ?? body.hostname,
      publicKey: body.publicKey,
      hostname: body.hostname,
      agentVersion: body.agentVersion,
      predecessor: body.predecessor,
      via: claim.id,
    });
    await tx
      .update(provisionClaims)
      .set({ state: "enrolled", applianceId: enrolled.applianceId })
      .where(eq(provisionClaims.id, claim.id));
    return { status: 200, body: enrolled };
  });
}
