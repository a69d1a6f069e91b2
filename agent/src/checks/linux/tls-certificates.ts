import { expiryVerdict, pemCertificates } from "../certs.ts";
import { type CheckContext, type CheckOutcome, outcome } from "../check.ts";

/** Server certificates where each family keeps them: Let's Encrypt, RHEL's pki, Debian's snakeoil. */
const FILES = ["/etc/pki/tls/certs/localhost.crt", "/etc/ssl/certs/ssl-cert-snakeoil.pem"];
const LIVE = "/etc/letsencrypt/live";

/** TLS certificates the host serves are not expired nor expiring within 30 days. */
export async function tlsCertificates({ host }: CheckContext): Promise<CheckOutcome> {
  const live = ((await host.listDir(LIVE)) ?? [])
    .filter((n) => n !== "README")
    .map((n) => `${LIVE}/${n}/cert.pem`);
  const paths = [...FILES, ...live];
  const texts = await Promise.all(paths.map((p) => host.readFile(p)));
  const certs = paths.flatMap((where, i) => pemCertificates(texts[i] ?? "").map((c) => ({ ...c, where })));
  const v = expiryVerdict(certs, host.now());
  return outcome(v.status, "no certificate expired or expiring within 30 days", v.actual, v.details);
}
