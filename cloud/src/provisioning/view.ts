import type { ProvisionRecord } from "../../../protocol/provision.ts";
import type { provisions } from "../db/schema/provisioning.ts";

/** A provisioning row as served to the appliance. */
export function provisionRecord(r: typeof provisions.$inferSelect, cloudUrl: string): ProvisionRecord {
  return {
    mac: r.mac,
    siteId: r.siteId,
    cloudUrl,
    enrollCode: r.enrollCode,
    ...(r.applianceName ? { applianceName: r.applianceName } : {}),
  };
}
