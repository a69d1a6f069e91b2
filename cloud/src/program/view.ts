/** A site's program as the API and MCP show it: plain JSON from the replayed state and judgement. */
import { POLICY_LIBRARY, SRA_SECTIONS } from "../../../protocol/program-catalogue.ts";
import { sraSectionsDone } from "../../../protocol/program-state.ts";
import { assertSiteRole } from "../auth/permissions.ts";
import type { ServiceCall } from "../context.ts";
import { type SiteProgram, siteProgram } from "./evaluate.ts";

/** The JSON view of a site's program. */
export function programView(p: SiteProgram) {
  const s = p.state;
  return {
    siteId: p.siteId,
    records: s.records,
    officials: Object.fromEntries(
      [...s.officials].map(([role, o]) => [role, { ...o.person, portalUserId: o.portalUserId }]),
    ),
    sras: [...s.sras.values()].map((x) => ({
      sraId: x.sraId,
      trigger: x.trigger,
      startedAt: x.startedAt,
      sectionsDone: [...sraSectionsDone(x)],
      sections: SRA_SECTIONS.length,
      signed: x.signed
        ? { at: x.signed.at, by: x.signed.signer.name, contentHash: x.signed.contentHash }
        : null,
    })),
    policies: POLICY_LIBRARY.map((m) => {
      const a = s.policies.get(m.id);
      return {
        policyId: m.id,
        title: m.title,
        adopted: a
          ? {
              siteVersion: a.adopted.siteVersion,
              at: a.adopted.at,
              acknowledgements: a.acks.get(a.adopted.siteVersion)?.size ?? 0,
            }
          : null,
      };
    }),
    baas: [...s.baas.values()].map((b) => ({
      baaId: b.baa.baaId,
      vendor: b.baa.vendor,
      services: b.baa.services,
      phi: b.baa.phi,
      signedOn: b.baa.signedOn,
      expiresOn: b.baa.expiresOn,
      document: b.baa.document
        ? { sha256: b.baa.document.sha256, bytes: b.baa.document.bytes, fileName: b.baa.document.fileName }
        : null,
      ended: b.ended,
    })),
    training: [...s.training.values()].map((t) => ({
      assignmentId: t.assigned.assignmentId,
      person: t.assigned.person,
      courseId: t.assigned.courseId,
      contentVersion: t.assigned.contentVersion,
      dueOn: t.assigned.dueOn,
      completedOn: t.attested?.completedOn ?? null,
    })),
    exceptions: p.evaluation.exceptions,
    due: p.evaluation.due,
  };
}

/** Read a site's program (read-only and up). */
export async function getProgram({ ctx, input }: ServiceCall<{ siteId: string }>) {
  assertSiteRole(ctx.actor, "read-only", input.siteId);
  return programView(await siteProgram(ctx, input.siteId));
}
