/**
 * The address a request came from, for per-address limits. `X-Forwarded-For` is believed only
 * when the connection comes from a configured proxy (TRUSTED_PROXIES); without that list it is
 * ignored, so no client can pick the address it is counted under.
 */
import { BlockList, isIP } from "node:net";
import type { Context } from "hono";
import { getConnInfo } from "hono/bun";

/** Parse `a.b.c.d/n`, `x::y/n` or a bare address (a /32 or /128); throws naming a bad entry. */
function addCidr(list: BlockList, entry: string): void {
  const [address = "", bits, extra] = entry.trim().split("/");
  const family = isIP(address);
  const max = family === 6 ? 128 : 32;
  const prefix = bits === undefined ? max : Number(bits);
  if (family === 0 || extra !== undefined || !/^\d{1,3}$/.test(bits ?? String(max)) || prefix > max) {
    throw new Error(`"${entry}" is not an IP address or CIDR range like 10.0.0.0/8 or fd00::/8`);
  }
  list.addSubnet(address, prefix, family === 6 ? "ipv6" : "ipv4");
}

/** A set of proxy addresses, from CIDR ranges. */
export interface TrustedProxies {
  has(address: string): boolean;
}

/** Build the trusted-proxy set from CIDR ranges (throws naming the first bad one). */
export function trustedProxies(cidrs: readonly string[]): TrustedProxies {
  const list = new BlockList();
  for (const c of cidrs) addCidr(list, c);
  return {
    has: (a) => {
      const family = isIP(a);
      return family !== 0 && list.check(a, family === 6 ? "ipv6" : "ipv4");
    },
  };
}

/** Split a comma-separated TRUSTED_PROXIES value, checking every entry. */
export function parseTrustedProxies(text: string): string[] {
  const entries = text
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  trustedProxies(entries);
  return entries;
}

/** `::ffff:1.2.3.4` → `1.2.3.4`; `[::1]` → `::1`; `1.2.3.4:5678` → `1.2.3.4`. */
function plainAddress(raw: string): string {
  let a = raw.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(a);
  if (bracketed) a = bracketed[1]!;
  else if (/^\d{1,3}(\.\d{1,3}){3}:\d+$/.test(a)) a = a.slice(0, a.lastIndexOf(":"));
  const mapped = /^::ffff:(\d{1,3}(\.\d{1,3}){3})$/i.exec(a);
  return mapped ? mapped[1]! : a;
}

/**
 * The client's address: the connection's peer, unless that peer is a trusted proxy; then the
 * `X-Forwarded-For` chain is walked from the right (each proxy appends the address it saw) past
 * trusted hops to the first address that is not a trusted proxy. "unknown" when the request did
 * not come over a socket (e.g. `app.request` in tests).
 */
export function clientAddress(c: Context, trusted: TrustedProxies | null): string {
  let peer: string | undefined;
  try {
    peer = getConnInfo(c).remote.address;
  } catch {
    peer = undefined;
  }
  if (!peer) return "unknown";
  let client = plainAddress(peer);
  if (!trusted?.has(client)) return client;
  const hops = (c.req.header("x-forwarded-for") ?? "").split(",").reverse();
  for (const hop of hops) {
    if (hop.trim() === "") continue;
    const a = plainAddress(hop);
    // A hop that is no address means the chain before it cannot be trusted: stop at the last proxy.
    if (isIP(a) === 0) break;
    client = a;
    if (!trusted.has(a)) break;
  }
  return client;
}

const built = new WeakMap<readonly string[], TrustedProxies>();

/** clientAddress with the cloud's configured `trustedProxies` (the set is built once per list). */
export function requestAddress(c: Context, config: { trustedProxies: readonly string[] }): string {
  const list = config.trustedProxies;
  if (list.length === 0) return clientAddress(c, null);
  let t = built.get(list);
  if (!t) {
    t = trustedProxies(list);
    built.set(list, t);
  }
  return clientAddress(c, t);
}
