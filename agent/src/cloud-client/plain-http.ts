/** True for names and addresses that never leave the machine. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  return h === "localhost" || h === "::1" || /^127(\.\d{1,3}){3}$/.test(h);
}

/**
 * Why the agent must not talk to `url`, or null: plain http:// beyond loopback would carry the API
 * key and evidence unencrypted, so it is refused unless the site explicitly allows it
 * (`cloud.allow_plain_http`, e.g. a lab behind its own VPN).
 */
export function plainHttpProblem(url: string, allowPlainHttp: boolean): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null; // the URL check itself reports a malformed URL
  }
  if (u.protocol !== "http:" || allowPlainHttp || isLoopbackHost(u.hostname)) return null;
  return `plain http to ${u.host} would send the API key and evidence unencrypted; use https://, or set cloud.allow_plain_http = true if this site really has no TLS`;
}
