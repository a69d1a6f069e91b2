/** Policies: adopted per site by the security official, acknowledged by each person in the portal. */
import { eq } from "drizzle-orm";
import { POLICY_LIBRARY } from "../../../protocol/program-catalogue.ts";
import type { ServiceCall } from "../context.ts";
import { sites } from "../db/schema/sites.ts";
import { badRequest, conflict, notFound } from "../http/errors.ts";
import { officialOf, portalUserOf } from "./access.ts";
import { appendRecord, stateIn } from "./chain.ts";
import { renderPolicy } from "./policy-texts.ts";

/** Adopt (or re-adopt, as a new site version) a policy of the library with the clinic's names. */
export async function adoptPolicy({
  ctx,
  input,
}: ServiceCall<{ siteId: string; policyId: string }>): Promise<{ siteVersion: number; sha256: string }> {
  const meta = POLICY_LIBRARY.find((p) => p.id === input.policyId);
  if (!meta) throw notFound(`no policy template "${input.policyId}"`);
  return ctx.db.transaction(async (tx) => {
    const state = await stateIn(tx, input.siteId);
    const me = await officialOf(ctx, input.siteId, state, "adopt policies", tx);
    const [site] = await tx.select({ name: sites.name }).from(sites).where(eq(sites.id, input.siteId));
    if (!site) throw notFound(`no site "${input.siteId}"`);
    const security = state.officials.get("security-official")!.person.name;
    const privacy = state.officials.get("privacy-officer")?.person.name ?? security;
    const effectiveOn = ctx.clock.now().toISOString().slice(0, 10);
    const text = renderPolicy(meta.id, { clinic: site.name, security, privacy, effective: effectiveOn });
    const siteVersion = (state.policies.get(meta.id)?.adopted.siteVersion ?? 0) + 1;
    await appendRecord(
      tx,
      ctx,
      input.siteId,
      {
        type: "policy-adopted",
        policyId: meta.id,
        title: meta.title,
        templateVersion: meta.version,
        siteVersion,
        citations: meta.citations,
        clinicName: site.name,
        officers: { securityOfficial: security, privacyOfficer: privacy },
        textSha256: text.sha256,
        effectiveOn,
        adoptedBy: { name: me.name, email: me.email },
      },
      `policy "${meta.title}" v${siteVersion} adopted by ${me.name}`,
    );
    return { siteVersion, sha256: text.sha256 };
  });
}

/** The signed-in person acknowledges the current version of an adopted policy. */
export async function acknowledgePolicy({
  ctx,
  input,
}: ServiceCall<{ siteId: string; policyId: string }>): Promise<{ seq: number }> {
  const me = await portalUserOf(ctx, input.siteId);
  return ctx.db.transaction(async (tx) => {
    const state = await stateIn(tx, input.siteId);
    const p = state.policies.get(input.policyId);
    if (!p) throw badRequest(`policy "${input.policyId}" is not adopted at this site`);
    const v = p.adopted.siteVersion;
    if (p.acks.get(v)?.has(me.email)) throw conflict(`you already acknowledged "${p.adopted.title}" v${v}`);
    const seq = await appendRecord(
      tx,
      ctx,
      input.siteId,
      {
        type: "policy-acknowledged",
        policyId: input.policyId,
        siteVersion: v,
        person: { name: me.name, email: me.email },
      },
      `${me.name} acknowledged "${p.adopted.title}" v${v}`,
    );
    return { seq };
  });
}
