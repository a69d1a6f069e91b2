import { expect, test } from "bun:test";
import type { Finding } from "../../../protocol/finding.ts";
import { sampleFinding } from "../../../protocol/testkit.ts";
import { type FailedCycles, judgeMonitoring, MONITORING_CHECK_ID } from "./monitoring.ts";

const f = (host: string, status: Finding["status"], actual = "ok") =>
  sampleFinding({ checkId: "windows.firewall", host, status, actual });

test.each<[string, Finding[], FailedCycles, FailedCycles, string[], string[]]>([
  ["a first failed cycle counts", [f("FS01", "error", "401")], {}, { FS01: 1 }, [], []],
  ["the threshold raises the host", [f("FS01", "error", "401")], { FS01: 2 }, { FS01: 3 }, ["FS01"], []],
  ["past it the host stays raised", [f("FS01", "error")], { FS01: 5 }, { FS01: 6 }, ["FS01"], []],
  [
    "one result that is not an error clears it",
    [f("FS01", "error"), f("FS01", "fail")],
    { FS01: 5 },
    {},
    [],
    ["FS01"],
  ],
  [
    "a host absent from the cycle keeps its count",
    [f("DC01", "pass")],
    { FS01: 2 },
    { FS01: 2 },
    [],
    ["DC01"],
  ],
  [
    "the monitoring finding itself is no check result",
    [{ ...f("FS01", "pass"), checkId: MONITORING_CHECK_ID }],
    { FS01: 1 },
    { FS01: 1 },
    [],
    [],
  ],
])("%s", (_name, findings, prev, counts, unmonitored, monitored) => {
  const v = judgeMonitoring(findings, prev, 3);
  expect(v.counts).toEqual(counts);
  expect(v.unmonitored.map((u) => u.host)).toEqual(unmonitored);
  expect(v.monitored).toEqual(monitored);
  expect(prev).not.toBe(v.counts);
});

test("the error told to people is the host's first check error", () => {
  const v = judgeMonitoring(
    [f("FS01", "error", "winrm: 401 from FS01:5985 — NTLM credentials rejected")],
    { FS01: 2 },
    3,
  );
  expect(v.unmonitored).toEqual([
    { host: "FS01", cycles: 3, error: "winrm: 401 from FS01:5985 — NTLM credentials rejected" },
  ]);
});
