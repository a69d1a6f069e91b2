/**
 * Realistic evidence for web tests, the browser suite and screenshots: a signed chain of check
 * cycles (several Windows and Linux checks whose statuses drift and heal over time) with healing
 * receipts from every tier, uploaded through the cloud's own ingest service.
 */
import { AGENT_API } from "../../../../protocol/api.ts";
import type { CheckinRequest } from "../../../../protocol/checkin.ts";
import { buildBundle, bundleHash, type EvidenceBundle } from "../../../../protocol/evidence.ts";
import type { Finding } from "../../../../protocol/finding.ts";
import type { RemediationReceipt } from "../../../../protocol/receipt.ts";
import { PROTOCOL_VERSION } from "../../../../protocol/version.ts";
import type { ServiceContext } from "../../context.ts";
import { ingestEvidence } from "../../evidence/ingest.ts";
import { ingestIncidents } from "../../incidents/ingest.ts";
import { patternKey } from "../../learning/pattern.ts";
import { recordPatternOutcome } from "../../learning/record.ts";
import type { TestAppliance, TestCloud } from "../../testing/test-cloud.ts";
import { RUNBOOK_CATALOGUE } from "../../tools/runbook-catalogue.ts";

/** Checks in the fixture: id, host, title, citations, and how often (1 in n cycles) it fails. */
const CHECKS: [string, string, string, string[], number][] = [
  ["windows.firewall", "FRONTDESK-01", "Firewall on for all profiles", ["§164.312(e)(1)"], 0],
  ["windows.defender", "FRONTDESK-01", "Defender real-time protection on", ["§164.308(a)(5)(ii)(B)"], 9],
  ["windows.bitlocker", "EXAM-02", "BitLocker protects the system drive", ["§164.312(a)(2)(iv)"], 4],
  ["windows.backup", "EXAM-02", "Backup verified within 7 days", ["§164.308(a)(7)(ii)(A)"], 0],
  ["windows.audit-policy", "FRONTDESK-01", "Audit policy records logons", ["§164.312(b)"], 0],
  ["windows.screen-lock", "EXAM-02", "Screen locks within 15 minutes", ["§164.312(a)(2)(iii)"], 6],
  [
    "windows.password-policy",
    "FRONTDESK-01",
    "Password policy and lockout",
    ["§164.312(d)", "§164.308(a)(5)(ii)(D)"],
    0,
  ],
  [
    "linux.ssh-hardening",
    "appliance",
    "SSH refuses root and password logins",
    ["§164.312(a)(1)", "§164.312(d)"],
    0,
  ],
  ["linux.time-sync", "appliance", "Clock within 500 ms of NTP", ["§164.312(b)"], 0],
];

function findingsAt(i: number, at: string, last: boolean): Finding[] {
  return CHECKS.map(([checkId, host, title, citations, failEvery]) => {
    // Deterministic drift: a check fails on its cycle, warns on the next; backups warn now and then.
    // The latest cycle always shows one open problem (BitLocker off), as a real practice would.
    const fail = (failEvery > 0 && i % failEvery === 0) || (last && checkId === "windows.bitlocker");
    const warn = (failEvery > 0 && i % failEvery === 1) || (checkId === "windows.backup" && i % 5 === 0);
    const status = fail ? "fail" : warn ? "warn" : "pass";
    return {
      checkId,
      host,
      status,
      severity: "high",
      title,
      citations,
      expected: "compliant",
      actual: status === "pass" ? "compliant" : status === "warn" ? "drifting" : "not compliant",
      details: {},
      observedAt: at,
    } satisfies Finding;
  });
}

function receiptAt(i: number, at: string, f: Finding): RemediationReceipt {
  const tier = (["L1", "L1", "L1", "L2", "L3"] as const)[i % 5]!;
  const decidedBy =
    tier === "L1"
      ? { tier, ruleId: "l1-fix", ruleVersion: 1 }
      : tier === "L2"
        ? { tier, planId: `plan-${i}`, planHash: "c".repeat(64), model: "test-model" }
        : { tier, person: "tech@msp.example" };
  return {
    id: `rcpt-${i}`,
    checkId: f.checkId,
    host: f.host,
    runbookId: `${f.checkId}-fix`,
    params: {},
    decidedBy,
    dryRun: false,
    before: { status: "fail", details: {}, at },
    after: { status: "pass", details: {}, at },
    verify: "pass",
    rollback: null,
    outcome: i % 7 === 0 ? "failed" : "fixed",
    startedAt: at,
    finishedAt: at,
  };
}

/** Build `count` chained bundles evenly spread from `start` to `end` (every 4th a remediation bundle). */
export function fixtureChain(app: TestAppliance, count: number, start: Date, end: Date): EvidenceBundle[] {
  const out: EvidenceBundle[] = [];
  let head = { seq: 0, hash: "" };
  const step = count > 1 ? (end.getTime() - start.getTime()) / (count - 1) : 0;
  for (let i = 0; i < count; i++) {
    const at = new Date(start.getTime() + i * step).toISOString();
    const findings = findingsAt(i, at, i >= count - 2);
    // Every 4th bundle records a healing attempt on one of the drifting checks, in rotation.
    const drifting = findings.filter((_, k) => CHECKS[k]![4] > 0);
    const healed = drifting[Math.floor(i / 4) % drifting.length]!;
    const remediation = i % 4 === 3 && i < count - 2;
    const b = buildBundle(
      { siteId: app.siteId, applianceId: app.applianceId },
      head,
      remediation
        ? {
            kind: "remediation",
            receipts: [receiptAt(i, at, healed)],
            citations: healed.citations,
            createdAt: at,
          }
        : { kind: "check-cycle", findings, createdAt: at },
      app.key.secretKey,
    );
    out.push(b);
    head = { seq: b.seq, hash: bundleHash(b) };
  }
  return out;
}

/** A service context acting as the appliance (what its API key would authenticate). */
function asAppliance(cloud: TestCloud, app: TestAppliance): ServiceContext {
  return {
    ...cloud.deps,
    actor: { type: "appliance", applianceId: app.applianceId, siteId: app.siteId, apiKeyId: "seed" },
    requestId: null,
  };
}

/** Upload bundles as the appliance through the ingest service, 500 per batch; throws on a refusal. */
export async function uploadAs(
  cloud: TestCloud,
  app: TestAppliance,
  bundles: EvidenceBundle[],
): Promise<void> {
  const ctx = asAppliance(cloud, app);
  for (let i = 0; i < bundles.length; i += 500) {
    const r = await ingestEvidence({ ctx, input: { bundles: bundles.slice(i, i + 500) } });
    if (r.rejection) throw new Error(`seed: bundle refused: ${JSON.stringify(r.rejection)}`);
  }
}

/** Check in as the appliance over the agent API, so the dashboard shows it online with its queue. */
export async function checkinAs(
  cloud: TestCloud,
  app: TestAppliance,
  warnings: { code: string; message: string }[] = [],
) {
  const body: CheckinRequest = {
    protocolVersion: PROTOCOL_VERSION,
    agentVersion: "0.1.0",
    hostname: `${app.applianceId}.clinic.lan`,
    uptimeSec: 86_400,
    lastCycle: {
      at: cloud.clock.now().toISOString(),
      durationMs: 2300,
      summary: { pass: 8, fail: 1, warn: 0, error: 0 },
    },
    queue: { depth: 3, bytes: 4096, oldestAgeSec: 40 },
    chain: { seq: 0, head: "0".repeat(64) },
    configVersion: 0,
    rulesVersion: 0,
    warnings,
  };
  const r = await cloud.call("POST", AGENT_API.checkin, { bearer: app.apiKey, body });
  if (r.status !== 200) throw new Error(`seed: checkin refused: ${r.status} ${await r.text()}`);
}

/** Seed `count` bundles over the `days` days before the cloud's clock. */
export async function seedEvidence(
  cloud: TestCloud,
  app: TestAppliance,
  count: number,
  days = 30,
): Promise<void> {
  const end = cloud.clock.now();
  const start = new Date(end.getTime() - days * 86_400_000 + 60_000);
  await uploadAs(cloud, app, fixtureChain(app, count, start, new Date(end.getTime() - 60_000)));
}

/** Report incidents as the appliance: one waiting for a person (L3), one with the L2 planner, spread over days. */
export async function seedIncidents(cloud: TestCloud, app: TestAppliance): Promise<void> {
  const now = cloud.clock.now().getTime();
  const at = (hoursAgo: number) => new Date(now - hoursAgo * 3_600_000).toISOString();
  const base = {
    applianceId: app.applianceId,
    status: "open" as const,
    details: {},
    severity: "high" as const,
  };
  await ingestIncidents({
    ctx: asAppliance(cloud, app),
    input: {
      incidents: [
        {
          ...base,
          id: "inc-bitlocker",
          checkId: "windows.bitlocker",
          host: "EXAM-02",
          tier: "L3",
          title: "BitLocker is off on EXAM-02",
          summary: "Re-enabling BitLocker needs the recovery key escrowed first; a technician must approve.",
          citations: ["§164.312(a)(2)(iv)"],
          occurrences: 3,
          openedAt: at(5),
        },
        {
          ...base,
          id: "inc-backup",
          checkId: "windows.backup",
          host: "EXAM-02",
          tier: "L2",
          severity: "medium",
          title: "Backup not verified for 6 days",
          summary: "The nightly backup job reports success but no restore test ran this week.",
          citations: ["§164.308(a)(7)(ii)(A)"],
          occurrences: 1,
          openedAt: at(30),
        },
        ...[2, 4, 6, 9, 12].map((d, k) => ({
          ...base,
          id: `inc-defender-${k}`,
          checkId: "windows.defender",
          host: "FRONTDESK-01",
          tier: "L1" as const,
          status: "resolved" as const,
          title: "Defender real-time protection was off",
          summary: "Turned back on by an L1 rule.",
          citations: ["§164.308(a)(5)(ii)(B)"],
          occurrences: k + 1,
          openedAt: at(d * 24),
          resolvedAt: at(d * 24 - 1),
          resolvedBy: "L1 rule l1-fix",
          resolution: "re-enabled",
        })),
      ],
    },
  });
}

/** Make one real catalogue runbook a promotion candidate (six successful L2 resolutions). */
export async function seedCandidate(cloud: TestCloud): Promise<string> {
  const spec = RUNBOOK_CATALOGUE.all()[0]!;
  const pattern = patternKey(spec.checkId, spec.id, {});
  for (let i = 0; i < 6; i++) {
    await recordPatternOutcome(
      cloud.deps.db,
      { pattern, checkId: spec.checkId, platform: spec.platform, runbookId: spec.id, params: {} },
      true,
      cloud.clock.now(),
      { minSuccesses: 5, minSuccessRate: 0.9 },
    );
  }
  return pattern;
}

/**
 * A remediation bundle after `chain`'s head that fixes (verified) the first failing finding of its
 * latest check cycle, `afterMs` after that cycle: the drift-then-fix story the pages tell.
 */
export function verifiedFixAfter(
  app: TestAppliance,
  chain: EvidenceBundle[],
  afterMs = 30_000,
): { bundle: EvidenceBundle; finding: Finding } {
  const head = chain.at(-1)!;
  const cycle = chain.findLast((b) => b.kind === "check-cycle")!;
  const finding = cycle.findings.find((f) => f.status === "fail")!;
  const at = new Date(new Date(head.createdAt).getTime() + afterMs).toISOString();
  const started = new Date(new Date(at).getTime() - 4000).toISOString();
  const receipt: RemediationReceipt = {
    id: "rcpt-fix",
    checkId: finding.checkId,
    host: finding.host,
    runbookId: `${finding.checkId}-fix`,
    params: {},
    decidedBy: { tier: "L1", ruleId: "l1-fix", ruleVersion: 1 },
    dryRun: false,
    before: { status: "fail", actual: "not compliant", details: {}, at: started },
    after: { status: "pass", actual: "compliant", details: {}, at },
    verify: "pass",
    rollback: null,
    outcome: "fixed",
    startedAt: started,
    finishedAt: at,
  };
  const bundle = buildBundle(
    { siteId: app.siteId, applianceId: app.applianceId },
    { seq: head.seq, hash: bundleHash(head) },
    { kind: "remediation", receipts: [receipt], citations: finding.citations, createdAt: at },
    app.key.secretKey,
  );
  return { bundle, finding };
}
