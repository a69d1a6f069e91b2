/** Workforce training: assignments per person and course, attested with the content version. */

import type { ProgramPerson } from "../../../protocol/program.ts";
import { TRAINING_COURSES } from "../../../protocol/program-catalogue.ts";
import { newId } from "../auth/secrets.ts";
import type { ServiceCall } from "../context.ts";
import { conflict, forbidden, notFound } from "../http/errors.ts";
import { assertTechnician, portalUserOf } from "./access.ts";
import { appendRecord, stateIn } from "./chain.ts";

/** Assign a course to a person with a due date (MSP technician). */
export async function assignTraining({
  ctx,
  input,
}: ServiceCall<{ siteId: string; person: ProgramPerson; courseId: string; dueOn: string }>): Promise<{
  assignmentId: string;
}> {
  assertTechnician(ctx, input.siteId);
  const course = TRAINING_COURSES.find((c) => c.id === input.courseId);
  if (!course)
    throw notFound(
      `no course "${input.courseId}" (courses: ${TRAINING_COURSES.map((c) => c.id).join(", ")})`,
    );
  const assignmentId = newId("trn_");
  await ctx.db.transaction(async (tx) => {
    await appendRecord(
      tx,
      ctx,
      input.siteId,
      {
        type: "training-assigned",
        assignmentId,
        person: input.person,
        courseId: course.id,
        courseTitle: course.title,
        contentVersion: course.version,
        citations: course.citations,
        dueOn: input.dueOn,
      },
      `"${course.title}" assigned to ${input.person.name}, due ${input.dueOn}`,
    );
  });
  return { assignmentId };
}

/**
 * Attest that an assignment was completed: by the person themself, or by the security official
 * on their behalf (signed-in portal users only).
 */
export async function attestTraining({
  ctx,
  input,
}: ServiceCall<{ siteId: string; assignmentId: string }>): Promise<{ seq: number }> {
  const me = await portalUserOf(ctx, input.siteId);
  return ctx.db.transaction(async (tx) => {
    const state = await stateIn(tx, input.siteId);
    const t = state.training.get(input.assignmentId);
    if (!t) throw notFound(`no training assignment "${input.assignmentId}"`);
    const isOfficial = state.officials.get("security-official")?.portalUserId === me.portalUserId;
    if (t.assigned.person.email !== me.email && !isOfficial)
      throw forbidden(`only ${t.assigned.person.name} or the security official may attest this training`);
    if (t.attested) throw conflict(`already attested on ${t.attested.completedOn}`);
    const seq = await appendRecord(
      tx,
      ctx,
      input.siteId,
      {
        type: "training-attested",
        assignmentId: input.assignmentId,
        person: t.assigned.person,
        contentVersion: t.assigned.contentVersion,
        completedOn: ctx.clock.now().toISOString().slice(0, 10),
      },
      `${t.assigned.person.name} completed "${t.assigned.courseTitle}" v${t.assigned.contentVersion}${isOfficial && t.assigned.person.email !== me.email ? ` (attested by ${me.name})` : ""}`,
    );
    return { seq };
  });
}
