import * as v from "valibot";
import { Predecessor } from "../../../protocol/handover.ts";
import { type ClaimView, keyFingerprint } from "../../../protocol/provision.ts";
import type { provisionClaims } from "../db/schema/provisioning.ts";

/** A claim row as the dashboard and the admin API show it. */
export function claimView(r: typeof provisionClaims.$inferSelect): ClaimView {
  const p = v.safeParse(Predecessor, r.predecessor);
  return {
    id: r.id,
    mac: r.mac,
    siteId: r.siteId,
    state: r.state,
    fingerprint: keyFingerprint(r.publicKey),
    keyId: r.keyId,
    publicKey: r.publicKey,
    hostname: r.hostname,
    agentVersion: r.agentVersion,
    sourceAddress: r.sourceAddress,
    createdAt: r.createdAt.toISOString(),
    lastSeenAt: r.lastSeenAt.toISOString(),
    decidedAt: r.decidedAt?.toISOString() ?? null,
    decidedBy: r.decidedBy,
    applianceId: r.applianceId,
    predecessor: p.success
      ? { siteId: p.output.siteId, applianceId: p.output.applianceId, headSeq: p.output.headSeq }
      : null,
  };
}
