/** Names for a site's hosts, so pages show "FRONTDESK-2" rather than the address a check used. */
import { eq, inArray, type SQL } from "drizzle-orm";
import { addressNames } from "../../../../protocol/targets.ts";
import type { Db } from "../../db/client.ts";
import { discoveredDevices } from "../../db/schema/targets.ts";

/** Host address → the name discovery found for it. */
export type HostNames = ReadonlyMap<string, string>;

const NONE: HostNames = new Map();

/** Address → name for each site of the devices `where` selects (addresses with no name left out). */
async function namesBySite(db: Db, where: SQL): Promise<Map<string, Map<string, string>>> {
  const rows = await db
    .select({
      siteId: discoveredDevices.siteId,
      addresses: discoveredDevices.addresses,
      names: discoveredDevices.names,
    })
    .from(discoveredDevices)
    .where(where);
  const bySite = new Map<string, typeof rows>();
  for (const r of rows) {
    const site = bySite.get(r.siteId);
    if (site) site.push(r);
    else bySite.set(r.siteId, [r]);
  }
  return new Map([...bySite].map(([site, devices]) => [site, addressNames(devices)]));
}

/** Address → the first name discovery found for the device holding it (addresses with no name are left out). */
export async function hostNames(db: Db, siteId: string): Promise<HostNames> {
  return (await namesBySite(db, eq(discoveredDevices.siteId, siteId))).get(siteId) ?? NONE;
}

/** The host names of several sites in one query (a fleet-wide page); a site without any maps to none. */
export async function hostNamesOfSites(
  db: Db,
  siteIds: readonly string[],
): Promise<(siteId: string) => HostNames> {
  const all = siteIds.length
    ? await namesBySite(db, inArray(discoveredDevices.siteId, [...siteIds]))
    : new Map();
  return (siteId) => all.get(siteId) ?? NONE;
}
