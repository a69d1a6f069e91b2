import { type CheckContext, type CheckOutcome, outcome } from "../check.ts";

/** Only `root` has UID 0: a second UID 0 account is an unaccountable superuser. */
export async function uid0Accounts({ host }: CheckContext): Promise<CheckOutcome> {
  const passwd = await host.readFile("/etc/passwd");
  if (passwd === null) return outcome("error", "only root has UID 0", "/etc/passwd unreadable");
  const uid0 = passwd
    .split("\n")
    .map((l) => l.split(":"))
    .filter((f) => f.length >= 3 && f[2] === "0")
    .map((f) => f[0]!);
  const extra = uid0.filter((n) => n !== "root");
  const details = { uid0 };
  if (extra.length > 0)
    return outcome("fail", "only root has UID 0", `UID 0 also: ${extra.join(", ")}`, details);
  return outcome(
    "pass",
    "only root has UID 0",
    uid0.length ? "only root" : "no UID 0 account listed",
    details,
  );
}
