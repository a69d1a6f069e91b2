import { expect, test } from "bun:test";
import { hipaaControl } from "../../../../protocol/hipaa.ts";
import type { ControlScore } from "../../../../protocol/score.ts";
import { controlHelp } from "./control-help.ts";

const control = hipaaControl("§164.312(a)(2)(iv)")!;
const check = (checkId: string, status: "pass" | "fail" = "fail"): ControlScore["evidence"][number] => ({
  checkId,
  host: "FRONTDESK-2",
  status,
  observedAt: "2026-12-04T10:00:00.000Z",
});
const score = (evidence: ControlScore["evidence"], program: ControlScore["program"] = []): ControlScore => ({
  control,
  status: "fail",
  evidence,
  program,
  exceptions: [],
});

test.each([
  [
    "a check a runbook fixes: the MSP, automatically; nothing for the clinic",
    score([check("windows.bitlocker")]),
    /unreadable if a computer or disk is stolen/,
    /automatically: the appliance fixes this/,
    /^Nothing: your IT provider sees this too/,
  ],
  [
    "a check no runbook fixes: the MSP by hand, never 'automatically'",
    score([check("linux.disk-encryption")]),
    /unreadable/,
    /^Your IT provider, by hand \(not fixed automatically: no runbook exists for it\)\.$/,
    /^Nothing yet: your IT provider has been alerted/,
  ],
  [
    "a program artefact: the clinic, with what to do",
    score([], [{ source: "training", status: "fail", detail: "2 of 5 staff trained" }]),
    /security training/,
    /^The clinic, in its compliance program\.$/,
    /^In the compliance program: have the remaining staff complete their training\.$/,
  ],
])("%s", (_, x, means, who, todo) => {
  const h = controlHelp(x)!;
  expect(h.means).toMatch(means);
  expect(h.who.join(" ")).toMatch(who);
  expect(h.todo).toMatch(todo);
});

test("a passing, excepted or unassessed control needs no help", () => {
  for (const status of ["pass", "excepted", "unassessed"] as const)
    expect(controlHelp({ ...score([check("windows.bitlocker", "pass")]), status })).toBeUndefined();
});
