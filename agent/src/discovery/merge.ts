/**
 * Merge the sources' sightings into devices: by MAC where one is known, and a sighting with only an
 * address or a name joins the device already holding that address or (short) name.
 */
import type { Device, DeviceSource } from "../../../protocol/targets.ts";
import type { Observation } from "./observation.ts";

interface Acc {
  mac?: string;
  addresses: Set<string>;
  names: Set<string>;
  osGuess?: string;
  sources: Set<DeviceSource>;
  openPorts: Set<number>;
}

const short = (n: string) => n.toLowerCase().split(".")[0]!;

/** Devices from observations, each stamped `seenAt`. */
export function mergeObservations(obs: readonly Observation[], seenAt: string): Device[] {
  const devices: Acc[] = [];
  const byMac = new Map<string, Acc>();
  const byAddress = new Map<string, Acc>();
  const byName = new Map<string, Acc>();
  // MAC-bearing sightings first, so address- and name-only ones find their device.
  const ordered = [...obs].sort((a, b) => Number(!a.mac) - Number(!b.mac));
  for (const o of ordered) {
    let d =
      (o.mac && byMac.get(o.mac)) ||
      (o.address && byAddress.get(o.address)) ||
      (o.name && byName.get(short(o.name))) ||
      undefined;
    if (!d) {
      d = { addresses: new Set(), names: new Set(), sources: new Set(), openPorts: new Set() };
      devices.push(d);
    }
    if (o.mac && !d.mac) d.mac = o.mac;
    if (o.mac) byMac.set(o.mac, d);
    if (o.address) {
      d.addresses.add(o.address);
      byAddress.set(o.address, d);
    }
    if (o.name) {
      d.names.add(o.name);
      byName.set(short(o.name), d);
    }
    // Active Directory's operating system beats a guess from open ports.
    if (o.osGuess && (!d.osGuess || o.source === "active-directory")) d.osGuess = o.osGuess;
    d.sources.add(o.source);
    for (const p of o.openPorts ?? []) d.openPorts.add(p);
  }
  return devices.map((d) => ({
    ...(d.mac ? { mac: d.mac } : {}),
    addresses: [...d.addresses].slice(0, 16),
    names: [...d.names].slice(0, 16),
    ...(d.osGuess ? { osGuess: d.osGuess.slice(0, 200) } : {}),
    sources: [...d.sources],
    openPorts: [...d.openPorts].sort((a, b) => a - b).slice(0, 16),
    seenAt,
  }));
}
