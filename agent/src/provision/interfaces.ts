import { existsSync, readdirSync, readFileSync, realpathSync } from "node:fs";
import { join } from "node:path";

/** A network interface the appliance may be registered by. */
export interface NetInterface {
  name: string;
  mac: string;
  wireless: boolean;
}

const ARPHRD_ETHER = "1";

function read(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8").trim();
  } catch {
    return undefined;
  }
}

/**
 * Physical Ethernet-type interfaces from sysfs (`<sysfsRoot>/class/net/*`), wired ones first, then
 * wireless, each group by name. Loopback, virtual devices (bridges, veth, tun, docker…) and
 * all-zero addresses are skipped: an MSP registers the box by the MAC printed on it.
 */
export function listInterfaces(sysfsRoot = "/sys"): NetInterface[] {
  const dir = join(sysfsRoot, "class", "net");
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch {
    return [];
  }
  const found: NetInterface[] = [];
  for (const name of names) {
    const base = join(dir, name);
    if (read(join(base, "type")) !== ARPHRD_ETHER) continue;
    let target = base;
    try {
      target = realpathSync(base);
    } catch {
      continue;
    }
    if (target.includes("/devices/virtual/")) continue;
    const mac = read(join(base, "address"))?.toLowerCase();
    if (!mac || !/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/.test(mac) || mac === "00:00:00:00:00:00") continue;
    const wireless = existsSync(join(base, "wireless")) || existsSync(join(base, "phy80211"));
    found.push({ name, mac, wireless });
  }
  return [...found.filter((i) => !i.wireless), ...found.filter((i) => i.wireless)];
}
