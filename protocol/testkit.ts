import type { CheckinRequest } from "./checkin.ts";
import { buildBundle, bundleHash, type EvidenceBundle } from "./evidence.ts";
import type { Finding } from "./finding.ts";
import { generateKeyPair, type KeyPair } from "./sign.ts";
import { PROTOCOL_VERSION } from "./version.ts";

/** A sample finding for tests and fixtures. */
export function sampleFinding(overrides: Partial<Finding> = {}): Finding {
  return {
    checkId: "linux.ssh-hardening",
    host: "appliance",
    status: "pass",
    severity: "high",
    title: "SSH refuses root and password logins",
    citations: ["§164.312(a)(1)", "§164.312(d)"],
    expected: "PermitRootLogin no; PasswordAuthentication no",
    actual: "PermitRootLogin no; PasswordAuthentication no",
    details: { permitRootLogin: "no", passwordAuthentication: "no" },
    observedAt: "2026-11-25T10:00:00.000Z",
    ...overrides,
  };
}

/** A finding with only what the score reads varying: check, status, citations (host h1, medium). */
export function scoredFinding(
  checkId: string,
  status: Finding["status"],
  citations: string[],
  observedAt = "2026-11-25T10:00:00.000Z",
): Finding {
  return {
    checkId,
    host: "h1",
    status,
    severity: "medium",
    title: checkId,
    citations,
    details: {},
    observedAt,
  };
}

/** Build a valid signed chain of `n` bundles for one appliance (test fixture). */
export function sampleChain(
  n: number,
  opts: { key?: KeyPair; siteId?: string; applianceId?: string } = {},
): { key: KeyPair; bundles: EvidenceBundle[] } {
  const key = opts.key ?? generateKeyPair();
  const ids = { siteId: opts.siteId ?? "site-a", applianceId: opts.applianceId ?? "app-1" };
  const bundles: EvidenceBundle[] = [];
  let head = { seq: 0, hash: "" };
  for (let i = 0; i < n; i++) {
    const at = new Date(Date.UTC(2026, 10, 25, 10, i)).toISOString();
    const b = buildBundle(
      ids,
      head,
      {
        kind: "check-cycle",
        findings: [sampleFinding({ observedAt: at, status: i % 3 === 0 ? "fail" : "pass" })],
        createdAt: at,
      },
      key.secretKey,
    );
    bundles.push(b);
    head = { seq: b.seq, hash: bundleHash(b) };
  }
  return { key, bundles };
}

/** A valid check-in body. */
export function sampleCheckin(over: Partial<CheckinRequest> = {}): CheckinRequest {
  return {
    protocolVersion: PROTOCOL_VERSION,
    agentVersion: "0.1.0",
    hostname: "appliance-1",
    uptimeSec: 120,
    lastCycle: null,
    queue: { depth: 0, bytes: 0, oldestAgeSec: 0 },
    chain: { seq: 0, head: "0".repeat(64) },
    configVersion: 0,
    rulesVersion: 0,
    warnings: [],
    ...over,
  };
}
