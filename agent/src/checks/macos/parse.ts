/**
 * Parsers for the outputs of macOS's administration tools, as documented in their man pages and
 * printed by current releases (13 Ventura to 15 Sequoia); samples of each are in fixtures/.
 * Each returns plain data, or `undefined` for output it does not recognise (the check then
 * reports an error naming the tool rather than guessing).
 */

/** `fdesetup status`: "FileVault is On." / "Off." plus an in-progress line while converting. */
export function parseFdesetup(out: string): { on: boolean; inProgress?: string } | undefined {
  const m = /FileVault is (On|Off)\./.exec(out);
  if (!m) return undefined;
  const p = /(Encryption|Decryption) in progress: Percent completed = ([\d.]+)/.exec(out);
  return { on: m[1] === "On", ...(p ? { inProgress: `${p[1]!.toLowerCase()} ${p[2]}%` } : {}) };
}

/** `socketfilterfw --getglobalstate`: "Firewall is enabled. (State = 1)" (2: block all). */
export function parseSocketfilterfw(out: string): { state: number } | undefined {
  const m = /Firewall is (?:enabled|disabled|blocking all non-essential)\S*\s*\(State = (\d)\)/.exec(out);
  if (m) return { state: Number(m[1]) };
  if (/Firewall is disabled/.test(out)) return { state: 0 };
  if (/Firewall is enabled/.test(out)) return { state: 1 };
  return undefined;
}

/** `spctl --status`: "assessments enabled" / "assessments disabled". */
export function parseSpctl(out: string): { enabled: boolean } | undefined {
  const m = /assessments (enabled|disabled)/.exec(out);
  return m ? { enabled: m[1] === "enabled" } : undefined;
}

/** `csrutil status`: "System Integrity Protection status: enabled." (or disabled, or custom). */
export function parseCsrutil(out: string): { status: "enabled" | "disabled" | "custom" } | undefined {
  const m = /System Integrity Protection status: (enabled|disabled|unknown)/.exec(out);
  if (!m) return undefined;
  if (m[1] === "unknown" || /Custom Configuration/.test(out)) return { status: "custom" };
  return { status: m[1] as "enabled" | "disabled" };
}

/** `softwareupdate --schedule`: "Automatic checking for updates is turned on" (older: "Automatic check is on"). */
export function parseSoftwareupdateSchedule(out: string): { on: boolean } | undefined {
  const m = /Automatic check(?:ing for updates)? is (?:turned )?(on|off)/i.exec(out);
  return m ? { on: m[1]!.toLowerCase() === "on" } : undefined;
}

/** `softwareupdate -l`: "No new software available." or `* Label:` entries with their attributes. */
export function parseSoftwareupdateList(
  out: string,
): { label: string; recommended: boolean; restart: boolean }[] | undefined {
  if (/No new software available/.test(out)) return [];
  const labels = [...out.matchAll(/^\* Label: (.+)\n\s*Title: ([^\n]*)/gm)];
  if (!labels.length) return /Software Update found the following/.test(out) ? [] : undefined;
  return labels.map((m) => ({
    label: m[1]!.trim(),
    recommended: /Recommended: YES/.test(m[2]!),
    restart: /Action: restart/.test(m[2]!),
  }));
}

/** `systemsetup -getusingnetworktime` / `-getremotelogin`: "Network Time: On", "Remote Login: Off". */
export function parseSystemsetupOnOff(out: string, label: string): { on: boolean } | undefined {
  const m = new RegExp(`${label}: (On|Off)`).exec(out);
  return m ? { on: m[1] === "On" } : undefined;
}

/** `systemsetup -getnetworktimeserver`: "Network Time Server: time.apple.com". */
export function parseNetworkTimeServer(out: string): string | undefined {
  return /Network Time Server: (\S+)/.exec(out)?.[1];
}

/** `dscl . -read /Groups/<g> GroupMembership`: "GroupMembership: root alice"; none: "No such key". */
export function parseGroupMembership(out: string): string[] | undefined {
  if (/No such key: GroupMembership/.test(out)) return [];
  const m = /^GroupMembership:(.*)$/m.exec(out);
  return m ? m[1]!.trim().split(/\s+/).filter(Boolean) : undefined;
}

/** `tmutil destinationinfo`: "No destinations configured." or `Name : …` blocks. */
export function parseTmutilDestinations(out: string): { name: string; kind: string }[] | undefined {
  if (/No destinations configured/.test(out)) return [];
  const names = [...out.matchAll(/^Name\s+:\s+(.+)$/gm)].map((m) => m[1]!.trim());
  const kinds = [...out.matchAll(/^Kind\s+:\s+(.+)$/gm)].map((m) => m[1]!.trim());
  if (!names.length) return undefined;
  return names.map((name, i) => ({ name, kind: kinds[i] ?? "unknown" }));
}

/** `tmutil latestbackup`: a path ending in `YYYY-MM-DD-HHMMSS[.backup]`; its time (local clock). */
export function parseTmutilLatest(out: string): Date | undefined {
  const m = /(\d{4})-(\d{2})-(\d{2})-(\d{2})(\d{2})(\d{2})(?:\.backup)?\/?\s*$/.exec(out.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as number[];
  return new Date(y!, mo! - 1, d!, h!, mi!, s!);
}

/**
 * `sysadminctl -screenLock status` (writes to stderr): "screenLock delay is immediate",
 * "screenLock delay is 300 seconds", or "screenLock is off".
 */
export function parseScreenLock(out: string): { on: boolean; delaySec: number } | undefined {
  if (/screenLock is off/.test(out)) return { on: false, delaySec: Number.POSITIVE_INFINITY };
  if (/screenLock delay is immediate/.test(out)) return { on: true, delaySec: 0 };
  const m = /screenLock delay is (\d+) seconds/.exec(out);
  return m ? { on: true, delaySec: Number(m[1]) } : undefined;
}

/** `sharing -l`: "No share point records." or `name:`/`path:` blocks with an `smb: { shared: 1 }` part. */
export function parseSharing(out: string): { name: string; path: string; smb: boolean }[] | undefined {
  if (/No share point records/.test(out)) return [];
  const blocks = out.split(/\n(?=name:)/).filter((b) => /^name:/m.test(b));
  if (!blocks.length) return /List of Share Points/.test(out) ? [] : undefined;
  return blocks.map((b) => ({
    name: /^name:\s+(.*)$/m.exec(b)?.[1]?.trim() ?? "",
    path: /^path:\s+(.*)$/m.exec(b)?.[1]?.trim() ?? "",
    smb: /smb:\s*\{[^}]*shared:\s*1/.test(b),
  }));
}
