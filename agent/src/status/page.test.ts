import { expect, test } from "bun:test";
import * as v from "valibot";
import type { RemediationReceipt } from "../../../protocol/receipt.ts";
import { sampleFinding } from "../../../protocol/testkit.ts";
import { SAMPLE_NOW, sampleStatus } from "./fixture.ts";
import { renderStatusPage, statusPageResponse } from "./handler.ts";
import { StatusSnapshot } from "./snapshot.ts";

test("the fixture is a valid snapshot", () => {
  expect(v.safeParse(StatusSnapshot, sampleStatus()).success).toBe(true);
});

test("the page explains each check in plain words, problems first", async () => {
  const html = await renderStatusPage(sampleStatus(), SAMPLE_NOW);
  expect(html.startsWith("<!doctype html>")).toBe(true);
  for (const topic of ["Disk encryption", "Virus protection", "Backups", "Clock accuracy"]) {
    expect(html).toContain(topic);
  }
  expect(html).toContain("Keeps patient data unreadable if a computer or disk is stolen.");
  expect(html.indexOf("windows.bitlocker")).toBeLessThan(html.indexOf("windows.defender"));
  expect(html).toContain("Working, with things to look at");
  expect(html).toContain("1 min ago"); // last cycle at 10:04, now 10:05
  expect(html).toContain('http-equiv="refresh"');
});

test("with no findings yet the page says so instead of an empty table", async () => {
  const html = await renderStatusPage(sampleStatus({ findings: [], lastCycle: null }), SAMPLE_NOW);
  expect(html).toContain("No checks have finished yet");
  expect(html).not.toContain('data-testid="checks"');
});

test("text from the appliance is escaped", async () => {
  const f = sampleFinding({ title: "<script>alert(1)</script>", actual: '"><img src=x>', status: "fail" });
  const html = await renderStatusPage(sampleStatus({ findings: [f] }), SAMPLE_NOW);
  expect(html).not.toContain("<script>alert(1)");
  expect(html).toContain("&lt;script&gt;");
  expect(html).not.toContain('"><img');
});

test("the response forbids scripts, caching and framing", async () => {
  const r = await statusPageResponse(sampleStatus(), SAMPLE_NOW);
  expect(r.headers.get("content-type")).toBe("text/html; charset=utf-8");
  expect(r.headers.get("cache-control")).toBe("no-store");
  expect(r.headers.get("content-security-policy")).toContain("default-src 'none'");
  expect(await r.text()).toContain("malachor-01");
});

test("the page shows the identity key's fingerprint and a claim waiting for approval", async () => {
  const plain = await renderStatusPage(
    sampleStatus({ identity: { keyId: "3f9a77c20b1e9d44", fingerprint: "3f9a-77c2-0b1e-9d44" } }),
    SAMPLE_NOW,
  );
  expect(plain).toContain('data-testid="fingerprint">3f9a-77c2-0b1e-9d44<');
  expect(plain).not.toContain("pending-claim");
  const waiting = sampleStatus({
    pendingClaim: {
      mac: "00:1a:2b:3c:4d:5e",
      claimId: "clm-0123456789abcdef",
      fingerprint: "8b0c-1d2e-3f40-5162",
      cloudUrl: "https://cloud.example",
      since: "2026-11-25T10:00:00.000Z",
    },
  });
  expect(v.safeParse(StatusSnapshot, waiting).success).toBe(true);
  const html = await renderStatusPage(waiting, SAMPLE_NOW);
  expect(html).toContain('data-testid="pending-fingerprint">8b0c-1d2e-3f40-5162<');
  expect(html).toContain("clm-0123456789abcdef");
});

test("a verified fix restates its check as passing and leads the page as 'recently fixed'", async () => {
  const s = sampleStatus();
  const bitlocker = s.findings.find((f) => f.checkId === "windows.bitlocker")!;
  const fix: RemediationReceipt = {
    id: "rcpt-1",
    checkId: bitlocker.checkId,
    host: bitlocker.host,
    runbookId: "windows-bitlocker-enable",
    params: {},
    decidedBy: { tier: "L1", ruleId: "bitlocker", ruleVersion: 1 },
    dryRun: false,
    before: { status: "fail", actual: "ProtectionStatus Off", details: {}, at: "2026-11-25T10:04:10.000Z" },
    after: { status: "pass", actual: "ProtectionStatus On", details: {}, at: "2026-11-25T10:04:40.000Z" },
    verify: "pass",
    rollback: null,
    outcome: "fixed",
    startedAt: "2026-11-25T10:04:10.000Z",
    finishedAt: "2026-11-25T10:04:41.000Z",
  };
  const withFix = sampleStatus({ recentFixes: [fix] });
  expect(v.safeParse(StatusSnapshot, withFix).success).toBe(true);
  const html = await renderStatusPage(withFix, SAMPLE_NOW);
  const fixed = html.indexOf('data-testid="recently-fixed"');
  expect(fixed).toBeGreaterThan(0);
  expect(fixed).toBeLessThan(html.indexOf('data-testid="checks"'));
  expect(html).toContain("2026-11-25 10:04:41 UTC");
  // The row itself now passes, with the fix as its evidence, and no "Problem" badge is left.
  expect(html).toMatch(
    /data-check="windows.bitlocker"[\s\S]*?>OK<[\s\S]*?Fixed automatically and checked again/,
  );
  expect(html).not.toContain(">Problem<");
  // Nor does the health summary count the fixed check as a problem.
  expect(html).not.toContain("found a problem");
});

test("checks sharing a topic on one computer make one row, showing the worst", async () => {
  const at = "2026-11-25T10:04:00.000Z";
  const findings = ["linux.firewall", "linux.open-ports"].map((checkId, i) =>
    sampleFinding({
      checkId,
      host: "appliance",
      status: i === 0 ? "pass" : "fail",
      observedAt: at,
      details: {},
    }),
  );
  const html = await renderStatusPage(sampleStatus({ findings }), SAMPLE_NOW);
  expect(html.match(/<strong>Firewall<\/strong>/g)).toHaveLength(1);
  expect(html).toMatch(/data-check="linux.open-ports"/);
  expect(html).toContain("linux.firewall");
});

test("computers show by the name discovery found, the address on hover; an unnamed one by its address", async () => {
  const at = "2026-11-25T10:04:00.000Z";
  const findings = [
    sampleFinding({
      checkId: "windows.bitlocker",
      host: "192.168.10.20",
      status: "fail",
      observedAt: at,
      details: {},
    }),
    sampleFinding({
      checkId: "windows.firewall",
      host: "192.168.10.20",
      status: "pass",
      observedAt: at,
      details: {},
    }),
    sampleFinding({
      checkId: "windows.defender",
      host: "192.168.10.31",
      status: "pass",
      observedAt: at,
      details: {},
    }),
  ];
  const fix: RemediationReceipt = {
    id: "rcpt-fw",
    checkId: "windows.firewall",
    host: "192.168.10.20",
    runbookId: "windows.firewall-enable",
    params: {},
    decidedBy: { tier: "L1", ruleId: "l1-windows-firewall", ruleVersion: 1 },
    dryRun: false,
    before: { status: "fail", actual: "off", details: {}, at },
    after: { status: "pass", actual: "on", details: {}, at },
    verify: "pass",
    rollback: null,
    outcome: "fixed",
    startedAt: at,
    finishedAt: at,
  };
  const s = sampleStatus({ findings, recentFixes: [fix], hostNames: { "192.168.10.20": "FRONTDESK-2" } });
  expect(v.safeParse(StatusSnapshot, s).success).toBe(true);
  const html = await renderStatusPage(s, SAMPLE_NOW);
  // In the checks table and in the recently fixed line.
  expect(html).toContain(
    '<td class="mono nowrap" title="192.168.10.20" data-host="192.168.10.20">FRONTDESK-2</td>',
  );
  expect(html).toContain(
    '<span class="mono" title="192.168.10.20" data-host="192.168.10.20">FRONTDESK-2</span>',
  );
  expect(html).not.toMatch(/>192\.168\.10\.20</);
  expect(html).toContain('<td class="mono nowrap">192.168.10.31</td>');
});

test("recently fixed lists the last day's fixes that still hold, not older ones nor ones that did not hold", async () => {
  const fixAt = (id: string, checkId: string, finishedAt: string): RemediationReceipt => ({
    id,
    checkId,
    host: "192.168.10.20",
    runbookId: "windows.firewall-enable",
    params: {},
    decidedBy: { tier: "L1", ruleId: "l1-windows-firewall", ruleVersion: 1 },
    dryRun: false,
    before: { status: "fail", actual: "off", details: {}, at: finishedAt },
    after: { status: "pass", actual: "on", details: {}, at: finishedAt },
    verify: "pass",
    rollback: null,
    outcome: "fixed",
    startedAt: finishedAt,
    finishedAt,
  });
  const observedAt = "2026-11-25T10:04:00.000Z";
  const finding = (checkId: string, status: "pass" | "fail") =>
    sampleFinding({ checkId, host: "192.168.10.20", status, observedAt, details: {} });
  const s = sampleStatus({
    findings: [
      finding("windows.firewall", "pass"),
      finding("windows.smb1", "fail"),
      finding("windows.defender", "pass"),
    ],
    recentFixes: [
      // Two hours ago, confirmed by the passing result since: listed.
      fixAt("held", "windows.firewall", "2026-11-25T08:05:00.000Z"),
      // Failing again since: not "recently fixed".
      fixAt("undone", "windows.smb1", "2026-11-25T09:00:00.000Z"),
      // Two days ago: out of the window.
      fixAt("old", "windows.defender", "2026-11-23T10:00:00.000Z"),
    ],
  });
  const html = await renderStatusPage(s, SAMPLE_NOW);
  const section = html.slice(html.indexOf('data-testid="recently-fixed"'), html.indexOf("</section>"));
  expect(section).toContain("2026-11-25 08:05:00 UTC");
  expect(section.match(/fixed · verified/g)).toHaveLength(1);
  // A check failing again after its fix shows as a problem, not as fixed.
  expect(html).toMatch(/data-check="windows.smb1"[\s\S]*?>Problem</);
});
