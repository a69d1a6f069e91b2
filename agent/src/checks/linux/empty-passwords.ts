import { type CheckContext, type CheckOutcome, outcome } from "../check.ts";
import { parseShadow } from "./shadow.ts";

/** No account has an empty password field (anyone could log in as it where passwords are accepted). */
export async function emptyPasswords({ host }: CheckContext): Promise<CheckOutcome> {
  const expected = "every account has a password hash or is locked";
  const shadow = await host.readFile("/etc/shadow");
  if (shadow === null)
    return outcome("error", expected, "/etc/shadow unreadable (the scan account needs read access)");
  const empty = parseShadow(shadow)
    .filter((e) => e.hash === "")
    .map((e) => e.name);
  return empty.length
    ? outcome("fail", expected, `empty password: ${empty.join(", ")}`, { accounts: empty })
    : outcome("pass", expected, "none empty", { accounts: [] });
}
