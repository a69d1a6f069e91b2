/**
 * The appliance's neighbour table: `/proc/net/arp` (IPv4, always readable) and `ip -j neigh`
 * (IPv4 and IPv6). Incomplete and failed entries carry no MAC and are skipped.
 */
import { normalMac, type Observation } from "./observation.ts";

/** Parse `/proc/net/arp`: `IP address  HW type  Flags  HW address  Mask  Device`. */
export function parseProcArp(text: string): Observation[] {
  const out: Observation[] = [];
  for (const line of text.split("\n").slice(1)) {
    const [address, , flags, hw] = line.trim().split(/\s+/);
    const mac = normalMac(hw);
    // Flags 0x0: incomplete (no answer yet).
    if (!address || !mac || flags === "0x0") continue;
    out.push({ source: "neighbour-table", address, mac });
  }
  return out;
}

/** Parse `ip -j neigh` (iproute2 JSON): `[{dst, dev, lladdr, state: [...]}, …]`. */
export function parseIpNeighJson(text: string): Observation[] {
  const rows = JSON.parse(text || "[]") as { dst?: string; lladdr?: string; state?: string[] }[];
  const out: Observation[] = [];
  for (const r of rows) {
    const mac = normalMac(r.lladdr);
    if (!r.dst || !mac || r.state?.some((s) => s === "FAILED" || s === "INCOMPLETE")) continue;
    // Link-local IPv6 neighbours are the same devices again under an address nobody manages by.
    if (r.dst.toLowerCase().startsWith("fe80:")) continue;
    out.push({ source: "neighbour-table", address: r.dst, mac });
  }
  return out;
}
