import { describe, expect, test } from "bun:test";
import * as v from "valibot";
import type { Finding } from "./finding.ts";
import { HIPAA_CONTROLS } from "./hipaa.ts";
import { type DatedRecord, ProgramRecord } from "./program.ts";
import { POLICY_LIBRARY, SRA_SECTIONS, TRAINING_COURSES } from "./program-catalogue.ts";
import { evaluateProgram, replayProgram, sraContentHash } from "./program-state.ts";
import { computeScore } from "./score.ts";
import { scoredFinding } from "./testkit.ts";

const official = { name: "Dana Official", email: "dana@clinic.example" };
const staff = { name: "Sam Staff", email: "sam@clinic.example" };
const opts = { retentionDays: 2190 };

/** Records in chain order, each parsed by the wire schema first (what the cloud stores). */
function chain(...items: [string, unknown][]): DatedRecord[] {
  return items.map(([at, r], i) => ({ seq: i + 1, at, actor: "test", record: v.parse(ProgramRecord, r) }));
}

const finding = (checkId: string, status: Finding["status"], citations: string[]) =>
  scoredFinding(checkId, status, citations, "2026-01-10T10:00:00.000Z");

/** A complete program on 2026-01-10: SRA answered "yes" and signed, every policy, BAA, training. */
function fullProgram(): [string, unknown][] {
  const at = "2026-01-10T09:00:00.000Z";
  const items: [string, unknown][] = [
    [at, { type: "official-designated", role: "security-official", person: official, portalUserId: "pu1" }],
    [at, { type: "sra-started", sraId: "sra1", trigger: "on-demand", prefill: [] }],
  ];
  for (const s of SRA_SECTIONS)
    items.push([
      at,
      {
        type: "sra-section-saved",
        sraId: "sra1",
        sectionId: s.id,
        answers: s.questions.map((q) => ({
          questionId: q.id,
          answer: "yes",
          likelihood: 1,
          impact: 2,
          citations: q.citations,
          evidence: [],
        })),
        plan: [],
      },
    ]);
  const sra = replayProgram(chain(...items)).sras.get("sra1")!;
  items.push([at, { type: "sra-signed", sraId: "sra1", contentHash: sraContentHash(sra), signer: official }]);
  for (const p of POLICY_LIBRARY) {
    items.push([
      at,
      {
        type: "policy-adopted",
        policyId: p.id,
        title: p.title,
        templateVersion: p.version,
        siteVersion: 1,
        citations: p.citations,
        clinicName: "Clinic",
        officers: { securityOfficial: official.name, privacyOfficer: official.name },
        textSha256: "a".repeat(64),
        effectiveOn: "2026-01-10",
        adoptedBy: official,
      },
    ]);
    items.push([at, { type: "policy-acknowledged", policyId: p.id, siteVersion: 1, person: staff }]);
  }
  items.push([
    at,
    {
      type: "baa-recorded",
      baaId: "ehr",
      vendor: "EHR Co",
      services: "hosted EHR",
      phi: ["charts"],
      signedOn: "2025-06-01",
      expiresOn: "2026-06-01",
      document: {
        objectKey: "s/program/baa/x",
        sha256: "b".repeat(64),
        bytes: 10,
        contentType: "application/pdf",
        fileName: "baa.pdf",
      },
    },
  ]);
  for (const c of TRAINING_COURSES) {
    items.push([
      at,
      {
        type: "training-assigned",
        assignmentId: `t-${c.id}`,
        person: staff,
        courseId: c.id,
        courseTitle: c.title,
        contentVersion: 1,
        citations: c.citations,
        dueOn: "2026-02-01",
      },
    ]);
    items.push([
      at,
      {
        type: "training-attested",
        assignmentId: `t-${c.id}`,
        person: staff,
        contentVersion: 1,
        completedOn: "2026-01-10",
      },
    ]);
  }
  return items;
}

const statusOf = (s: ReturnType<typeof computeScore>, c: string) =>
  s.controls.find((x) => x.control.citation === c)!.status;

describe("compliance program", () => {
  test("without program records nothing changes: program controls stay unassessed", () => {
    const e = evaluateProgram(replayProgram([]), new Date("2026-01-10T12:00:00Z"), opts);
    const s = computeScore([finding("a", "pass", ["§164.312(b)"])], e);
    expect(s.assessed).toBe(1);
    expect(statusOf(s, "§164.308(a)(1)(ii)(A)")).toBe("unassessed");
  });

  test("a complete program assesses every one of the 59 controls", () => {
    const e = evaluateProgram(replayProgram(chain(...fullProgram())), new Date("2026-01-10T12:00:00Z"), opts);
    const s = computeScore([], e);
    expect(HIPAA_CONTROLS.length).toBe(59);
    expect(s.controls.filter((c) => c.status === "unassessed").map((c) => c.control.citation)).toEqual([]);
    expect(s.score).toBe(100);
    expect(e.due).toEqual([]);
  });

  test("the score changes as artefacts are added and as they expire", () => {
    const items = fullProgram();
    const day = new Date("2026-01-10T12:00:00Z");
    const partial = items.filter(([, r]) => (r as { type: string }).type !== "baa-recorded");
    const without = computeScore([], evaluateProgram(replayProgram(chain(...partial)), day, opts));
    expect(statusOf(without, "§164.308(b)(1)")).toBe("fail");
    const full = computeScore([], evaluateProgram(replayProgram(chain(...items)), day, opts));
    expect(full.score!).toBeGreaterThan(without.score!);
    // Three weeks before the BAA's expiry it warns and a reminder is due; after it, it fails.
    const may = evaluateProgram(replayProgram(chain(...items)), new Date("2026-05-15T12:00:00Z"), opts);
    expect(statusOf(computeScore([], may), "§164.308(b)(1)")).toBe("warn");
    expect(may.due.map((d) => d.kind)).toContain("baa-expiring");
    const june = evaluateProgram(replayProgram(chain(...items)), new Date("2026-06-02T12:00:00Z"), opts);
    expect(statusOf(computeScore([], june), "§164.308(b)(1)")).toBe("fail");
    // A year later the SRA is stale: risk analysis fails and the yearly SRA is due.
    const next = evaluateProgram(replayProgram(chain(...items)), new Date("2027-01-11T12:00:00Z"), opts);
    expect(statusOf(computeScore([], next), "§164.308(a)(1)(ii)(A)")).toBe("fail");
    expect(next.due.map((d) => d.kind)).toContain("sra-due");
  });

  test("overdue training fails its controls and is listed as due", () => {
    const items = fullProgram().filter(([, r]) => (r as { type: string }).type !== "training-attested");
    const before = evaluateProgram(replayProgram(chain(...items)), new Date("2026-01-20T12:00:00Z"), opts);
    expect(statusOf(computeScore([], before), "§164.308(a)(5)(ii)(A)")).toBe("warn");
    const after = evaluateProgram(replayProgram(chain(...items)), new Date("2026-02-02T12:00:00Z"), opts);
    expect(statusOf(computeScore([], after), "§164.308(a)(5)(ii)(A)")).toBe("fail");
    expect(after.due.filter((d) => d.kind === "training-overdue")).toHaveLength(2);
  });

  test("an exception needs acceptance, counts while in force, and fails again once expired", () => {
    const at = "2026-01-10T09:00:00.000Z";
    const proposal: [string, unknown] = [
      at,
      {
        type: "exception-proposed",
        exceptionId: "ex1",
        target: { kind: "check", checkId: "windows.bitlocker" },
        citations: ["§164.312(a)(2)(iv)"],
        reason: "Legacy imaging PC cannot run BitLocker",
        compensatingControl: "Kept in a locked room; no ePHI stored locally",
        expiresOn: "2026-03-01",
        proposedBy: "Tech Tom",
      },
    ];
    const failing = [finding("windows.bitlocker", "fail", ["§164.312(a)(2)(iv)"])];
    const day = new Date("2026-01-10T12:00:00Z");
    const proposed = computeScore(
      failing,
      evaluateProgram(replayProgram(chain(...fullProgram(), proposal)), day, opts),
    );
    expect(statusOf(proposed, "§164.312(a)(2)(iv)")).toBe("fail");
    const accepted = chain(...fullProgram(), proposal, [
      at,
      { type: "exception-accepted", exceptionId: "ex1", acceptedBy: official },
    ]);
    const inForce = computeScore(failing, evaluateProgram(replayProgram(accepted), day, opts));
    const ctl = inForce.controls.find((c) => c.control.citation === "§164.312(a)(2)(iv)")!;
    expect(ctl.status).toBe("excepted");
    expect(ctl.evidence[0]!.exceptedBy).toBe("ex1");
    expect(ctl.exceptions).toEqual([{ exceptionId: "ex1", state: "in-force", expiresOn: "2026-03-01" }]);
    const later = computeScore(
      failing,
      evaluateProgram(replayProgram(accepted), new Date("2026-03-02T00:00:00Z"), opts),
    );
    expect(statusOf(later, "§164.312(a)(2)(iv)")).toBe("fail");
    expect(
      later.controls.find((c) => c.control.citation === "§164.312(a)(2)(iv)")!.exceptions[0]!.state,
    ).toBe("expired");
  });

  test("the SRA's content hash covers its answers", () => {
    const items = fullProgram();
    const a = replayProgram(chain(...items)).sras.get("sra1")!;
    const changed = items.map(([at, r]): [string, unknown] =>
      (r as { type: string; sectionId?: string }).sectionId === "basics"
        ? [
            at,
            {
              ...(r as object),
              answers: (r as { answers: { answer: string }[] }).answers.map((x) => ({ ...x, answer: "no" })),
            },
          ]
        : [at, r],
    );
    expect(sraContentHash(replayProgram(chain(...changed)).sras.get("sra1")!)).not.toBe(sraContentHash(a));
  });

  test("bad input is refused by the wire schema with a named field", () => {
    const r = v.safeParse(ProgramRecord, {
      type: "baa-recorded",
      baaId: "x",
      vendor: "",
      services: "s",
      phi: [],
      signedOn: "2026-13-01",
      expiresOn: null,
      document: null,
    });
    expect(r.success).toBe(false);
  });
});
