/** The security risk assessment: started (prefilled from evidence), answered section by section, signed. */
import * as v from "valibot";
import type { Finding } from "../../../protocol/finding.ts";
import {
  IsoDate,
  RiskLevel,
  SraAnswer,
  type SraAnsweredQuestion,
  type SraEvidence,
} from "../../../protocol/program.ts";
import { SRA_QUESTIONS, SRA_SECTIONS, type SraQuestion } from "../../../protocol/program-catalogue.ts";
import { sraContentHash, sraSectionsDone } from "../../../protocol/program-state.ts";
import { newId } from "../auth/secrets.ts";
import type { ServiceCall } from "../context.ts";
import { badRequest, conflict, notFound } from "../http/errors.ts";
import { type BundleRef, siteCompliance } from "../web/data/compliance.ts";
import { assertTechnician, officialOf } from "./access.ts";
import { appendRecord, stateIn } from "./chain.ts";

/** One answer as a person gives it in a section form. */
export const SraAnswerInput = v.strictObject({
  questionId: v.string(),
  answer: SraAnswer,
  note: v.optional(v.pipe(v.string(), v.maxLength(2_000))),
  likelihood: RiskLevel,
  impact: RiskLevel,
});
/** A remediation step as entered. */
export const SraPlanInput = v.strictObject({
  questionId: v.string(),
  action: v.pipe(v.string(), v.trim(), v.minLength(1, "the action must not be empty"), v.maxLength(2_000)),
  owner: v.pipe(v.string(), v.trim(), v.minLength(1, "every step needs an owner"), v.maxLength(120)),
  dueOn: IsoDate,
});
/** A section's answers and plan. */
export const SraSectionInput = v.strictObject({
  answers: v.pipe(v.array(SraAnswerInput), v.minLength(1)),
  plan: v.pipe(v.array(SraPlanInput), v.maxLength(100)),
});
export type SraSectionInput = v.InferOutput<typeof SraSectionInput>;

type Located = Finding & { bundle: BundleRef };

/** The answer the appliances' latest findings suggest for a question (null when none cite it). */
export function prefillAnswer(q: SraQuestion, findings: readonly Located[]): SraAnsweredQuestion | null {
  if (!q.prefillFrom) return null;
  const relevant = findings.filter(
    (f) => f.status !== "unreachable" && f.citations.some((c) => q.prefillFrom!.includes(c)),
  );
  if (relevant.length === 0) return null;
  const bad = relevant.filter((f) => f.status === "fail" || f.status === "error").length;
  const warn = relevant.filter((f) => f.status === "warn").length;
  const answer = bad === relevant.length ? "no" : bad > 0 || warn > 0 ? "partial" : "yes";
  const evidence: SraEvidence[] = relevant.slice(0, 50).map((f) => ({
    checkId: f.checkId,
    host: f.host,
    status: f.status,
    applianceId: f.bundle.applianceId,
    seq: f.bundle.seq,
  }));
  return {
    questionId: q.id,
    answer,
    note: `Prefilled from ${relevant.length} finding(s) of the appliance: ${relevant.length - bad - warn} pass, ${warn} warn, ${bad} fail or error.`,
    likelihood: answer === "yes" ? 1 : 2,
    impact: 3,
    citations: q.citations,
    evidence,
  };
}

/**
 * Start a risk assessment (the yearly one or on demand), prefilled from the latest findings. By an
 * MSP technician or the security official; refused while another assessment is still unsigned.
 */
export async function startSra({
  ctx,
  input,
}: ServiceCall<{ siteId: string; trigger: "yearly" | "on-demand" }>): Promise<{ sraId: string }> {
  const state0 = await stateIn(ctx.db, input.siteId);
  if (ctx.actor.type === "admin" && ctx.actor.tokenId.startsWith("portal:"))
    await officialOf(ctx, input.siteId, state0, "start a risk assessment");
  else assertTechnician(ctx, input.siteId);
  const { findings } = await siteCompliance(ctx, input.siteId);
  const located = [...findings.values()];
  const prefill = SRA_SECTIONS.flatMap((s) => s.questions)
    .map((q) => prefillAnswer(q, located))
    .filter((a): a is SraAnsweredQuestion => a !== null);
  const sraId = newId("sra_");
  await ctx.db.transaction(async (tx) => {
    const state = await stateIn(tx, input.siteId);
    const open = [...state.sras.values()].find((s) => !s.signed);
    if (open) throw conflict(`risk assessment ${open.sraId} is still open: finish and sign it first`);
    await appendRecord(
      tx,
      ctx,
      input.siteId,
      { type: "sra-started", sraId, trigger: input.trigger, prefill },
      `risk assessment ${sraId} started (${input.trigger}), ${prefill.length} answers prefilled`,
    );
  });
  return { sraId };
}

/** Save one section's answers and remediation plan (the security official, in the portal). */
export async function saveSraSection({
  ctx,
  input,
}: ServiceCall<{ siteId: string; sraId: string; sectionId: string } & SraSectionInput>): Promise<{
  seq: number;
}> {
  const section = SRA_SECTIONS.find((s) => s.id === input.sectionId);
  if (!section) throw notFound(`no SRA section "${input.sectionId}"`);
  return ctx.db.transaction(async (tx) => {
    const state = await stateIn(tx, input.siteId);
    await officialOf(ctx, input.siteId, state, "answer the risk assessment", tx);
    const sra = state.sras.get(input.sraId);
    if (!sra) throw notFound(`no risk assessment "${input.sraId}"`);
    if (sra.signed) throw conflict(`risk assessment ${input.sraId} is signed and can no longer change`);
    const given = new Map(input.answers.map((a) => [a.questionId, a]));
    const missing = section.questions.filter((q) => !given.has(q.id)).map((q) => q.id);
    if (missing.length)
      throw badRequest(`section "${section.title}": answer every question (missing ${missing.join(", ")})`);
    const stray = [...given.keys()].filter((id) => SRA_QUESTIONS.get(id)?.sectionId !== section.id);
    if (stray.length) throw badRequest(`questions not in section "${section.title}": ${stray.join(", ")}`);
    for (const p of input.plan)
      if (!given.has(p.questionId))
        throw badRequest(`plan step names question ${p.questionId}, not in this section`);
    const gaps = section.questions.filter((q) => {
      const a = given.get(q.id)!.answer;
      return (a === "no" || a === "partial") && !input.plan.some((p) => p.questionId === q.id);
    });
    if (gaps.length)
      throw badRequest(
        `each "no" or "partial" answer needs a remediation step with an owner and a due date (${gaps.map((q) => q.id).join(", ")})`,
      );
    const answers: SraAnsweredQuestion[] = section.questions.map((q) => {
      const a = given.get(q.id)!;
      return {
        questionId: q.id,
        answer: a.answer,
        ...(a.note?.trim() ? { note: a.note.trim() } : {}),
        likelihood: a.likelihood,
        impact: a.impact,
        citations: q.citations,
        evidence: sra.prefill.get(q.id)?.evidence ?? [],
      };
    });
    const seq = await appendRecord(
      tx,
      ctx,
      input.siteId,
      { type: "sra-section-saved", sraId: input.sraId, sectionId: section.id, answers, plan: input.plan },
      `risk assessment ${input.sraId}: section "${section.title}" answered`,
    );
    return { seq };
  });
}

/** Sign a complete risk assessment (the security official): its content hash goes into the chain. */
export async function signSra({
  ctx,
  input,
}: ServiceCall<{ siteId: string; sraId: string }>): Promise<{ seq: number; contentHash: string }> {
  return ctx.db.transaction(async (tx) => {
    const state = await stateIn(tx, input.siteId);
    const me = await officialOf(ctx, input.siteId, state, "sign the risk assessment", tx);
    const sra = state.sras.get(input.sraId);
    if (!sra) throw notFound(`no risk assessment "${input.sraId}"`);
    if (sra.signed) throw conflict(`risk assessment ${input.sraId} is already signed`);
    const done = sraSectionsDone(sra);
    const open = SRA_SECTIONS.filter((s) => !done.has(s.id)).map((s) => s.title);
    if (open.length) throw badRequest(`answer every section before signing (open: ${open.join(", ")})`);
    const contentHash = sraContentHash(sra);
    const seq = await appendRecord(
      tx,
      ctx,
      input.siteId,
      { type: "sra-signed", sraId: input.sraId, contentHash, signer: { name: me.name, email: me.email } },
      `risk assessment ${input.sraId} signed by ${me.name}`,
    );
    return { seq, contentHash };
  });
}
