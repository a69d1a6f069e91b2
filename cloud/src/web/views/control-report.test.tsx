import { expect, test } from "bun:test";
import type { Finding } from "../../../../protocol/finding.ts";
import { computeScore } from "../../../../protocol/score.ts";
import { findingKey, type SiteCompliance } from "../data/compliance.ts";
import { ControlReport } from "./control-report.tsx";

const finding = (checkId: string, status: Finding["status"]): Finding => ({
  checkId,
  host: "CLINIC-DC01",
  status,
  severity: "high",
  title: checkId,
  citations: ["§164.312(d)"],
  details: {},
  observedAt: "2026-12-04T10:00:00.000Z",
});

function render(findings: Finding[]): string {
  const c: SiteCompliance = {
    ...computeScore(findings),
    findings: new Map(
      findings.map((f) => [findingKey(f.checkId, f.host), { ...f, bundle: { applianceId: "a", seq: 1 } }]),
    ),
    fixed: [],
    asOf: "2026-12-04T10:00:00.000Z",
  };
  return String(<ControlReport c={c} />);
}

test("the portal says a failing monitor-only check or threat needs a person, and a fixable one does not", () => {
  const html = render([
    finding("windows.ad-krbtgt-age", "fail"),
    finding("windows.threat-brute-force", "fail"),
    finding("windows.ntlmv2", "fail"),
  ]);
  const rows = html.split("<li").filter((l) => l.includes("CLINIC-DC01"));
  const row = (id: string) => rows.find((l) => l.includes(id)) ?? "";
  expect(row("windows.ad-krbtgt-age")).toContain("needs a person, not fixed automatically");
  expect(row("windows.threat-brute-force")).toContain("needs a person, not fixed automatically");
  expect(row("windows.ntlmv2")).not.toContain("needs a person");
});
