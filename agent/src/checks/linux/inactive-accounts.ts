import { type CheckContext, type CheckOutcome, outcome } from "../check.ts";
import { loginAccounts, parseShadow } from "./shadow.ts";

/** Days without a login after which an interactive account counts as inactive. */
export const INACTIVE_DAYS = 90;

/**
 * People's accounts (UID ≥ 1000, a login shell, not locked) that have not logged in for 90 days:
 * leavers whose access was never removed. `lastlog -b 90` lists them (Debian, RHEL; NixOS ships it
 * with shadow); without lastlog the check warns that it cannot tell.
 */
export async function inactiveAccounts({ host }: CheckContext): Promise<CheckOutcome> {
  const expected = `every unlocked login account used within ${INACTIVE_DAYS} days`;
  const [passwd, shadow, last] = await Promise.all([
    host.readFile("/etc/passwd"),
    host.readFile("/etc/shadow"),
    host.run(["lastlog", "-b", String(INACTIVE_DAYS)]),
  ]);
  if (passwd === null) return outcome("error", expected, "/etc/passwd unreadable");
  const locked = new Set(
    parseShadow(shadow ?? "")
      .filter((e) => e.hash.startsWith("!") || e.hash === "*" || e.hash === "!!")
      .map((e) => e.name),
  );
  const people = loginAccounts(passwd).filter((a) => a.uid >= 1000 && a.uid < 60000 && !locked.has(a.name));
  if (last.code !== 0)
    return outcome("warn", expected, "lastlog unavailable; cannot tell", {
      accounts: people.map((a) => a.name),
    });
  const stale = new Set(
    last.stdout
      .split("\n")
      .slice(1)
      .map((l) => l.split(/\s+/)[0])
      .filter((n): n is string => !!n),
  );
  const inactive = people.filter((a) => stale.has(a.name)).map((a) => a.name);
  return inactive.length
    ? outcome("fail", expected, `inactive ${INACTIVE_DAYS}+ days: ${inactive.join(", ")}`, {
        accounts: inactive,
      })
    : outcome("pass", expected, `${people.length} login accounts, none inactive`, { accounts: [] });
}
