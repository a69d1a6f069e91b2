import { expiryVerdict, pemCertificates } from "../certs.ts";
import { type CheckContext, type CheckOutcome, outcome } from "../check.ts";

const KEYCHAIN = "/Library/Keychains/System.keychain";

/** Certificates installed in the System keychain (Wi-Fi, VPN, server identities) are not expiring. */
export async function certificates({ host }: CheckContext): Promise<CheckOutcome> {
  const expected = "no certificate expired or expiring within 30 days";
  const r = await host.run(["security", "find-certificate", "-a", "-p", KEYCHAIN]);
  if (r.code !== 0 && !r.stdout)
    return outcome("error", expected, `security: ${(r.stderr.trim() || `exit ${r.code}`).slice(0, 200)}`);
  const certs = pemCertificates(r.stdout).map((c) => ({ ...c, where: "System.keychain" }));
  const v = expiryVerdict(certs, host.now());
  return outcome(v.status, expected, v.actual, v.details);
}
