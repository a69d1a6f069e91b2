/**
 * The compliance program as a pure function of its records: replay the site's program chain into
 * its state (replayProgram), then judge each control the program covers at a given day
 * (evaluateProgram). The score (score.ts) combines that judgement with the checks' findings, so an
 * auditor recomputes both from the exported chains.
 */
import { canonicalHash } from "./hash.ts";
import type {
  DatedRecord,
  ExceptionTarget,
  ProgramPerson,
  ProgramRecord,
  SraAnsweredQuestion,
  SraPlanItem,
} from "./program.ts";
import { POLICY_LIBRARY, SRA_SECTIONS, TRAINING_COURSES } from "./program-catalogue.ts";

type Rec<T extends ProgramRecord["type"]> = Extract<ProgramRecord, { type: T }>;

/** One risk assessment as replayed. */
export interface SraState {
  sraId: string;
  trigger: "yearly" | "on-demand";
  startedAt: string;
  prefill: Map<string, SraAnsweredQuestion>;
  answers: Map<string, SraAnsweredQuestion>;
  /** Plan items per section (a section's save replaces its items). */
  plan: Map<string, SraPlanItem[]>;
  signed: { at: string; signer: ProgramPerson; contentHash: string } | null;
}

/** One policy of the site: its latest adoption and the acknowledgements of each version. */
export interface PolicyState {
  adopted: Rec<"policy-adopted"> & { at: string };
  /** siteVersion → e-mail → when acknowledged. */
  acks: Map<number, Map<string, { person: ProgramPerson; at: string }>>;
}

/** A business associate agreement as last recorded. */
export interface BaaState {
  baa: Rec<"baa-recorded"> & { at: string };
  ended: { at: string; reason: string } | null;
}

/** A training assignment and its attestation. */
export interface TrainingState {
  assigned: Rec<"training-assigned"> & { at: string };
  attested: (Rec<"training-attested"> & { at: string }) | null;
}

/** An exception's life: proposed, then accepted, declined or revoked. */
export interface ExceptionState {
  proposed: Rec<"exception-proposed"> & { at: string };
  decision:
    | { state: "accepted"; by: ProgramPerson; at: string }
    | { state: "declined"; by: ProgramPerson; at: string; note: string }
    | null;
  revoked: { by: string; at: string; note: string } | null;
}

/** Everything the program's records say. */
export interface ProgramState {
  records: number;
  headSeq: number;
  officials: Map<"security-official" | "privacy-officer", { person: ProgramPerson; portalUserId: string }>;
  sras: Map<string, SraState>;
  policies: Map<string, PolicyState>;
  baas: Map<string, BaaState>;
  training: Map<string, TrainingState>;
  exceptions: Map<string, ExceptionState>;
}

/** Replay records (in chain order) into the program's state. */
export function replayProgram(records: readonly DatedRecord[]): ProgramState {
  const s: ProgramState = {
    records: records.length,
    headSeq: records.at(-1)?.seq ?? 0,
    officials: new Map(),
    sras: new Map(),
    policies: new Map(),
    baas: new Map(),
    training: new Map(),
    exceptions: new Map(),
  };
  for (const { at, record: r } of records) {
    switch (r.type) {
      case "official-designated":
        s.officials.set(r.role, { person: r.person, portalUserId: r.portalUserId });
        break;
      case "sra-started":
        s.sras.set(r.sraId, {
          sraId: r.sraId,
          trigger: r.trigger,
          startedAt: at,
          prefill: new Map(r.prefill.map((a) => [a.questionId, a])),
          answers: new Map(),
          plan: new Map(),
          signed: null,
        });
        break;
      case "sra-section-saved": {
        const sra = s.sras.get(r.sraId);
        if (!sra || sra.signed) break;
        for (const a of r.answers) sra.answers.set(a.questionId, a);
        sra.plan.set(r.sectionId, r.plan);
        break;
      }
      case "sra-signed": {
        const sra = s.sras.get(r.sraId);
        if (sra && !sra.signed) sra.signed = { at, signer: r.signer, contentHash: r.contentHash };
        break;
      }
      case "policy-adopted":
        s.policies.set(r.policyId, {
          adopted: { ...r, at },
          acks: s.policies.get(r.policyId)?.acks ?? new Map(),
        });
        break;
      case "policy-acknowledged": {
        const p = s.policies.get(r.policyId);
        if (!p) break;
        const m = p.acks.get(r.siteVersion) ?? new Map();
        m.set(r.person.email, { person: r.person, at });
        p.acks.set(r.siteVersion, m);
        break;
      }
      case "baa-recorded":
        s.baas.set(r.baaId, { baa: { ...r, at }, ended: null });
        break;
      case "baa-ended": {
        const b = s.baas.get(r.baaId);
        if (b) b.ended = { at, reason: r.reason };
        break;
      }
      case "training-assigned":
        s.training.set(r.assignmentId, { assigned: { ...r, at }, attested: null });
        break;
      case "training-attested": {
        const t = s.training.get(r.assignmentId);
        if (t) t.attested = { ...r, at };
        break;
      }
      case "exception-proposed":
        s.exceptions.set(r.exceptionId, { proposed: { ...r, at }, decision: null, revoked: null });
        break;
      case "exception-accepted": {
        const e = s.exceptions.get(r.exceptionId);
        if (e && !e.decision) e.decision = { state: "accepted", by: r.acceptedBy, at };
        break;
      }
      case "exception-declined": {
        const e = s.exceptions.get(r.exceptionId);
        if (e && !e.decision) e.decision = { state: "declined", by: r.by, at, note: r.note };
        break;
      }
      case "exception-revoked": {
        const e = s.exceptions.get(r.exceptionId);
        if (e && !e.revoked) e.revoked = { by: r.by, at, note: r.note };
        break;
      }
    }
  }
  return s;
}

/** The answers an SRA stands on: each question's saved answer, else its prefill. */
export function sraAnswers(sra: SraState): SraAnsweredQuestion[] {
  const out: SraAnsweredQuestion[] = [];
  for (const sec of SRA_SECTIONS) {
    for (const qq of sec.questions) {
      const a = sra.answers.get(qq.id) ?? sra.prefill.get(qq.id);
      if (a) out.push(a);
    }
  }
  return out;
}

/** Sections whose questions have all been answered by a person (prefills alone do not count). */
export function sraSectionsDone(sra: SraState): Set<string> {
  return new Set(
    SRA_SECTIONS.filter((s) => s.questions.every((qq) => sra.answers.has(qq.id))).map((s) => s.id),
  );
}

/** The hash an SRA's signature names: its answers and plan, canonical. */
export function sraContentHash(sra: SraState): string {
  const plan = [...sra.plan.entries()].sort(([a], [b]) => a.localeCompare(b)).flatMap(([, items]) => items);
  return canonicalHash({ sraId: sra.sraId, answers: sraAnswers(sra), plan });
}

/** How a program artefact judges a control. */
export type SourceStatus = "pass" | "warn" | "fail";
/** Which artefact judged. */
export type SourceKind =
  | "sra"
  | "risk-plan"
  | "policy"
  | "acknowledgements"
  | "baa"
  | "training"
  | "official"
  | "records";

/** One program artefact's judgement of a control, with the words shown on the report. */
export interface ProgramSource {
  source: SourceKind;
  status: SourceStatus;
  detail: string;
}

/** An exception as the score and packet show it. */
export interface ExceptionView {
  exceptionId: string;
  target: ExceptionTarget;
  citations: string[];
  reason: string;
  compensatingControl: string;
  expiresOn: string;
  proposedBy: string;
  proposedAt: string;
  acceptedBy: string | null;
  /** in-force: accepted and not past its expiry; expired: accepted, now past it (fails again). */
  state: "proposed" | "in-force" | "expired" | "declined" | "revoked";
}

/** Something due that a reminder should name. */
export interface DueItem {
  kind:
    | "baa-expiring"
    | "baa-expired"
    | "training-overdue"
    | "sra-due"
    | "exception-expiring"
    | "risk-plan-overdue";
  /** Stable key: one reminder per key and day. */
  key: string;
  text: string;
}

/** The program's judgement on a day. */
export interface ProgramEvaluation {
  /** False while the site has no program record: its controls stay unassessed rather than failing. */
  inUse: boolean;
  /** Citation → the artefacts judging it. */
  sources: Map<string, ProgramSource[]>;
  exceptions: ExceptionView[];
  due: DueItem[];
  currentSra: SraState | null;
}

/** Options of evaluateProgram. */
export interface EvaluateOptions {
  /** How long the site's evidence is retained (days): six years is what §164.316(b)(2)(i) asks. */
  retentionDays: number;
}

const DAY = 86_400_000;
const SIX_YEARS_DAYS = 6 * 365;
/** A yearly artefact (SRA, policy review, BAA) is current this long. */
const YEAR_DAYS = 365;
/** Reminders start this many days ahead of an expiry. */
export const REMIND_AHEAD_DAYS = 30;

const dayOf = (d: Date) => d.toISOString().slice(0, 10);
const daysBetween = (from: string, to: string) => Math.floor((Date.parse(to) - Date.parse(from)) / DAY);

function exceptionView(e: ExceptionState, today: string): ExceptionView {
  const p = e.proposed;
  let state: ExceptionView["state"] = "proposed";
  if (e.revoked) state = "revoked";
  else if (e.decision?.state === "declined") state = "declined";
  else if (e.decision?.state === "accepted") state = today > p.expiresOn ? "expired" : "in-force";
  return {
    exceptionId: p.exceptionId,
    target: p.target,
    citations: p.citations,
    reason: p.reason,
    compensatingControl: p.compensatingControl,
    expiresOn: p.expiresOn,
    proposedBy: p.proposedBy,
    proposedAt: p.at,
    acceptedBy: e.decision?.state === "accepted" ? e.decision.by.name : null,
    state,
  };
}

/** The latest signed SRA that is less than a year old on `today`. */
function currentSra(s: ProgramState, today: string): SraState | null {
  let best: SraState | null = null;
  for (const sra of s.sras.values()) {
    if (!sra.signed || daysBetween(sra.signed.at, today) >= YEAR_DAYS) continue;
    if (!best || sra.signed.at > (best.signed?.at ?? "")) best = sra;
  }
  return best;
}

const answerStatus: Record<SraAnsweredQuestion["answer"], SourceStatus> = {
  yes: "pass",
  na: "pass",
  partial: "warn",
  no: "fail",
};

/** Judge every control the program covers on `now`'s day. */
export function evaluateProgram(s: ProgramState, now: Date, opts: EvaluateOptions): ProgramEvaluation {
  const today = dayOf(now);
  const sources = new Map<string, ProgramSource[]>();
  const add = (citations: readonly string[], src: ProgramSource) => {
    for (const c of citations) sources.set(c, [...(sources.get(c) ?? []), src]);
  };
  const due: DueItem[] = [];
  const exceptions = [...s.exceptions.values()].map((e) => exceptionView(e, today));
  const inUse = s.records > 0;
  if (!inUse) return { inUse, sources, exceptions, due, currentSra: null };

  // Risk assessment: a signed SRA under a year old answers its questions' controls.
  const sra = currentSra(s, today);
  const lastSigned = [...s.sras.values()]
    .filter((x) => x.signed)
    .sort((a, b) => (a.signed!.at < b.signed!.at ? 1 : -1))[0];
  if (sra) {
    const answers = new Map(sraAnswers(sra).map((a) => [a.questionId, a]));
    for (const sec of SRA_SECTIONS) {
      for (const qq of sec.questions) {
        const a = answers.get(qq.id);
        if (!a)
          add(qq.citations, { source: "sra", status: "fail", detail: `SRA question ${qq.id} not answered` });
        else
          add(qq.citations, {
            source: "sra",
            status: answerStatus[a.answer],
            detail: `SRA ${sra.sraId} (signed ${sra.signed!.at.slice(0, 10)}): ${qq.id} answered "${a.answer}", risk ${a.likelihood}×${a.impact}`,
          });
      }
    }
    add(["§164.308(a)(1)(ii)(A)", "§164.308(a)(8)"], {
      source: "sra",
      status: "pass",
      detail: `risk assessment ${sra.sraId} signed by ${sra.signed!.signer.name} on ${sra.signed!.at.slice(0, 10)}`,
    });
    // Risk management: every gap has a plan step with an owner, and no step is overdue.
    const plan = [...sra.plan.values()].flat();
    const gaps = [...answers.values()].filter((a) => a.answer === "no" || a.answer === "partial");
    const unplanned = gaps.filter((g) => !plan.some((p) => p.questionId === g.questionId));
    const overdue = plan.filter((p) => p.dueOn < today);
    for (const p of overdue)
      due.push({
        kind: "risk-plan-overdue",
        key: `plan:${sra.sraId}:${p.questionId}:${p.dueOn}`,
        text: `Risk plan step for ${p.questionId} (${p.owner}) was due ${p.dueOn}`,
      });
    add(["§164.308(a)(1)(ii)(B)"], {
      source: "risk-plan",
      status: unplanned.length > 0 || overdue.length > 0 ? "warn" : "pass",
      detail:
        unplanned.length + overdue.length === 0
          ? `${plan.length} remediation step(s), each with an owner and a due date, none overdue`
          : `${unplanned.length} gap(s) without a plan step, ${overdue.length} step(s) overdue`,
    });
  } else {
    const why = lastSigned
      ? `the last risk assessment was signed on ${lastSigned.signed!.at.slice(0, 10)}, over a year ago`
      : "no signed risk assessment";
    const all = SRA_SECTIONS.flatMap((x) => x.questions.flatMap((qq) => qq.citations));
    add([...new Set([...all, "§164.308(a)(1)(ii)(A)", "§164.308(a)(1)(ii)(B)", "§164.308(a)(8)"])], {
      source: "sra",
      status: "fail",
      detail: why,
    });
  }
  const sraDueOn = lastSigned ? dayOf(new Date(Date.parse(lastSigned.signed!.at) + YEAR_DAYS * DAY)) : today;
  if (daysBetween(today, sraDueOn) <= REMIND_AHEAD_DAYS)
    due.push({
      kind: "sra-due",
      key: `sra:${sraDueOn}`,
      text: `The yearly security risk assessment is due on ${sraDueOn}`,
    });

  // Policies and their acknowledgements by everyone on the training roster.
  const roster = new Map<string, ProgramPerson>();
  for (const t of s.training.values()) roster.set(t.assigned.person.email, t.assigned.person);
  let allAdopted = true;
  let allReviewed = true;
  for (const meta of POLICY_LIBRARY) {
    const p = s.policies.get(meta.id);
    if (!p) {
      allAdopted = false;
      add(meta.citations, { source: "policy", status: "fail", detail: `policy "${meta.title}" not adopted` });
      continue;
    }
    const a = p.adopted;
    const age = daysBetween(a.at, today);
    if (age >= YEAR_DAYS) allReviewed = false;
    add(meta.citations, {
      source: "policy",
      status: age >= YEAR_DAYS ? "warn" : "pass",
      detail:
        age >= YEAR_DAYS
          ? `policy "${a.title}" v${a.siteVersion} not reviewed since ${a.at.slice(0, 10)}`
          : `policy "${a.title}" v${a.siteVersion} adopted ${a.at.slice(0, 10)}`,
    });
    const acked = p.acks.get(a.siteVersion) ?? new Map();
    const missing = [...roster.keys()].filter((e) => !acked.has(e));
    add(meta.citations, {
      source: "acknowledgements",
      status: roster.size > 0 && missing.length === 0 ? "pass" : "warn",
      detail:
        roster.size === 0
          ? "no workforce roster (assign training to list the staff)"
          : `${roster.size - missing.length} of ${roster.size} staff acknowledged v${a.siteVersion}`,
    });
  }
  add(["§164.316(a)"], {
    source: "policy",
    status: allAdopted ? "pass" : "fail",
    detail: allAdopted ? `all ${POLICY_LIBRARY.length} policies adopted` : "some policies are not adopted",
  });
  add(["§164.316(b)(2)(iii)"], {
    source: "policy",
    status: allAdopted && allReviewed ? "pass" : "warn",
    detail: allReviewed
      ? "every adopted policy reviewed within the year"
      : "some policies are over a year old",
  });
  add(["§164.316(b)(1)"], {
    source: "records",
    status: "pass",
    detail: `${s.records} program record(s) kept in the site's signed program chain`,
  });
  add(["§164.316(b)(2)(i)"], {
    source: "records",
    status: opts.retentionDays >= SIX_YEARS_DAYS ? "pass" : "warn",
    detail: `evidence retained ${opts.retentionDays} days; six years (${SIX_YEARS_DAYS}) is required`,
  });

  // Security official.
  const so = s.officials.get("security-official");
  add(["§164.308(a)(2)"], {
    source: "official",
    status: so ? "pass" : "fail",
    detail: so ? `security official: ${so.person.name}` : "no security official designated",
  });

  // Business associates.
  const live = [...s.baas.values()].filter((b) => !b.ended);
  const baaIssues: SourceStatus[] = [];
  const baaWords: string[] = [];
  for (const b of live) {
    const r = b.baa;
    if (r.expiresOn && r.expiresOn < today) {
      baaIssues.push("fail");
      baaWords.push(`${r.vendor}: expired ${r.expiresOn}`);
      due.push({
        kind: "baa-expired",
        key: `baa:${r.baaId}:expired`,
        text: `BAA with ${r.vendor} expired on ${r.expiresOn}`,
      });
    } else if (r.expiresOn && daysBetween(today, r.expiresOn) <= REMIND_AHEAD_DAYS) {
      baaIssues.push("warn");
      baaWords.push(`${r.vendor}: expires ${r.expiresOn}`);
      due.push({
        kind: "baa-expiring",
        key: `baa:${r.baaId}:${r.expiresOn}`,
        text: `BAA with ${r.vendor} expires on ${r.expiresOn}`,
      });
    }
    if (!r.document) {
      baaIssues.push("warn");
      baaWords.push(`${r.vendor}: no signed copy attached`);
    }
  }
  add(["§164.308(b)(1)", "§164.308(b)(3)"], {
    source: "baa",
    status:
      live.length === 0 ? "fail" : baaIssues.includes("fail") ? "fail" : baaIssues.length ? "warn" : "pass",
    detail:
      live.length === 0
        ? "no business associate agreement on file"
        : `${live.length} BAA(s) on file${baaWords.length ? `; ${baaWords.join("; ")}` : ", all current with signed copies"}`,
  });

  // Training per course: everyone assigned has attested the current content, none overdue.
  for (const course of TRAINING_COURSES) {
    const ts = [...s.training.values()].filter((t) => t.assigned.courseId === course.id);
    const done = ts.filter((t) => t.attested && t.attested.contentVersion >= t.assigned.contentVersion);
    const overdue = ts.filter((t) => !done.includes(t) && t.assigned.dueOn < today);
    for (const t of overdue)
      due.push({
        kind: "training-overdue",
        key: `training:${t.assigned.assignmentId}`,
        text: `${t.assigned.person.name} has not completed "${course.title}" (due ${t.assigned.dueOn})`,
      });
    add(course.citations, {
      source: "training",
      status: ts.length === 0 || overdue.length > 0 ? "fail" : done.length === ts.length ? "pass" : "warn",
      detail:
        ts.length === 0
          ? `nobody is assigned "${course.title}"`
          : `"${course.title}": ${done.length} of ${ts.length} completed, ${overdue.length} overdue`,
    });
  }

  for (const e of exceptions) {
    if (e.state === "in-force" && daysBetween(today, e.expiresOn) <= REMIND_AHEAD_DAYS)
      due.push({
        kind: "exception-expiring",
        key: `exception:${e.exceptionId}:${e.expiresOn}`,
        text: `Exception ${e.exceptionId} expires on ${e.expiresOn}; the check counts as failing after that`,
      });
  }
  return { inUse, sources, exceptions, due, currentSra: sra };
}
