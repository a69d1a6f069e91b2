import { failedLogons, type NewEvent } from "../winrm-server/events.ts";

/**
 * Drifts the demo can introduce on its simulated Windows hosts (`on`: the clinic's file server or
 * the front-desk workstation): a JSON merge patch of the host's state, or events written to one of
 * its logs (a threat: raised to a person, never fixed).
 */
export const DRIFTS = {
  "firewall-off": {
    on: "server",
    what: "turn the Windows Firewall off for the Public and Private profiles",
    check: "windows.firewall",
    patch: { firewall: { Public: { enabled: false }, Private: { enabled: false } } },
  },
  "defender-off": {
    on: "server",
    what: "switch off Defender real-time protection",
    check: "windows.defender",
    patch: { defender: { realTimeProtectionEnabled: false } },
  },
  "smb1-on": {
    on: "server",
    what: "re-enable the SMBv1 protocol",
    check: "windows.smb1",
    patch: { smb: { enableSMB1Protocol: true } },
  },
  "screen-lock-off": {
    on: "workstation",
    what: "remove the front-desk workstation's inactivity limit (its screen never locks)",
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
    on: "workstation",
    what: "a burst of 25 failed logons at the front desk from one address (password guessing): raised to a person",
    check: "windows.threat-brute-force",
    events: { log: "Security", events: failedLogons(25, "192.0.2.66", "dr.reyes") },
  },
} as const satisfies Record<
  string,
  { on: "server" | "workstation"; what: string; check: string } & (
    | { patch: Record<string, unknown> }
    | { events: { log: string; events: NewEvent[] } }
  )
>;

export type DriftName = keyof typeof DRIFTS;

/** Where a running demo writes its URLs, so `drift.ts` can find the simulated hosts. */
export const SESSION_FILE = `${import.meta.dir}/../../.data/demo/session.json`;

/** Where `drift.ts` notes the last drift it applied, so the demo can time drift → fix. */
export const LAST_DRIFT_FILE = `${import.meta.dir}/../../.data/demo/last-drift.json`;

/** Apply a drift through the control API of the WinRM test server at `simUrl` (the drift's `on` host). */
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
