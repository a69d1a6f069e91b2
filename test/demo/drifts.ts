/** Drifts the demo can introduce on the simulated Windows host: a JSON merge patch of its state each. */
export const DRIFTS = {
  "firewall-off": {
    what: "turn the Windows Firewall off for the Public and Private profiles",
    check: "windows.firewall",
    patch: { firewall: { Public: { enabled: false }, Private: { enabled: false } } },
  },
  "defender-off": {
    what: "switch off Defender real-time protection",
    check: "windows.defender",
    patch: { defender: { realTimeProtectionEnabled: false } },
  },
  "smb1-on": {
    what: "re-enable the SMBv1 protocol",
    check: "windows.smb1",
    patch: { smb: { enableSMB1Protocol: true } },
  },
} as const satisfies Record<string, { what: string; check: string; patch: Record<string, unknown> }>;

export type DriftName = keyof typeof DRIFTS;

/** Where a running demo writes its URLs, so `drift.ts` can find the simulated host. */
export const SESSION_FILE = `${import.meta.dir}/../../.data/demo/session.json`;

/** Where `drift.ts` notes the last drift it applied, so the demo can time drift → fix. */
export const LAST_DRIFT_FILE = `${import.meta.dir}/../../.data/demo/last-drift.json`;

/** Apply a drift to the WinRM test server's state through its control API. */
export async function applyDrift(simUrl: string, name: DriftName): Promise<void> {
  const r = await fetch(`${simUrl}/_sim/state`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(DRIFTS[name].patch),
  });
  if (!r.ok) throw new Error(`POST ${simUrl}/_sim/state → ${r.status}: ${await r.text()}`);
}
