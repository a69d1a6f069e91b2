import { desc, eq } from "drizzle-orm";
import { assertSiteAccess } from "../auth/permissions.ts";
import type { ServiceContext } from "../context.ts";
import { discoveredDevices, targets } from "../db/schema/targets.ts";
import type { DeviceList } from "./schemas.ts";

const short = (name: string) => name.toLowerCase().split(".")[0]!;

/** Which target covers a device: a target host equal to one of its addresses or (short) names. */
export function coveringTarget(
  device: { addresses: readonly string[]; names: readonly string[] },
  ts: readonly { id: string; host: string }[],
): string | null {
  const ids = new Set([...device.addresses.map((a) => a.toLowerCase()), ...device.names.map(short)]);
  return ts.find((t) => ids.has(t.host.toLowerCase()) || ids.has(short(t.host)))?.id ?? null;
}

/** A site's discovered devices, newest first, each marked with the target covering it (or unmanaged). */
export async function listDevices({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { siteId: string; unmanagedOnly?: boolean };
}): Promise<DeviceList> {
  assertSiteAccess(ctx.actor, input.siteId);
  const [rows, ts] = await Promise.all([
    ctx.db
      .select()
      .from(discoveredDevices)
      .where(eq(discoveredDevices.siteId, input.siteId))
      .orderBy(desc(discoveredDevices.lastSeenAt))
      .limit(2_000),
    ctx.db
      .select({ id: targets.id, host: targets.host })
      .from(targets)
      .where(eq(targets.siteId, input.siteId)),
  ]);
  const devices = rows.map((r) => ({
    key: r.deviceKey,
    mac: r.mac,
    addresses: r.addresses,
    names: r.names,
    osGuess: r.osGuess,
    sources: r.sources,
    openPorts: r.openPorts,
    firstSeenAt: r.firstSeenAt.toISOString(),
    lastSeenAt: r.lastSeenAt.toISOString(),
    targetId: coveringTarget(r, ts),
  }));
  return { devices: input.unmanagedOnly ? devices.filter((d) => d.targetId === null) : devices };
}
