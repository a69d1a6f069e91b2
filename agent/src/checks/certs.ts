import { X509Certificate } from "node:crypto";

/** One certificate's subject and expiry. */
export interface CertExpiry {
  subject: string;
  notAfter: Date;
}

/** Every PEM certificate in a text (a file or `security find-certificate -p` output). */
export function pemCertificates(text: string): CertExpiry[] {
  const out: CertExpiry[] = [];
  for (const m of text.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)) {
    try {
      const c = new X509Certificate(m[0]);
      out.push({ subject: c.subject.replace(/\n/g, ", "), notAfter: new Date(c.validTo) });
    } catch {
      // A damaged block is skipped; the others still count.
    }
  }
  return out;
}

/** Verdict over certificates: fail when one has expired, warn within `warnDays`. */
export function expiryVerdict(
  certs: readonly (CertExpiry & { where: string })[],
  now: number,
  warnDays = 30,
): {
  status: "pass" | "warn" | "fail";
  actual: string;
  details: { expired: string[]; expiringSoon: string[]; checked: number };
} {
  const day = 86_400_000;
  const label = (c: CertExpiry & { where: string }) =>
    `${c.where} (${c.subject.slice(0, 80)}) ${c.notAfter.toISOString().slice(0, 10)}`;
  const expired = certs.filter((c) => c.notAfter.getTime() <= now).map(label);
  const soon = certs
    .filter((c) => c.notAfter.getTime() > now && c.notAfter.getTime() - now < warnDays * day)
    .map(label);
  const details = { expired: expired.slice(0, 20), expiringSoon: soon.slice(0, 20), checked: certs.length };
  if (expired.length) return { status: "fail", actual: `expired: ${expired.join("; ")}`, details };
  if (soon.length)
    return { status: "warn", actual: `expiring within ${warnDays} days: ${soon.join("; ")}`, details };
  return {
    status: "pass",
    actual: certs.length
      ? `${certs.length} certificates valid beyond ${warnDays} days`
      : "no server certificates found",
    details,
  };
}
