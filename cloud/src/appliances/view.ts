import type { appliances } from "../db/schema/appliances.ts";
import type { ApplianceView } from "./schemas.ts";

/** An appliance row as the API shows it. */
export function applianceView(r: typeof appliances.$inferSelect): ApplianceView {
  return {
    id: r.id,
    siteId: r.siteId,
    name: r.name,
    hostname: r.hostname,
    mac: r.mac,
    publicKey: r.publicKey,
    keyId: r.keyId,
    agentVersion: r.agentVersion,
    lastCheckinAt: r.lastCheckinAt?.toISOString() ?? null,
    chainSeq: Number(r.chainSeq),
    createdAt: r.createdAt.toISOString(),
  };
}
