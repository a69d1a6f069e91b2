/**
 * Program fixtures for tests, the browser suite and screenshots: portal people acting through
 * the program's own services, and a complete program (official, signed SRA, every policy adopted
 * and acknowledged, a BAA with its signed copy, training done).
 */
import { POLICY_LIBRARY, SRA_SECTIONS, TRAINING_COURSES } from "../../../protocol/program-catalogue.ts";
import type { ServiceContext } from "../context.ts";
import type { TestCloud } from "../testing/test-cloud.ts";
import { createPortalUser } from "../web/portal-users/create.ts";
import { attachBaaDocument, recordBaa } from "./baas.ts";
import { designateOfficial } from "./officials.ts";
import { acknowledgePolicy, adoptPolicy } from "./policies.ts";
import { saveSraSection, signSra, startSra } from "./sra.ts";
import { assignTraining, attestTraining } from "./training.ts";

/** A portal user of a site and the service context they act in. */
export interface PortalActor {
  id: string;
  email: string;
  name: string;
  ctx: ServiceContext;
}

/** Create a portal user and return their acting context (what a portal session gives). */
export async function portalActor(
  cloud: TestCloud,
  siteId: string,
  email: string,
  name: string,
): Promise<PortalActor> {
  const { id } = await createPortalUser({ ctx: cloud.systemCtx(), input: { siteId, email, name } });
  return {
    id,
    email,
    name,
    ctx: {
      ...cloud.deps,
      actor: { type: "admin", tokenId: `portal:${id}`, name: email, role: "read-only", siteId },
      requestId: null,
    },
  };
}

/** Every section of an SRA answered "yes" (low risk) by the official. */
export async function answerAllSections(official: PortalActor, siteId: string, sraId: string): Promise<void> {
  for (const s of SRA_SECTIONS) {
    await saveSraSection({
      ctx: official.ctx,
      input: {
        siteId,
        sraId,
        sectionId: s.id,
        answers: s.questions.map((q) => ({
          questionId: q.id,
          answer: q.id === "data.clearinghouse" ? "na" : "yes",
          likelihood: 1,
          impact: 2,
        })),
        plan: [],
      },
    });
  }
}

/** A complete program at `siteId`: returns the official and one staff member. */
export async function seedProgram(cloud: TestCloud, siteId: string) {
  const sys = cloud.systemCtx();
  const official = await portalActor(cloud, siteId, "dana.official@clinic.example", "Dana Official");
  const staff = await portalActor(cloud, siteId, "sam.staff@clinic.example", "Sam Staff");
  await designateOfficial({
    ctx: sys,
    input: { siteId, role: "security-official", email: official.email },
  });
  await designateOfficial({
    ctx: sys,
    input: { siteId, role: "privacy-officer", email: official.email },
  });
  const { sraId } = await startSra({ ctx: sys, input: { siteId, trigger: "yearly" } });
  await answerAllSections(official, siteId, sraId);
  await signSra({ ctx: official.ctx, input: { siteId, sraId } });
  const today = cloud.clock.now();
  const inDays = (n: number) => new Date(today.getTime() + n * 86_400_000).toISOString().slice(0, 10);
  for (const p of POLICY_LIBRARY) {
    await adoptPolicy({ ctx: official.ctx, input: { siteId, policyId: p.id } });
    for (const who of [official, staff])
      await acknowledgePolicy({ ctx: who.ctx, input: { siteId, policyId: p.id } });
  }
  const { baaId } = await recordBaa({
    ctx: sys,
    input: {
      siteId,
      vendor: "Acme EHR",
      services: "Hosted electronic health record",
      phi: ["charts", "billing"],
      signedOn: inDays(-200),
      expiresOn: inDays(165),
    },
  });
  await attachBaaDocument({
    ctx: sys,
    input: {
      siteId,
      baaId,
      contentType: "application/pdf",
      fileName: "acme-baa.pdf",
      bytes: new TextEncoder().encode("%PDF-1.4 signed BAA\n%%EOF\n"),
    },
  });
  for (const who of [official, staff]) {
    for (const c of TRAINING_COURSES) {
      const { assignmentId } = await assignTraining({
        ctx: sys,
        input: { siteId, person: { name: who.name, email: who.email }, courseId: c.id, dueOn: inDays(30) },
      });
      await attestTraining({ ctx: who.ctx, input: { siteId, assignmentId } });
    }
  }
  return { official, staff, sraId, baaId };
}
