/**
 * The compliance program's records: risk assessment, policies, business associates, training and
 * exceptions. Each record is one event of a bundle in the site's program chain (applianceId
 * PROGRAM_CHAIN_ID), signed by the cloud's key, so `malachor evidence verify` checks it like any
 * other chain; the program's state is a replay of these records (program-state.ts).
 */
import * as v from "valibot";
import { Citation, Hex64, Id, ShortText, Slug } from "./common.ts";

/** applianceId of every site's program chain (the cloud's key signs it). */
export const PROGRAM_CHAIN_ID = "program";

/** A calendar date, YYYY-MM-DD (due dates, expiries, signed-on dates). */
export const IsoDate = v.pipe(
  v.string(),
  v.regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date YYYY-MM-DD"),
  v.check((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)), "must be a real date"),
);

const Name = v.pipe(v.string(), v.trim(), v.minLength(1, "must not be empty"), v.maxLength(120));
const Text = v.pipe(v.string(), v.trim(), v.minLength(1, "must not be empty"), v.maxLength(2_000));
const Email = v.pipe(
  v.string(),
  v.trim(),
  v.toLowerCase(),
  v.email("must be an e-mail address"),
  v.maxLength(254),
);

/** A person named in a record (staff member, official, technician). */
export const ProgramPerson = v.strictObject({ name: Name, email: Email });
export type ProgramPerson = v.InferOutput<typeof ProgramPerson>;

/** Answers of the SRA, as the HHS/ONC SRA Tool offers them. */
export const SraAnswer = v.picklist(["yes", "partial", "no", "na"]);
export type SraAnswer = v.InferOutput<typeof SraAnswer>;
/** Likelihood and impact of a threat, 1 (low) – 3 (high); risk = likelihood × impact. */
export const RiskLevel = v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(3));

/** A finding an SRA answer was prefilled from. */
export const SraEvidence = v.strictObject({
  checkId: Slug,
  host: v.pipe(v.string(), v.maxLength(253)),
  status: v.picklist(["pass", "warn", "fail", "error", "unreachable"]),
  applianceId: Id,
  seq: v.pipe(v.number(), v.integer(), v.minValue(1)),
});
export type SraEvidence = v.InferOutput<typeof SraEvidence>;

/** One answered SRA question. */
export const SraAnsweredQuestion = v.strictObject({
  questionId: Slug,
  answer: SraAnswer,
  note: v.optional(v.pipe(v.string(), v.maxLength(2_000))),
  likelihood: RiskLevel,
  impact: RiskLevel,
  citations: v.pipe(v.array(Citation), v.minLength(1)),
  /** Findings that prefilled the answer (kept when a person confirms it). */
  evidence: v.pipe(v.array(SraEvidence), v.maxLength(50)),
});
export type SraAnsweredQuestion = v.InferOutput<typeof SraAnsweredQuestion>;

/** A step of the SRA's remediation plan. */
export const SraPlanItem = v.strictObject({
  questionId: Slug,
  action: Text,
  owner: Name,
  dueOn: IsoDate,
});
export type SraPlanItem = v.InferOutput<typeof SraPlanItem>;

/** What an exception waives: a check's failure, or a whole control. */
export const ExceptionTarget = v.variant("kind", [
  v.strictObject({ kind: v.literal("check"), checkId: Slug }),
  v.strictObject({ kind: v.literal("control"), citation: Citation }),
]);
export type ExceptionTarget = v.InferOutput<typeof ExceptionTarget>;

/** A BAA document kept in the object store. */
export const BaaDocument = v.strictObject({
  objectKey: v.pipe(v.string(), v.maxLength(300)),
  sha256: Hex64,
  bytes: v.pipe(v.number(), v.integer(), v.minValue(1)),
  contentType: v.pipe(v.string(), v.maxLength(100)),
  fileName: v.pipe(v.string(), v.maxLength(200)),
});
export type BaaDocument = v.InferOutput<typeof BaaDocument>;

/** Every kind of program record (the `program` member of an attestation event's details). */
export const ProgramRecord = v.variant("type", [
  v.strictObject({
    type: v.literal("official-designated"),
    role: v.picklist(["security-official", "privacy-officer"]),
    person: ProgramPerson,
    portalUserId: Id,
  }),
  v.strictObject({
    type: v.literal("sra-started"),
    sraId: Id,
    trigger: v.picklist(["yearly", "on-demand"]),
    /** Answers taken from the appliances' latest findings, each with the findings behind it. */
    prefill: v.pipe(v.array(SraAnsweredQuestion), v.maxLength(200)),
  }),
  v.strictObject({
    type: v.literal("sra-section-saved"),
    sraId: Id,
    sectionId: Slug,
    answers: v.pipe(v.array(SraAnsweredQuestion), v.minLength(1), v.maxLength(100)),
    plan: v.pipe(v.array(SraPlanItem), v.maxLength(100)),
  }),
  v.strictObject({
    type: v.literal("sra-signed"),
    sraId: Id,
    /** canonicalHash of the answers and plan signed (program-state.ts sraContentHash). */
    contentHash: Hex64,
    signer: ProgramPerson,
  }),
  v.strictObject({
    type: v.literal("policy-adopted"),
    policyId: Slug,
    title: Name,
    templateVersion: v.pipe(v.number(), v.integer(), v.minValue(1)),
    /** The site's own version of this policy: 1, 2, … at each adoption. */
    siteVersion: v.pipe(v.number(), v.integer(), v.minValue(1)),
    citations: v.pipe(v.array(Citation), v.minLength(1)),
    clinicName: Name,
    officers: v.strictObject({ securityOfficial: Name, privacyOfficer: Name }),
    /** SHA-256 of the adopted text, as rendered with the clinic's names. */
    textSha256: Hex64,
    effectiveOn: IsoDate,
    adoptedBy: ProgramPerson,
  }),
  v.strictObject({
    type: v.literal("policy-acknowledged"),
    policyId: Slug,
    siteVersion: v.pipe(v.number(), v.integer(), v.minValue(1)),
    person: ProgramPerson,
  }),
  v.strictObject({
    type: v.literal("baa-recorded"),
    baaId: Id,
    vendor: Name,
    services: Text,
    phi: v.pipe(v.array(Name), v.minLength(1), v.maxLength(20)),
    signedOn: IsoDate,
    expiresOn: v.nullable(IsoDate),
    document: v.nullable(BaaDocument),
  }),
  v.strictObject({ type: v.literal("baa-ended"), baaId: Id, reason: Text }),
  v.strictObject({
    type: v.literal("training-assigned"),
    assignmentId: Id,
    person: ProgramPerson,
    courseId: Slug,
    courseTitle: Name,
    contentVersion: v.pipe(v.number(), v.integer(), v.minValue(1)),
    citations: v.pipe(v.array(Citation), v.minLength(1)),
    dueOn: IsoDate,
  }),
  v.strictObject({
    type: v.literal("training-attested"),
    assignmentId: Id,
    person: ProgramPerson,
    contentVersion: v.pipe(v.number(), v.integer(), v.minValue(1)),
    completedOn: IsoDate,
  }),
  v.strictObject({
    type: v.literal("exception-proposed"),
    exceptionId: Id,
    target: ExceptionTarget,
    /** Citations the waived check or control supports (shown on the score). */
    citations: v.pipe(v.array(Citation), v.minLength(1)),
    reason: Text,
    compensatingControl: Text,
    expiresOn: IsoDate,
    proposedBy: Name,
  }),
  v.strictObject({ type: v.literal("exception-accepted"), exceptionId: Id, acceptedBy: ProgramPerson }),
  v.strictObject({
    type: v.literal("exception-declined"),
    exceptionId: Id,
    by: ProgramPerson,
    note: ShortText,
  }),
  v.strictObject({ type: v.literal("exception-revoked"), exceptionId: Id, by: Name, note: ShortText }),
]);
export type ProgramRecord = v.InferOutput<typeof ProgramRecord>;
export type ProgramRecordType = ProgramRecord["type"];

/** A record with when it was made and by whom, as replayed from the chain. */
export interface DatedRecord {
  seq: number;
  at: string;
  actor: string;
  record: ProgramRecord;
}

/** The citations a record supports (the bundle's `citations`). */
export function recordCitations(r: ProgramRecord): string[] {
  switch (r.type) {
    case "sra-started":
    case "sra-section-saved":
      return [...new Set((r.type === "sra-started" ? r.prefill : r.answers).flatMap((a) => a.citations))];
    case "sra-signed":
      return ["§164.308(a)(1)(ii)(A)", "§164.308(a)(8)"];
    case "policy-adopted":
      return [...r.citations, "§164.316(a)"];
    case "policy-acknowledged":
      return ["§164.316(b)(2)(ii)"];
    case "baa-recorded":
    case "baa-ended":
      return ["§164.308(b)(1)", "§164.308(b)(3)"];
    case "training-assigned":
      return r.citations;
    case "training-attested":
      return ["§164.308(a)(5)"];
    case "exception-proposed":
      return r.citations;
    case "official-designated":
      return ["§164.308(a)(2)"];
    default:
      return [];
  }
}
