import { describe, expect, test } from "bun:test";
import type { Finding } from "./finding.ts";
import type { RemediationReceipt } from "./receipt.ts";
import { restateFixed } from "./restate.ts";
import { computeScore } from "./score.ts";

const fw: Finding = {
  checkId: "linux.firewall",
  host: "frontdesk-2",
  status: "fail",
  severity: "high",
  title: "Firewall enabled",
  citations: ["§164.312(e)(1)"],
  expected: "active",
  actual: "inactive",
  details: {},
  observedAt: "2026-12-05T10:00:00.000Z",
};

function receipt(over: Partial<RemediationReceipt> = {}): RemediationReceipt {
  return {
    id: "r1",
    checkId: "linux.firewall",
    host: "frontdesk-2",
    runbookId: "linux-firewall-enable",
    params: {},
    decidedBy: { tier: "L1", ruleId: "fw", ruleVersion: 1 },
    dryRun: false,
    before: { status: "fail", actual: "inactive", details: {}, at: "2026-12-05T10:00:05.000Z" },
    after: { status: "pass", actual: "active", details: {}, at: "2026-12-05T10:00:09.000Z" },
    verify: "pass",
    rollback: null,
    outcome: "fixed",
    startedAt: "2026-12-05T10:00:05.000Z",
    finishedAt: "2026-12-05T10:00:10.000Z",
    ...over,
  };
}

describe("restateFixed", () => {
  test("a verified fix after the failing finding restates it as passing, with the receipt", () => {
    const r = restateFixed([fw], [receipt()]);
    expect(r.findings[0]).toMatchObject({
      status: "pass",
      actual: "active",
      observedAt: "2026-12-05T10:00:10.000Z",
    });
    expect(r.fixed).toHaveLength(1);
    expect(r.fixed[0]!.receipt.id).toBe("r1");
    expect(r.fixed[0]!.finding.status).toBe("fail");
    expect(computeScore(r.findings).score).toBe(100);
    expect(computeScore([fw]).score).toBe(0);
  });

  test.each([
    ["verify failed", { verify: "fail" as const, outcome: "rolled-back" as const }],
    ["dry run", { dryRun: true, outcome: "dry-run" as const }],
    [
      "after-state still failing",
      { after: { status: "fail" as const, details: {}, at: "2026-12-05T10:00:09.000Z" } },
    ],
    ["another host", { host: "frontdesk-3" }],
    ["a fix older than the finding", { finishedAt: "2026-12-05T09:59:00.000Z" }],
  ])("%s: the finding stands", (_, over) => {
    const r = restateFixed([fw], [receipt(over)]);
    expect(r.findings[0]).toEqual(fw);
    expect(r.fixed).toHaveLength(0);
  });

  test("a check result after the fix wins: a fix that did not hold shows failing again", () => {
    const later = { ...fw, observedAt: "2026-12-05T10:05:00.000Z" };
    expect(restateFixed([later], [receipt()]).findings[0]!.status).toBe("fail");
  });
});
