/**
 * DHCP leases, where the appliance can read them: dnsmasq's lease file and ISC dhcpd's
 * `dhcpd.leases`. A lease names the client's MAC, address and (often) host name.
 */
import { normalMac, type Observation } from "./observation.ts";

const hostName = (s: string | undefined) =>
  s && s !== "*" && /^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$/.test(s) ? s : undefined;

/** dnsmasq: one lease per line, `<expiry epoch> <mac> <ip> <hostname|*> <client-id|*>`. */
export function parseDnsmasqLeases(text: string): Observation[] {
  const out: Observation[] = [];
  for (const line of text.split("\n")) {
    const [, hw, address, name] = line.trim().split(/\s+/);
    const mac = normalMac(hw);
    if (!mac || !address) continue;
    const n = hostName(name);
    out.push({ source: "dhcp-lease", mac, address, ...(n ? { name: n } : {}) });
  }
  return out;
}

/**
 * ISC dhcpd.leases: `lease <ip> { … hardware ethernet <mac>; client-hostname "<name>"; binding
 * state active; … }`. The file is append-only, so a later block for the same address wins; leases
 * whose binding state is free or expired (the client left) are dropped.
 */
export function parseIscLeases(text: string): Observation[] {
  const byAddress = new Map<string, Observation | null>();
  for (const m of text.matchAll(/lease\s+([0-9a-fA-F.:]+)\s*\{([^}]*)\}/g)) {
    const address = m[1]!;
    const body = m[2]!;
    const mac = normalMac(/hardware\s+ethernet\s+([0-9a-fA-F:]+)\s*;/.exec(body)?.[1]);
    const state = /(?:^|\s)binding\s+state\s+(\w+)\s*;/.exec(body)?.[1];
    const name = hostName(/client-hostname\s+"([^"]*)"\s*;/.exec(body)?.[1]);
    if (!mac || (state && state !== "active")) {
      byAddress.set(address, null);
      continue;
    }
    byAddress.set(address, { source: "dhcp-lease", mac, address, ...(name ? { name } : {}) });
  }
  return [...byAddress.values()].filter((o): o is Observation => o !== null);
}
