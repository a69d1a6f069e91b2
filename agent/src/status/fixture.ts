/** Status snapshots for tests, the browser suite and the page's screenshots. */
import { sampleFinding } from "../../../protocol/testkit.ts";
import type { StatusSnapshot } from "./snapshot.ts";

/** A busy, realistic snapshot at 2026-11-25T10:05Z: Windows and Linux hosts, one failing check, queue drained. */
export function sampleStatus(overrides: Partial<StatusSnapshot> = {}): StatusSnapshot {
  const at = "2026-11-25T10:04:00.000Z";
  const findings = [
    sampleFinding({ observedAt: at }),
    sampleFinding({
      checkId: "linux.time-sync",
      title: "Clock within 500 ms of NTP",
      citations: ["§164.312(b)"],
      observedAt: at,
      details: {},
    }),
    sampleFinding({
      checkId: "windows.bitlocker",
      host: "FRONTDESK-01",
      status: "fail",
      title: "BitLocker protects the system drive",
      citations: ["§164.312(a)(2)(iv)"],
      expected: "ProtectionStatus On",
      actual: "ProtectionStatus Off",
      observedAt: at,
      details: {},
    }),
    sampleFinding({
      checkId: "windows.defender",
      host: "FRONTDESK-01",
      title: "Defender real-time protection on",
      citations: ["§164.308(a)(5)(ii)(B)"],
      observedAt: at,
      details: {},
    }),
    sampleFinding({
      checkId: "windows.backup",
      host: "EXAM-02",
      status: "warn",
      title: "Backup verified within 7 days",
      citations: ["§164.308(a)(7)(ii)(A)"],
      actual: "last verified 6 days ago",
      observedAt: at,
      details: {},
    }),
  ];
  return {
    generatedAt: "2026-11-25T10:05:00.000Z",
    siteId: "clinic-a",
    applianceId: "app-1",
    agentVersion: "0.1.0",
    hostname: "malachor-01",
    uptimeSec: 200_000,
    checkIntervalSec: 60,
    lastCycle: { at, durationMs: 2400, summary: { pass: 3, fail: 1, warn: 1, error: 0 } },
    findings,
    queue: { depth: 0, bytes: 0, oldestAgeSec: 0 },
    chain: { seq: 1234, head: "ab".repeat(32) },
    lastSync: { at: "2026-11-25T10:04:30.000Z", ok: true },
    lastUpload: { at: "2026-11-25T10:04:31.000Z", ok: true },
    healing: { paused: false, dryRun: false },
    warnings: [],
    ...overrides,
  };
}

/** The moment `sampleStatus` describes, for rendering relative times deterministically. */
export const SAMPLE_NOW = new Date("2026-11-25T10:05:00.000Z");

/** `sampleStatus` moved in time so that it describes `now` (for pages rendered with the real clock). */
export function sampleStatusAt(now: Date, overrides: Partial<StatusSnapshot> = {}): StatusSnapshot {
  const shift = now.getTime() - SAMPLE_NOW.getTime();
  const move = (iso: string) => new Date(Date.parse(iso) + shift).toISOString();
  const s = sampleStatus();
  return {
    ...s,
    generatedAt: move(s.generatedAt),
    lastCycle: s.lastCycle && { ...s.lastCycle, at: move(s.lastCycle.at) },
    findings: s.findings.map((f) => ({ ...f, observedAt: move(f.observedAt) })),
    lastSync: s.lastSync && { ...s.lastSync, at: move(s.lastSync.at) },
    lastUpload: s.lastUpload && { ...s.lastUpload, at: move(s.lastUpload.at) },
    ...overrides,
  };
}
