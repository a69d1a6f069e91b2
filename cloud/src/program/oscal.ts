/**
 * OSCAL exports of a site's assessment (OSCAL 1.0.6 JSON): assessment-results (one result: every
 * HIPAA control reviewed, an observation per check finding and program artefact, a finding per
 * control) and a plan of action and milestones (a POA&M item per control not satisfied, per open
 * remediation step of the risk assessment, and per exception, whose risk is a deviation).
 * Pure: the same inputs give the same bytes (UUIDs are derived from names, not random).
 */
import { sha256Hex } from "../../../protocol/hash.ts";
import { SRA_QUESTIONS } from "../../../protocol/program-catalogue.ts";
import type { ProgramEvaluation, ProgramState } from "../../../protocol/program-state.ts";
import { type ComplianceScore, type ControlScore, SCORE_FORMULA } from "../../../protocol/score.ts";

/** The OSCAL version our exports declare (the vendored schemas' version). */
export const OSCAL_VERSION = "1.0.6";

/** What an export is built from. */
export interface OscalInput {
  site: { id: string; name: string };
  score: ComplianceScore;
  program: ProgramEvaluation;
  state: ProgramState;
  now: Date;
  /** Where the evidence behind observations can be fetched (the cloud's public URL). */
  baseUrl: string;
}

/** A name-based UUID (version 5 layout over SHA-256), stable across exports. */
export function nameUuid(...parts: string[]): string {
  const h = sha256Hex(parts.join("\u0000"));
  const variant = ((Number.parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** An OSCAL control id for a citation: §164.308(a)(1)(ii)(A) → hipaa-164.308-a-1-ii-A. */
export function controlId(citation: string): string {
  return `hipaa-${citation
    .replace("§", "")
    .replace(/\)\(/g, "-")
    .replace(/[()]/g, (m) => (m === "(" ? "-" : ""))}`;
}

const state = (s: ControlScore["status"]) =>
  s === "pass" || s === "excepted" ? "satisfied" : "not-satisfied";

function metadata(i: OscalInput, title: string) {
  return {
    title,
    "last-modified": i.now.toISOString(),
    version: `${i.now.toISOString().slice(0, 10)}+program.${i.state.headSeq}`,
    "oscal-version": OSCAL_VERSION,
    parties: [{ uuid: nameUuid(i.site.id, "party"), type: "organization", name: i.site.name }],
  };
}

function observations(i: OscalInput) {
  const out: Record<string, unknown>[] = [];
  const byControl = new Map<string, string[]>();
  for (const c of i.score.controls) {
    const ids: string[] = [];
    for (const e of c.evidence) {
      const uuid = nameUuid(i.site.id, "obs", c.control.citation, e.checkId, e.host);
      ids.push(uuid);
      out.push({
        uuid,
        title: `${e.checkId} on ${e.host}`,
        description: `Automated check ${e.checkId} on ${e.host}: ${e.status}${e.exceptedBy ? ` (waived by exception ${e.exceptedBy})` : ""}.`,
        methods: ["TEST"],
        types: ["control-objective"],
        collected: e.observedAt,
        "relevant-evidence": [
          {
            href: `${i.baseUrl}/api/sites/${i.site.id}/evidence/export`,
            description: "signed evidence chain (JSONL)",
          },
        ],
      });
    }
    c.program.forEach((p, n) => {
      const uuid = nameUuid(i.site.id, "obs", c.control.citation, p.source, String(n));
      ids.push(uuid);
      out.push({
        uuid,
        title: `${p.source} (${p.status})`,
        description: p.detail,
        methods: [p.source === "sra" || p.source === "risk-plan" ? "INTERVIEW" : "EXAMINE"],
        types: ["control-objective"],
        collected: i.now.toISOString(),
        "relevant-evidence": [
          {
            href: `${i.baseUrl}/api/sites/${i.site.id}/program/export`,
            description: "signed program chain (JSONL)",
          },
        ],
      });
    });
    byControl.set(c.control.citation, ids);
  }
  return { out, byControl };
}

/** The assessment-results document. */
export function assessmentResults(i: OscalInput) {
  const { out, byControl } = observations(i);
  const assessed = i.score.controls.filter((c) => c.status !== "unassessed");
  return {
    "assessment-results": {
      uuid: nameUuid(i.site.id, "ar", i.now.toISOString()),
      metadata: metadata(i, `HIPAA Security Rule assessment results — ${i.site.name}`),
      "import-ap": {
        href: `${i.baseUrl}/api/sites/${i.site.id}/program`,
        remarks: "The assessment plan is the site's compliance program and its appliances' checks.",
      },
      results: [
        {
          uuid: nameUuid(i.site.id, "result", i.now.toISOString()),
          title: "Continuous HIPAA Security Rule assessment",
          description: `Score ${i.score.score ?? "n/a"} over ${i.score.assessed} of ${i.score.controls.length} controls. ${SCORE_FORMULA}`,
          start: i.now.toISOString(),
          "reviewed-controls": {
            "control-selections": [
              {
                "include-controls": i.score.controls.map((c) => ({
                  "control-id": controlId(c.control.citation),
                })),
              },
            ],
          },
          ...(out.length ? { observations: out } : {}),
          ...(assessed.length
            ? {
                findings: assessed.map((c) => ({
                  uuid: nameUuid(i.site.id, "finding", c.control.citation),
                  title: `${c.control.citation} ${c.control.title}`,
                  description: `Status ${c.status}${c.exceptions.length ? `; exceptions: ${c.exceptions.map((e) => `${e.exceptionId} (${e.state}, expires ${e.expiresOn})`).join(", ")}` : ""}.`,
                  target: {
                    type: "objective-id",
                    "target-id": controlId(c.control.citation),
                    status: { state: state(c.status) },
                  },
                  ...(byControl.get(c.control.citation)?.length
                    ? {
                        "related-observations": byControl
                          .get(c.control.citation)!
                          .map((u) => ({ "observation-uuid": u })),
                      }
                    : {}),
                })),
              }
            : {}),
        },
      ],
    },
  };
}

/** The POA&M document. */
export function poam(i: OscalInput) {
  const risks: Record<string, unknown>[] = [];
  const items: Record<string, unknown>[] = [];
  const today = i.now.toISOString().slice(0, 10);
  for (const c of i.score.controls.filter(
    (x) => x.status === "fail" || x.status === "warn" || x.status === "unknown",
  )) {
    const uuid = nameUuid(i.site.id, "risk", c.control.citation);
    const why = [
      ...c.evidence
        .filter((e) => e.status !== "pass" && !e.exceptedBy)
        .map((e) => `${e.checkId} on ${e.host}: ${e.status}`),
      ...c.program.filter((p) => p.status !== "pass").map((p) => p.detail),
    ];
    risks.push({
      uuid,
      title: `${c.control.citation} ${c.control.title} is ${c.status}`,
      description: why.join("; ") || `status ${c.status}`,
      statement: `Until fixed, ${c.control.citation} (${c.control.title}) is not met.`,
      status: "open",
    });
    items.push({
      uuid: nameUuid(i.site.id, "item", c.control.citation),
      title: `Meet ${c.control.citation} ${c.control.title}`,
      description: why.join("; ") || `status ${c.status}`,
      "related-risks": [{ "risk-uuid": uuid }],
    });
  }
  const sra = i.program.currentSra;
  if (sra) {
    for (const [, steps] of sra.plan) {
      for (const p of steps) {
        const uuid = nameUuid(i.site.id, "plan", sra.sraId, p.questionId, p.action);
        const q = SRA_QUESTIONS.get(p.questionId);
        risks.push({
          uuid,
          title: q ? q.threat : p.questionId,
          description: q ? q.text : p.questionId,
          statement: `Risk assessment ${sra.sraId}: ${p.action}`,
          status: p.dueOn < today ? "open" : "remediating",
          deadline: `${p.dueOn}T23:59:59Z`,
          remediations: [
            {
              uuid: nameUuid(uuid, "remediation"),
              lifecycle: "planned",
              title: p.action,
              description: `Owner: ${p.owner}; due ${p.dueOn}.`,
            },
          ],
        });
        items.push({
          uuid: nameUuid(uuid, "item"),
          title: p.action,
          description: `Owner ${p.owner}, due ${p.dueOn} (SRA ${sra.sraId}, ${p.questionId}).`,
          "related-risks": [{ "risk-uuid": uuid }],
        });
      }
    }
  }
  for (const e of i.program.exceptions.filter(
    (x) => x.state === "in-force" || x.state === "proposed" || x.state === "expired",
  )) {
    const uuid = nameUuid(i.site.id, "exception", e.exceptionId);
    const what = e.target.kind === "check" ? `check ${e.target.checkId}` : `control ${e.target.citation}`;
    risks.push({
      uuid,
      title: `Exception ${e.exceptionId} for ${what}`,
      description: e.reason,
      statement: `Compensating control: ${e.compensatingControl}`,
      status:
        e.state === "in-force"
          ? "deviation-approved"
          : e.state === "proposed"
            ? "deviation-requested"
            : "open",
      deadline: `${e.expiresOn}T23:59:59Z`,
    });
    items.push({
      uuid: nameUuid(uuid, "item"),
      title: `${e.state === "expired" ? "Expired exception" : "Exception"} ${e.exceptionId}: ${what}`,
      description: `${e.reason} Proposed by ${e.proposedBy}${e.acceptedBy ? `, accepted by ${e.acceptedBy}` : ""}; expires ${e.expiresOn}.`,
      "related-risks": [{ "risk-uuid": uuid }],
    });
  }
  return {
    "plan-of-action-and-milestones": {
      uuid: nameUuid(i.site.id, "poam", i.now.toISOString()),
      metadata: metadata(i, `HIPAA plan of action and milestones — ${i.site.name}`),
      "system-id": { "identifier-type": "https://malachor.invalid/site-id", id: i.site.id },
      ...(risks.length ? { risks } : {}),
      "poam-items": items,
    },
  };
}
