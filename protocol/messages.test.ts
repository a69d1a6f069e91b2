import { describe, expect, test } from "bun:test";
import type * as v from "valibot";
import { CheckinRequest } from "./checkin.ts";
import { clipText, parse, ValidationError } from "./common.ts";
import { EvidenceBundle } from "./evidence.ts";
import { IncidentReport } from "./incident.ts";
import { EvidenceUpload, KeyEscrow } from "./ingest.ts";
import { Order } from "./order.ts";
import { PlannerReply } from "./plan.ts";
import { EnrollRequest, ProvisionRecord } from "./provision.ts";
import { L1Rule } from "./rules.ts";
import { checkRunbookParams, type RunbookSpec } from "./runbook.ts";
import { generateKeyPair } from "./sign.ts";
import { signPayload, verifyEnvelope } from "./signed.ts";
import { DEFAULT_SITE_CONFIG, SiteConfig } from "./sync.ts";
import { sampleChain } from "./testkit.ts";
import { compareVersions, UpdateMetadata } from "./update.ts";

const at = "2026-11-25T10:00:00.000Z";
const checkin = {
  protocolVersion: 1,
  agentVersion: "0.1.0",
  hostname: "clinic-appliance",
  uptimeSec: 100,
  lastCycle: { at, durationMs: 120, summary: { pass: 10, fail: 1, warn: 0, error: 0 } },
  queue: { depth: 0, bytes: 0, oldestAgeSec: 0 },
  chain: { seq: 4, head: "a".repeat(64) },
  configVersion: 1,
  rulesVersion: 1,
  warnings: [],
};
const rule = {
  id: "r-firewall",
  version: 1,
  description: "re-enable the firewall",
  enabled: true,
  priority: 10,
  match: {
    checks: ["windows.firewall"],
    statuses: ["fail"],
    conditions: [{ field: "details.profile", op: "in", value: ["Domain"] }],
  },
  action: { type: "runbook", runbookId: "windows.firewall", params: {} },
  citations: ["§164.312(e)(1)"],
  cooldownSec: 300,
  maxAttempts: 3,
  flap: { windowSec: 3600, maxFixes: 3 },
  source: "builtin",
};
const order = {
  id: "o-1",
  siteId: "site-a",
  applianceId: "app-1",
  type: "run_check",
  params: { checkId: "linux.firewall" },
  issuedAt: at,
  expiresAt: "2026-11-25T11:00:00.000Z",
  nonce: "0123456789abcdef0123456789abcdef",
  issuedBy: "tech@msp",
};

// [name, schema, valid sample, a broken copy, the path the error must name]
const cases: [string, v.GenericSchema, unknown, unknown, string][] = [
  ["CheckinRequest", CheckinRequest, checkin, { ...checkin, agentVersion: "latest" }, "agentVersion"],
  ["CheckinRequest extra key", CheckinRequest, checkin, { ...checkin, extra: 1 }, "extra"],
  [
    "SiteConfig",
    SiteConfig,
    DEFAULT_SITE_CONFIG,
    { ...DEFAULT_SITE_CONFIG, checkIntervalSec: 1 },
    "checkIntervalSec",
  ],
  [
    "L1Rule",
    L1Rule,
    rule,
    { ...rule, match: { ...rule.match, conditions: [{ field: "x", op: "like" }] } },
    "match.conditions.0.op",
  ],
  ["Order", Order, order, { ...order, type: "format_disk" }, "type"],
  ["Order nonce", Order, order, { ...order, nonce: "short" }, "nonce"],
  [
    "EvidenceBundle",
    EvidenceBundle,
    sampleChain(1).bundles[0],
    { ...sampleChain(1).bundles[0], seq: 0 },
    "seq",
  ],
  ["EvidenceUpload", EvidenceUpload, { bundles: [{}] }, { bundles: [] }, "bundles"],
  [
    "PlannerReply",
    PlannerReply,
    {
      runbookId: "windows.firewall",
      params: {},
      confidence: 0.9,
      reasoning: "x",
      requiresHumanReview: false,
    },
    { runbookId: "windows.firewall", params: {}, confidence: 2, reasoning: "x", requiresHumanReview: false },
    "confidence",
  ],
  [
    "ProvisionRecord",
    ProvisionRecord,
    {
      mac: "00-1A-2B-3C-4D-5E",
      siteId: "site-a",
      cloudUrl: "https://cloud.example",
      enrollCode: "ABCD-EFGH-JKLM-NPQR",
    },
    { mac: "00:1a", siteId: "site-a", cloudUrl: "https://cloud.example", enrollCode: "ABCD-EFGH-JKLM-NPQR" },
    "mac",
  ],
  [
    "EnrollRequest",
    EnrollRequest,
    {
      enrollCode: "ABCD-EFGH-JKLM-NPQR",
      publicKey: "a".repeat(64),
      hostname: "h",
      agentVersion: "0.1.0",
      at: "2026-11-25T12:00:00.000Z",
      signature: "b".repeat(128),
    },
    {
      enrollCode: "x",
      publicKey: "xyz",
      hostname: "h",
      agentVersion: "0.1.0",
      at: "2026-11-25T12:00:00.000Z",
      signature: "b".repeat(128),
    },
    "publicKey",
  ],
  [
    "KeyEscrow",
    KeyEscrow,
    {
      host: "dc1",
      volume: "C:",
      protectorId: "{01234567-89AB-CDEF-0123-456789ABCDEF}",
      recoveryPassword: "111111-222222-333333-444444-555555-666666-777777-888888",
    },
    {
      host: "dc1",
      volume: "C",
      protectorId: "{01234567-89AB-CDEF-0123-456789ABCDEF}",
      recoveryPassword: "1",
    },
    "volume",
  ],
  [
    "UpdateMetadata",
    UpdateMetadata,
    {
      version: "1.2.3",
      sha256: "b".repeat(64),
      size: 10,
      url: "https://x/y",
      platform: "linux-x64",
      expiresAt: at,
    },
    {
      version: "1.2",
      sha256: "b".repeat(64),
      size: 10,
      url: "https://x/y",
      platform: "linux-x64",
      expiresAt: at,
    },
    "version",
  ],
  [
    "IncidentReport",
    IncidentReport,
    {
      incidents: [
        {
          id: "i-1",
          applianceId: "app-1",
          checkId: "windows.firewall",
          host: "dc1",
          severity: "high",
          tier: "L3",
          status: "open",
          title: "t",
          summary: "s",
          details: {},
          citations: [],
          occurrences: 1,
          openedAt: at,
        },
      ],
    },
    { incidents: [] },
    "incidents",
  ],
];

describe("message schemas", () => {
  test.each(cases)("%s accepts a valid message and names the bad field", (name, schema, good, bad, path) => {
    expect(() => parse(schema, good, name)).not.toThrow();
    let err: unknown;
    try {
      parse(schema, bad, name);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as Error).message).toContain(`invalid ${name}`);
    expect((err as Error).message).toContain(path);
  });
});

describe("signed envelopes", () => {
  test("verify with the right key, refuse a tampered payload or another key", () => {
    const cloud = generateKeyPair();
    const env = signPayload(order, cloud.secretKey);
    expect(verifyEnvelope(env, cloud.publicKey)).toEqual({ ok: true });
    expect(verifyEnvelope({ ...env, payload: { ...order, type: "update_agent" } }, cloud.publicKey).ok).toBe(
      false,
    );
    const other = verifyEnvelope(env, generateKeyPair().publicKey);
    expect(other.ok).toBe(false);
    if (!other.ok) expect(other.reason).toMatch(/not the trusted key/);
  });
});

describe("runbook parameter bounds", () => {
  const spec: RunbookSpec = {
    id: "windows.screen-lock",
    title: "Screen lock",
    platform: "windows",
    checkId: "windows.screen-lock",
    description: "d",
    detects: "d",
    remediates: "r",
    verifies: "v",
    citations: ["§164.312(a)(2)(iii)"],
    severity: "medium",
    blastRadius: "low",
    rollback: true,
    params: [
      { name: "timeout-sec", type: "integer", description: "t", min: 60, max: 900, default: 900 },
      { name: "mode", type: "enum", description: "m", values: ["gpo", "local"], default: "local" },
      { name: "label", type: "string", description: "l", pattern: "[a-z]+", maxLength: 8, default: "x" },
    ],
  };
  test.each([
    [{}, true, ""],
    [{ "timeout-sec": 600 }, true, ""],
    [{ "timeout-sec": 5 }, false, "between 60 and 900"],
    [{ "timeout-sec": 1.5 }, false, "must be an integer"],
    [{ mode: "registry" }, false, "one of gpo, local"],
    [{ label: "rm -rf" }, false, "must match"],
    [{ label: "abcdefghij" }, false, "at most 8"],
    [{ command: "whoami" }, false, 'no parameter "command"'],
  ])("%p → ok=%p", (input, ok, msg) => {
    const r = checkRunbookParams(spec, input);
    expect(r.ok).toBe(ok);
    if (!r.ok) expect(r.message).toContain(msg);
    else expect(r.params["timeout-sec"]).toBeDefined();
  });
});

test.each([
  ["1.2.3", "1.2.4", -1],
  ["1.10.0", "1.9.9", 1],
  ["2.0.0", "2.0.0", 0],
])("compareVersions(%s, %s) has sign %d", (a, b, sign) => {
  expect(Math.sign(compareVersions(a, b))).toBe(sign);
});

test.each([
  ["short", 500, "short"],
  ["x".repeat(500), 500, "x".repeat(500)],
  ["x".repeat(501), 500, `${"x".repeat(499)}…`],
  ["abcdef", 4, "abc…"],
])("clipText keeps text within its bound: %#", (s, max, out) => {
  expect(clipText(s, max)).toBe(out);
  expect(clipText(s, max).length).toBeLessThanOrEqual(max);
});
