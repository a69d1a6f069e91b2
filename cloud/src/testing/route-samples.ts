import type { Incident } from "../../../protocol/incident.ts";
import type { L1Rule } from "../../../protocol/rules.ts";
import { DEFAULT_SITE_CONFIG } from "../../../protocol/sync.ts";
import { sampleCheckin } from "../../../protocol/testkit.ts";

const { version: _v, ...config } = DEFAULT_SITE_CONFIG;
const rule: L1Rule = {
  id: "r1",
  version: 1,
  description: "sample",
  enabled: true,
  priority: 1,
  match: { checks: ["*"], statuses: ["fail"], conditions: [] },
  action: { type: "escalate", reason: "sample" },
  citations: [],
  cooldownSec: 300,
  maxAttempts: 3,
  flap: { windowSec: 3600, maxFixes: 3 },
  source: "custom",
};

/** An incident of appliance "a-app" (the appliance the authorization matrix and the fuzzer create). */
export const SAMPLE_INCIDENT: Incident = {
  id: "inc-1",
  applianceId: "a-app",
  checkId: "windows.firewall",
  host: "fs01",
  severity: "high",
  tier: "L3",
  status: "open",
  title: "Firewall off",
  summary: "The public profile is off.",
  details: { profiles: { Public: { enabled: false } } },
  citations: ["§164.312(e)(1)"],
  occurrences: 1,
  openedAt: "2026-11-25T12:00:00.000Z",
};

const SAMPLE_BAA = {
  vendor: "EHR Co",
  services: "hosted EHR",
  phi: ["charts"],
  signedOn: "2026-01-01",
  expiresOn: "2027-01-01",
};

/**
 * A valid body per route that takes one ("METHOD path" as registered), so the authorization matrix reaches
 * the service's own scope checks and the fuzzer has something well-formed to mutate.
 */
export const SAMPLE_BODIES: Record<string, unknown> = {
  "POST /api/sites/:siteId/program/officials": { role: "security-official", email: "dana@clinic.example" },
  "POST /api/sites/:siteId/program/sras": { trigger: "on-demand" },
  "POST /api/sites/:siteId/program/baas": SAMPLE_BAA,
  "PUT /api/sites/:siteId/program/baas/:baaId": SAMPLE_BAA,
  "POST /api/sites/:siteId/program/baas/:baaId/end": { note: "vendor replaced" },
  "POST /api/sites/:siteId/program/training": {
    person: { name: "Sam Staff", email: "sam@clinic.example" },
    courseId: "security-awareness",
    dueOn: "2027-01-01",
  },
  "POST /api/sites/:siteId/program/exceptions": {
    target: { kind: "control", citation: "§164.310(c)" },
    reason: "sample",
    compensatingControl: "sample",
    expiresOn: "2027-01-01",
  },
  "POST /api/sites/:siteId/program/exceptions/:exceptionId/revoke": { note: "sample" },
  "POST /agent/checkin": sampleCheckin(),
  "POST /agent/orders/:orderId/ack": { receivedAt: "2026-11-25T12:00:00.000Z" },
  "POST /agent/orders/:orderId/complete": {
    status: "succeeded",
    result: {},
    finishedAt: "2026-11-25T12:00:00.000Z",
  },
  "POST /agent/enroll": {
    enrollCode: "AAAA-BBBB-CCCC-DDDD",
    publicKey: "a".repeat(64),
    hostname: "h",
    agentVersion: "0.1.0",
    at: "2026-11-25T12:00:00.000Z",
    signature: "b".repeat(128),
  },
  "POST /api/provision/:mac/claim": {
    publicKey: "a".repeat(64),
    hostname: "h",
    agentVersion: "0.1.0",
    at: "2026-11-25T12:00:00.000Z",
    signature: "b".repeat(128),
  },
  "POST /api/provision-claims/:claimId/approve": { fingerprint: "0000-0000-0000-0000" },
  "POST /api/provision-claims/:claimId/reject": {},
  "POST /api/sites": { id: "site-new", name: "New", tier: "essential" },
  "PUT /api/sites/:siteId/config": config,
  "PUT /api/rules": { rules: [rule] },
  "PUT /api/sites/:siteId/rules": { rules: [rule] },
  "POST /api/sites/:siteId/orders": { type: "sync_rules", params: {} },
  "POST /api/orders/:orderId/approve": {},
  "POST /api/orders/:orderId/reject": {},
  "POST /api/alerts/:alertId/ack": {},
  "POST /api/alerts/:alertId/resolve": {},
  "POST /api/sites/:siteId/appliances": { name: "new", publicKey: "b".repeat(64) },
  "POST /api/appliances/:applianceId/keys": {},
  "POST /api/sites/:siteId/clear-stale": {},
  "POST /api/sites/:siteId/tlog/checkpoints": {},
  "POST /api/tokens": { name: "t", role: "read-only" },
  "POST /api/provision/:mac": { siteId: "site-a" },
  "POST /agent/incidents": { incidents: [SAMPLE_INCIDENT] },
  "POST /agent/plan": { incident: SAMPLE_INCIDENT, allowedRunbooks: ["windows.firewall"] },
  "POST /agent/plan/:planId/outcome": { outcome: "fixed" },
  "POST /api/sites/:siteId/incidents/:applianceId/:incidentId/resolve": { resolution: "re-enabled" },
  "POST /api/learning/patterns/:pattern/reject": { reason: "not wanted" },
  "POST /agent/escrow": {
    host: "fs01",
    volume: "C:",
    protectorId: "{01234567-89ab-cdef-0123-456789abcdef}",
    recoveryPassword: "111111-222222-333333-444444-555555-666666-777777-888888",
  },
  "POST /api/sites/:siteId/targets": {
    spec: { kind: "windows", host: "fs01", transport: "http-ntlm", username: "svc" },
    secret: { kind: "password", password: "sample" },
  },
  "PUT /api/sites/:siteId/targets/:targetId/credential": { secret: { kind: "password", password: "sample" } },
  "POST /agent/devices": {
    observedAt: "2026-11-25T12:00:00.000Z",
    devices: [
      {
        addresses: ["10.0.0.5"],
        names: [],
        sources: ["neighbour-table"],
        openPorts: [],
        seenAt: "2026-11-25T12:00:00.000Z",
      },
    ],
  },
  "POST /api/releases": { version: "9.9.9", sha256: "f".repeat(64), size: 1 },
  "POST /api/releases/:version/sign": { expiresInSec: 3600 },
};
