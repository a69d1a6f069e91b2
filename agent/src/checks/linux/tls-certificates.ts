import { expiryVerdict, pemCertificates } from "../certs.ts";
import { type LinuxCheck, outcome } from "../check.ts";

/** Server certificates where each family keeps them: Let's Encrypt, RHEL's pki, Debian's snakeoil. */
const FILES = ["/etc/pki/tls/certs/localhost.crt", "/etc/ssl/certs/ssl-cert-snakeoil.pem"];
const LIVE = "/etc/letsencrypt/live";

/** TLS certificates the host serves are not expired nor expiring within 30 days. */
export const tlsCertificates: LinuxCheck = {
  id: "linux.tls-certificates",
  title: "TLS certificates are valid for 30 more days",
  citations: ["§164.312(e)(1)", "§164.312(e)(2)(ii)"],
  severity: "high",
  runbookId: "linux.tls-certificates",
  async detect({ host }) {
    const live = ((await host.listDir(LIVE)) ?? [])
      .filter((n) => n !== "README")
      .map((n) => `${LIVE}/${n}/cert.pem`);
    const paths = [...FILES, ...live];
    const texts = await Promise.all(paths.map((p) => host.readFile(p)));
    const certs = paths.flatMap((where, i) => pemCertificates(texts[i] ?? "").map((c) => ({ ...c, where })));
    const v = expiryVerdict(certs, host.now());
    return outcome(v.status, "no certificate expired or expiring within 30 days", v.actual, v.details);
  },
};
