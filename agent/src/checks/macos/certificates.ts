import { expiryVerdict, pemCertificates } from "../certs.ts";
import { type LinuxCheck, outcome } from "../check.ts";

const KEYCHAIN = "/Library/Keychains/System.keychain";

/** Certificates installed in the System keychain (Wi-Fi, VPN, server identities) are not expiring. */
export const certificates: LinuxCheck = {
  id: "macos.certificates",
  title: "System keychain certificates are valid for 30 more days",
  citations: ["§164.312(e)(1)", "§164.312(e)(2)(ii)"],
  severity: "medium",
  async detect({ host }) {
    const expected = "no certificate expired or expiring within 30 days";
    const r = await host.run(["security", "find-certificate", "-a", "-p", KEYCHAIN]);
    if (r.code !== 0 && !r.stdout)
      return outcome("error", expected, `security: ${(r.stderr.trim() || `exit ${r.code}`).slice(0, 200)}`);
    const certs = pemCertificates(r.stdout).map((c) => ({ ...c, where: "System.keychain" }));
    const v = expiryVerdict(certs, host.now());
    return outcome(v.status, expected, v.actual, v.details);
  },
};
