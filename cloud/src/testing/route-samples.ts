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

/**
 * A valid body per core route ("METHOD path" as registered), so the authorization matrix reaches
 * the service's own scope checks and the fuzzer has something well-formed to mutate.
 */
export const SAMPLE_BODIES: Record<string, unknown> = {
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
  "POST /api/sites/:siteId/appliances": { name: "new", publicKey: "b".repeat(64) },
  "POST /api/appliances/:applianceId/keys": {},
  "POST /api/sites/:siteId/clear-stale": {},
  "POST /api/tokens": { name: "t", role: "read-only" },
  "POST /api/provision/:mac": { siteId: "site-a" },
};
