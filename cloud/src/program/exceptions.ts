/**
 * Exceptions (waivers): an MSP technician proposes one for a failing check or control with a
 * reason, a compensating control and an expiry; only the clinic's security official can accept
 * it. In force, it counts on the score as excepted and stops automatic healing of the check
 * (appliances learn it with their site config); past its expiry it fails again.
 */
import * as v from "valibot";
import { Citation, Slug } from "../../../protocol/common.ts";
import { isKnownCitation } from "../../../protocol/hipaa.ts";
import { IsoDate } from "../../../protocol/program.ts";
import { newId } from "../auth/secrets.ts";
import type { ServiceCall } from "../context.ts";
import { badRequest, conflict, notFound } from "../http/errors.ts";
import { siteCompliance } from "../web/data/compliance.ts";
import { assertTechnician, bumpConfigVersion, officialOf } from "./access.ts";
import { appendRecord, stateIn } from "./chain.ts";

/** Longest an exception may run before it must be proposed and accepted again. */
export const MAX_EXCEPTION_DAYS = 365;

const Text = v.pipe(v.string(), v.trim(), v.minLength(1, "must not be empty"), v.maxLength(2_000));

/** What a technician proposes. */
export const ExceptionProposal = v.strictObject({
  target: v.variant("kind", [
    v.strictObject({ kind: v.literal("check"), checkId: Slug }),
    v.strictObject({ kind: v.literal("control"), citation: Citation }),
  ]),
  reason: Text,
  compensatingControl: Text,
  expiresOn: IsoDate,
});
export type ExceptionProposal = v.InferOutput<typeof ExceptionProposal>;

/** Propose an exception for a check that is failing now, or a control (MSP technician). */
export async function proposeException({
  ctx,
  input,
}: ServiceCall<{ siteId: string } & ExceptionProposal>): Promise<{ exceptionId: string }> {
  assertTechnician(ctx, input.siteId);
  const today = ctx.clock.now().toISOString().slice(0, 10);
  const last = new Date(ctx.clock.now().getTime() + MAX_EXCEPTION_DAYS * 86_400_000)
    .toISOString()
    .slice(0, 10);
  if (input.expiresOn <= today || input.expiresOn > last)
    throw badRequest(
      `expiresOn must be after today and at most ${MAX_EXCEPTION_DAYS} days ahead (by ${last})`,
    );
  let citations: string[];
  if (input.target.kind === "check") {
    const checkId = input.target.checkId;
    const { findings } = await siteCompliance(ctx, input.siteId);
    const mine = [...findings.values()].filter((f) => f.checkId === checkId);
    if (!mine.some((f) => f.status === "fail" || f.status === "warn" || f.status === "error"))
      throw badRequest(`check ${checkId} is not failing at this site: only a failing check can be excepted`);
    citations = [...new Set(mine.flatMap((f) => f.citations))].sort();
    if (citations.length === 0)
      throw badRequest(`check ${checkId} is not scored (it cites no control): nothing to except`);
  } else {
    if (!isKnownCitation(input.target.citation))
      throw badRequest(`${input.target.citation} is not in the control catalogue`);
    citations = [input.target.citation];
  }
  const exceptionId = newId("exc_");
  const who = ctx.actor.type === "admin" ? ctx.actor.name : "system";
  await ctx.db.transaction(async (tx) => {
    await appendRecord(
      tx,
      ctx,
      input.siteId,
      {
        type: "exception-proposed",
        exceptionId,
        target: input.target,
        citations,
        reason: input.reason,
        compensatingControl: input.compensatingControl,
        expiresOn: input.expiresOn,
        proposedBy: who,
      },
      `exception ${exceptionId} proposed by ${who} until ${input.expiresOn}`,
    );
  });
  return { exceptionId };
}

/** Accept or decline a proposed exception (the security official, in the portal). */
export async function decideException({
  ctx,
  input,
}: ServiceCall<{
  siteId: string;
  exceptionId: string;
  decision: "accept" | "decline";
  note?: string;
}>): Promise<{ seq: number }> {
  return ctx.db.transaction(async (tx) => {
    const state = await stateIn(tx, input.siteId);
    const me = await officialOf(ctx, input.siteId, state, "accept or decline exceptions", tx);
    const e = state.exceptions.get(input.exceptionId);
    if (!e) throw notFound(`no exception "${input.exceptionId}"`);
    if (e.decision || e.revoked) throw conflict(`exception ${input.exceptionId} was already decided`);
    const person = { name: me.name, email: me.email };
    if (input.decision === "decline") {
      return {
        seq: await appendRecord(
          tx,
          ctx,
          input.siteId,
          {
            type: "exception-declined",
            exceptionId: input.exceptionId,
            by: person,
            note: (input.note ?? "").slice(0, 500),
          },
          `exception ${input.exceptionId} declined by ${me.name}`,
        ),
      };
    }
    const seq = await appendRecord(
      tx,
      ctx,
      input.siteId,
      { type: "exception-accepted", exceptionId: input.exceptionId, acceptedBy: person },
      `exception ${input.exceptionId} accepted by ${me.name} until ${e.proposed.expiresOn}`,
    );
    if (e.proposed.target.kind === "check") await bumpConfigVersion(tx, input.siteId);
    return { seq };
  });
}

/** Withdraw an exception before its expiry (MSP technician): the check is healed and scored again. */
export async function revokeException({
  ctx,
  input,
}: ServiceCall<{ siteId: string; exceptionId: string; note: string }>): Promise<{ seq: number }> {
  assertTechnician(ctx, input.siteId);
  return ctx.db.transaction(async (tx) => {
    const state = await stateIn(tx, input.siteId);
    const e = state.exceptions.get(input.exceptionId);
    if (!e || e.revoked) throw notFound(`no current exception "${input.exceptionId}"`);
    const by = ctx.actor.type === "admin" ? ctx.actor.name : "system";
    const seq = await appendRecord(
      tx,
      ctx,
      input.siteId,
      { type: "exception-revoked", exceptionId: input.exceptionId, by, note: input.note.slice(0, 500) },
      `exception ${input.exceptionId} revoked by ${by}`,
    );
    if (e.proposed.target.kind === "check") await bumpConfigVersion(tx, input.siteId);
    return { seq };
  });
}
