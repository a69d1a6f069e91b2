import { describe, expect, test } from "bun:test";
import { IncidentTable } from "../../cloud/src/web/dashboard/incidents-page.tsx";
import { newIncident } from "../../lib/incident.ts";
import { buildBundle, bundleHash, type EvidenceBundle } from "../../protocol/evidence.ts";
import type { RemediationReceipt } from "../../protocol/receipt.ts";
import { generateKeyPair } from "../../protocol/sign.ts";
import { sampleFinding } from "../../protocol/testkit.ts";
import { bundlesIn, fixesIn, l3QueueOnPage, scoreMove, scoreOnPage, scoresAlong } from "./watch.ts";

const key = generateKeyPair();
const ids = { siteId: "s", applianceId: "a" };
const at = (s: number) => new Date(Date.UTC(2026, 10, 25, 12, 0, s)).toISOString();
const fw = (status: "pass" | "fail", s: number) =>
  sampleFinding({ checkId: "windows.firewall", host: "fs01", status, observedAt: at(s) });
const receipt = (s: number, outcome: RemediationReceipt["outcome"] = "fixed"): RemediationReceipt => ({
  id: `r-${s}`,
  checkId: "windows.firewall",
  host: "fs01",
  runbookId: "windows.firewall",
  params: {},
  decidedBy: { tier: "L1", ruleId: "l1-windows-firewall", ruleVersion: 1 },
  dryRun: false,
  before: { status: "fail", details: {}, at: at(s - 1) },
  after: { status: "pass", details: {}, at: at(s) },
  verify: outcome === "fixed" ? "pass" : "fail",
  rollback: null,
  outcome,
  startedAt: at(s - 1),
  finishedAt: at(s),
});

function chain(contents: Parameters<typeof buildBundle>[2][]): string {
  let head = { seq: 0, hash: "" };
  const out: EvidenceBundle[] = [];
  for (const c of contents) {
    const b = buildBundle(ids, head, c, key.secretKey);
    out.push(b);
    head = { seq: b.seq, hash: bundleHash(b) };
  }
  return out.map((b) => JSON.stringify(b)).join("\n");
}

describe("demo watcher", () => {
  test("times each verified fix from the first failing finding of its streak", () => {
    const jsonl = chain([
      { kind: "check-cycle", createdAt: at(0), findings: [fw("pass", 0)] },
      { kind: "check-cycle", createdAt: at(10), findings: [fw("fail", 10)] },
      { kind: "check-cycle", createdAt: at(20), findings: [fw("fail", 20)] },
      { kind: "remediation", createdAt: at(23), receipts: [receipt(23, "failed")] },
      { kind: "remediation", createdAt: at(25), receipts: [receipt(25)] },
      { kind: "check-cycle", createdAt: at(30), findings: [fw("fail", 30)] },
      { kind: "remediation", createdAt: at(31), receipts: [receipt(31)] },
    ]);
    const fixes = fixesIn(jsonl);
    expect(fixes.map((f) => [f.receipt.id, f.seq, f.detectToFixMs])).toEqual([
      ["r-25", 5, 15_000],
      ["r-31", 7, 1_000],
    ]);
  });

  test("scores each bundle as the pages do: a drift moves the score once signed, its verified fix moves it back", () => {
    // Three controls judged: the firewall's two and the log forwarding's one (an open item).
    const fwOf = (status: "pass" | "fail", s: number) => ({
      ...fw(status, s),
      citations: ["§164.312(e)(1)", "§164.312(a)(1)"],
    });
    const logs = (s: number) =>
      sampleFinding({
        checkId: "linux.log-forwarding",
        status: "fail",
        citations: ["§164.312(b)"],
        observedAt: at(s),
      });
    const bundles = bundlesIn(
      chain([
        { kind: "check-cycle", createdAt: at(0), findings: [fwOf("pass", 0), logs(0)] },
        { kind: "check-cycle", createdAt: at(10), findings: [fwOf("fail", 10), logs(10)] },
        { kind: "remediation", createdAt: at(12), receipts: [receipt(12)] },
        { kind: "check-cycle", createdAt: at(20), findings: [fwOf("pass", 20), logs(20)] },
      ]),
    );
    expect(scoresAlong(bundles)).toEqual([66.7, 0, 66.7, 66.7]);
    const [fix] = fixesIn(bundles.map((b) => JSON.stringify(b)).join("\n"));
    expect(scoreMove(bundles, fix!)).toEqual({ before: 66.7, drifted: 0, fixed: 66.7 });
    // A chain without the bundle that first saw the drift cannot say what it moved.
    expect(scoreMove(bundles.slice(1), fix!)).toBeUndefined();
  });

  test.each([
    ['<div class="score fail" data-testid="score">60.5%</div>', 60.5],
    ['<div data-testid="score">100%</div>', 100],
    ['<div data-testid="score">—</div>', undefined],
  ])("reads the dashboard score from %s", (html, score) => {
    expect(scoreOnPage(html)).toBe(score);
  });

  test("reads the L3 queue of the dashboard's incidents page, not the other open incidents", () => {
    const incident = (id: string, checkId: string, host: string, tier: "L1" | "L3") => ({
      siteId: "s",
      incident: newIncident(sampleFinding({ checkId, host, status: "fail" }), {
        id,
        applianceId: "a",
        tier,
        reason: "threats go to people",
        at: at(0),
      }),
    });
    const table = (testid: string, rows: ReturnType<typeof incident>[]) =>
      String(
        IncidentTable({
          rows,
          names: () => new Map([["127.0.0.2", "FRONTDESK-01"]]),
          csrf: "x",
          canResolve: true,
          now: new Date(),
          back: "/",
          empty: "-",
          testid,
        }),
      );
    const html =
      table("l3-queue", [incident("inc-1", "windows.threat-brute-force", "127.0.0.2", "L3")]) +
      table("open-incidents", [incident("inc-2", "windows.firewall", "127.0.0.1", "L1")]);
    expect(l3QueueOnPage(html)).toEqual([
      { id: "inc-1", checkId: "windows.threat-brute-force", host: "127.0.0.2" },
    ]);
  });
});
