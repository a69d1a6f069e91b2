import type { HostNames } from "../data/host-names.ts";

/** What a person calls a host: the name discovery found for its address, else the address itself. */
export const hostLabel = (host: string, names: HostNames): string => names.get(host) ?? host;

// A run of the characters of IPv4 and IPv6 addresses that is not part of a longer word.
const ADDRESS_LIKE = /(?<![\w.:-])[0-9A-Fa-f.:]+(?![\w-])/g;

/**
 * Text written on the appliance that mentions host addresses ("no check has run on 192.168.10.20"),
 * with each address whose name is known read as "FRONTDESK-2 (192.168.10.20)". Only whole
 * addresses are replaced, never the start of a longer one (10.0.0.1 inside 10.0.0.12).
 */
export function nameAddresses(text: string, names: HostNames): string {
  if (names.size === 0) return text;
  return text.replace(ADDRESS_LIKE, (m) => {
    // Sentence punctuation after an address ("on 10.0.0.5.", "10.0.0.5:") is not part of it.
    const address = m.replace(/[.:]+$/, "");
    const name = names.get(address);
    return name ? `${name} (${address})${m.slice(address.length)}` : m;
  });
}

/** A computer by its name, with the address the check used on hover; the address alone when no name is known. */
export function Host(p: { host: string; names: HostNames }) {
  const name = p.names.get(p.host);
  return name ? (
    <span class="mono" title={p.host} data-host={p.host}>
      {name}
    </span>
  ) : (
    <span class="mono">{p.host}</span>
  );
}
