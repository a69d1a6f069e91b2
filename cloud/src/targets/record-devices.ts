import { and, eq, inArray } from "drizzle-orm";
import type { Device, DeviceReport } from "../../../protocol/targets.ts";
import type { ServiceContext } from "../context.ts";
import { discoveredDevices } from "../db/schema/targets.ts";
import { forbidden } from "../http/errors.ts";

/** A device's key at a site: its MAC, else its first address, else its first name. */
export function deviceKey(d: Pick<Device, "mac" | "addresses" | "names">): string {
  if (d.mac) return d.mac;
  if (d.addresses[0]) return `ip:${d.addresses[0]}`;
  return `name:${(d.names[0] ?? "unknown").toLowerCase()}`;
}

const union = <T>(a: readonly T[], b: readonly T[], max: number) => [...new Set([...b, ...a])].slice(0, max);

/**
 * Record what an appliance's discovery found (POST /agent/devices): first seen is kept, last seen
 * moves, names, addresses and sources accumulate; open ports are what the last probe saw.
 */
export async function recordDevices({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: DeviceReport;
}): Promise<{ recorded: number }> {
  const actor = ctx.actor;
  if (actor.type !== "appliance") throw forbidden("only appliances report devices");
  const byKey = new Map<string, Device>();
  for (const d of input.devices) byKey.set(deviceKey(d), d);
  if (byKey.size === 0) return { recorded: 0 };
  await ctx.db.transaction(async (tx) => {
    const old = await tx
      .select()
      .from(discoveredDevices)
      .where(
        and(
          eq(discoveredDevices.siteId, actor.siteId),
          inArray(discoveredDevices.deviceKey, [...byKey.keys()]),
        ),
      )
      .for("update");
    const known = new Map(old.map((r) => [r.deviceKey, r]));
    for (const [key, d] of byKey) {
      const o = known.get(key);
      const seenAt = new Date(d.seenAt);
      const row = {
        siteId: actor.siteId,
        deviceKey: key,
        mac: d.mac ?? o?.mac ?? null,
        addresses: union(o?.addresses ?? [], d.addresses, 16),
        names: union(o?.names ?? [], d.names, 16),
        osGuess: d.osGuess ?? o?.osGuess ?? null,
        sources: union(o?.sources ?? [], d.sources, 4),
        openPorts: d.sources.includes("probe") ? d.openPorts : (o?.openPorts ?? d.openPorts),
        reportedBy: actor.applianceId,
        firstSeenAt: o && o.firstSeenAt < seenAt ? o.firstSeenAt : seenAt,
        lastSeenAt: o && o.lastSeenAt > seenAt ? o.lastSeenAt : seenAt,
      };
      await tx
        .insert(discoveredDevices)
        .values(row)
        .onConflictDoUpdate({ target: [discoveredDevices.siteId, discoveredDevices.deviceKey], set: row });
    }
  });
  return { recorded: byKey.size };
}
