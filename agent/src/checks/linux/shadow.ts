/** One /etc/shadow entry (the fields the account checks use). */
export interface ShadowEntry {
  name: string;
  /** The hash field: "" no password, "!…"/"*" locked. */
  hash: string;
}

/** Parse /etc/shadow. */
export function parseShadow(text: string): ShadowEntry[] {
  return text
    .split("\n")
    .map((l) => l.split(":"))
    .filter((f) => f.length >= 2 && f[0])
    .map((f) => ({ name: f[0]!, hash: f[1]! }));
}

/** Accounts from /etc/passwd that can log in (a real shell). */
export function loginAccounts(passwd: string): { name: string; uid: number; shell: string }[] {
  return passwd
    .split("\n")
    .map((l) => l.split(":"))
    .filter((f) => f.length >= 7 && f[0])
    .map((f) => ({ name: f[0]!, uid: Number(f[2]), shell: f[6]!.trim() }))
    .filter((a) => a.shell !== "" && !/(nologin|false|sync|shutdown|halt)$/.test(a.shell));
}
