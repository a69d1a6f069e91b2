/**
 * Computer objects from Active Directory, read on a domain controller over its WinRM executor
 * (one PowerShell command; the RSAT ActiveDirectory module is on every DC).
 */
import * as v from "valibot";
import type { RunbookExecutor } from "../runbooks/executor.ts";
import type { Observation } from "./observation.ts";

/** What the script prints: one object per enabled computer. */
export const AD_COMPUTERS_SCRIPT = `$ErrorActionPreference = 'Stop'
@(Get-ADComputer -Filter * -Properties DNSHostName, IPv4Address, OperatingSystem, OperatingSystemVersion, Enabled |
  Where-Object { $_.Enabled } |
  ForEach-Object { [ordered]@{ name = "$($_.Name)"; dns = "$($_.DNSHostName)"; ip = "$($_.IPv4Address)"; os = "$($_.OperatingSystem) $($_.OperatingSystemVersion)" } }) |
  ConvertTo-Json -Compress -Depth 3`;

const Row = v.object({ name: v.string(), dns: v.string(), ip: v.string(), os: v.string() });

/** Parse the script's output (ConvertTo-Json prints one object bare, several as an array). */
export function parseAdComputers(stdout: string): Observation[] {
  const text = stdout.trim();
  if (!text) return [];
  const parsed = JSON.parse(text) as unknown;
  const rows = v.parse(v.array(Row), Array.isArray(parsed) ? parsed : [parsed]);
  return rows.map((r) => {
    const name = r.dns.trim() || r.name.trim();
    const os = r.os.trim();
    return {
      source: "active-directory" as const,
      name,
      ...(/^\d{1,3}(\.\d{1,3}){3}$/.test(r.ip.trim()) ? { address: r.ip.trim() } : {}),
      ...(os ? { osGuess: os } : {}),
    };
  });
}

/** Read the computer objects through a domain controller's executor. */
export async function adComputers(dc: RunbookExecutor, timeoutMs: number): Promise<Observation[]> {
  const r = await dc.run(AD_COMPUTERS_SCRIPT, { params: {} }, timeoutMs);
  if (r.exitCode !== 0)
    throw new Error(`Get-ADComputer on ${dc.host} failed (exit ${r.exitCode}): ${r.stderr.slice(0, 300)}`);
  return parseAdComputers(r.stdout);
}
