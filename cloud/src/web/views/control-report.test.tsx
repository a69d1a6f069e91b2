import { expect, test } from "bun:test";
import type { Finding } from "../../../../protocol/finding.ts";
import { computeScore } from "../../../../protocol/score.ts";
import { findingKey, type PageCompliance } from "../data/compliance.ts";
import { ControlReport, groupOf, type ReportGroup } from "./control-report.tsx";

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

function render(findings: Finding[], group?: ReportGroup): string {
  const c: PageCompliance = {
    ...computeScore(findings),
    findings: new Map(
      findings.map((f) => [findingKey(f.checkId, f.host), { ...f, bundle: { applianceId: "a", seq: 1 } }]),
    ),
    fixed: [],
    asOf: "2026-12-04T10:00:00.000Z",
    hostNames: new Map([["10.0.0.7", "FRONTDESK-2"]]),
  };
  return String(<ControlReport c={c} group={group} />);
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

test("the report lists failing, passing and unassessed controls apart", () => {
  const fs = [finding("windows.ntlmv2", "fail")];
  const failing = render(fs, "attention");
  const passing = render(fs, "passing");
  const unassessed = render(fs, "unassessed");
  expect(failing).toContain('data-citation="§164.312(d)"');
  expect(passing).not.toContain('data-citation="§164.312(d)"');
  expect(unassessed).not.toContain('data-citation="§164.312(d)"');
  // Every other control is unassessed here, and only that list shows them.
  expect(unassessed.match(/data-citation=/g)!.length).toBeGreaterThan(30);
  expect(failing.match(/data-citation=/g)).toHaveLength(1);
  expect([groupOf("excepted"), groupOf("unknown"), groupOf("warn")]).toEqual([
    "passing",
    "attention",
    "attention",
  ]);
});

test("a host discovery has named shows by its name, with its address on hover", () => {
  const html = render([{ ...finding("windows.bitlocker", "fail"), host: "10.0.0.7" }]);
  expect(html).toContain('title="10.0.0.7" data-host="10.0.0.7">FRONTDESK-2</span>');
});
