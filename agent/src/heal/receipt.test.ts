import { describe, expect, test } from "bun:test";
import * as v from "valibot";
import type { RunbookExecution } from "../../../lib/runbook-types.ts";
import { RemediationReceipt } from "../../../protocol/receipt.ts";
import { sampleFinding } from "../../../protocol/testkit.ts";
import { type AttemptRecord, buildReceipt } from "./receipt.ts";

const finding = sampleFinding({
  checkId: "windows.firewall",
  host: "EXAM-3",
  status: "fail",
  actual: "Public off",
});
const fail = { status: "fail" as const, actual: "Public off", details: { public: false } };
const pass = { status: "pass" as const, actual: "all on", details: { public: true } };

function attempt(execution: AttemptRecord["execution"], dryRun = false): AttemptRecord {
  return {
    id: "rcpt-1",
    finding,
    runbookId: "windows.firewall",
    params: {},
    decidedBy: { tier: "L1", ruleId: "l1-windows-firewall", ruleVersion: 1 },
    dryRun,
    execution,
    startedAt: "2026-11-25T10:00:00.000Z",
    finishedAt: "2026-11-25T10:00:05.000Z",
  };
}

describe("buildReceipt", () => {
  const cases: Array<[string, AttemptRecord["execution"], boolean, string, string]> = [
    ["verify passed", { before: fail, after: pass, rollback: null }, false, "fixed", "pass"],
    [
      "verify failed, rolled back",
      { before: fail, after: fail, rollback: { attempted: true, ok: true } },
      false,
      "rolled-back",
      "fail",
    ],
    [
      "verify failed, rollback failed",
      { before: fail, after: fail, rollback: { attempted: true, ok: false, output: "access denied" } },
      false,
      "failed",
      "fail",
    ],
    ["dry run", { before: fail, after: null, rollback: null }, true, "dry-run", "skipped"],
    [
      "runner error",
      { before: fail, after: null, rollback: null, error: "remediate.ps1 exited 1" } as RunbookExecution,
      false,
      "failed",
      "skipped",
    ],
    ["no execution at all", { error: "winrm: 401 from 10.0.0.5:5985" }, false, "failed", "skipped"],
  ];
  test.each(cases)("%s", (_n, execution, dryRun, outcome, verify) => {
    const r = buildReceipt(attempt(execution, dryRun));
    expect(v.is(RemediationReceipt, r)).toBe(true);
    expect(r.outcome).toBe(outcome as RemediationReceipt["outcome"]);
    expect(r.verify).toBe(verify as RemediationReceipt["verify"]);
  });

  test("scrubs PHI out of states, rollback output and errors", () => {
    const r = buildReceipt(
      attempt({
        before: { ...fail, details: { lastUser: "Patient: Jane Doe" } },
        after: fail,
        rollback: { attempted: true, ok: false, output: "restore failed for jane@example.org" },
        error: "DOB 01/02/1980",
      }),
    );
    expect(r.before.details).toEqual({ lastUser: "Patient: [REDACTED:name]" });
    expect(r.rollback?.output).toBe("restore failed for [REDACTED:email]");
    expect(r.error).toBe("DOB [REDACTED:dob]");
  });
});
