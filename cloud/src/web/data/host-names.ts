/** Names for a site's hosts, so pages show "FRONTDESK-2" rather than the address a check used. */
import { eq } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { discoveredDevices } from "../../db/schema/targets.ts";

/** Address → the first name discovery found for the device holding it (addresses with no name are left out). */
export async function hostNames(db: Db, siteId: string): Promise<ReadonlyMap<string, string>> {
  const rows = await db
    .select({ addresses: discoveredDevices.addresses, names: discoveredDevices.names })
    .from(discoveredDevices)
    .where(eq(discoveredDevices.siteId, siteId));
  const out = new Map<string, string>();
  for (const r of rows) {
    const name = r.names[0];
    if (name) for (const a of r.addresses) out.set(a, name);
  }
  return out;
}
