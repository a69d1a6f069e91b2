import { failedLogons, type NewEvent } from "../winrm-server/events.ts";

/**
 * Drifts the demo can introduce on the simulated Windows host: a JSON merge patch of its state, or
 * events written to one of its logs (a threat: raised to a person, never fixed).
 */
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
  "screen-lock-off": {
    what: "remove the machine inactivity limit (the screen never locks)",
    check: "windows.screen-lock",
    patch: {
      registry: {
        "HKLM:\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\System": {
          InactivityTimeoutSecs: null,
        },
      },
    },
  },
  "brute-force": {
    what: "a burst of 25 failed logons from one address (password guessing): raised to a person",
    check: "windows.threat-brute-force",
    events: { log: "Security", events: failedLogons(25, "192.0.2.66", "dr.reyes") },
  },
} as const satisfies Record<
  string,
  { what: string; check: string } & (
    | { patch: Record<string, unknown> }
    | { events: { log: string; events: NewEvent[] } }
  )
>;

export type DriftName = keyof typeof DRIFTS;

/** Where a running demo writes its URLs, so `drift.ts` can find the simulated host. */
export const SESSION_FILE = `${import.meta.dir}/../../.data/demo/session.json`;

/** Where `drift.ts` notes the last drift it applied, so the demo can time drift → fix. */
export const LAST_DRIFT_FILE = `${import.meta.dir}/../../.data/demo/last-drift.json`;

/** Apply a drift to the WinRM test server's state through its control API. */
export async function applyDrift(simUrl: string, name: DriftName): Promise<void> {
  const d: { patch?: unknown; events?: unknown } = DRIFTS[name];
  const path = d.events ? "/_sim/events" : "/_sim/state";
  const r = await fetch(`${simUrl}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(d.events ?? d.patch),
  });
  if (!r.ok) throw new Error(`POST ${simUrl}${path} → ${r.status}: ${await r.text()}`);
}
