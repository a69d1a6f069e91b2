import { and, eq } from "drizzle-orm";
import { writeAudit } from "../audit/audit.ts";
import { assertSiteRole } from "../auth/permissions.ts";
import type { ServiceContext } from "../context.ts";
import { targets } from "../db/schema/targets.ts";
import { notFound } from "../http/errors.ts";
import { getTarget } from "./list.ts";
import type { CredentialRotate, TargetView } from "./schemas.ts";
import { sealForSite } from "./seal-for-site.ts";
import { assertSecretFits, auditArgs } from "./secret-kind.ts";
import { bumpTargetsVersion } from "./site-version.ts";

/**
 * Rotate a target's credential (msp-tech): the new one, sealed to every appliance of the site,
 * replaces the old rows in the same transaction, and its version moves, so an appliance drops the
 * old credential at its next sync and a replayed old ciphertext no longer opens (the version is
 * part of what it is bound to).
 */
export async function rotateCredential({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { siteId: string; targetId: string } & CredentialRotate;
}): Promise<TargetView> {
  assertSiteRole(ctx.actor, "msp-tech", input.siteId);
  const now = ctx.clock.now();
  await ctx.db.transaction(async (tx) => {
    const [t] = await tx
      .select()
      .from(targets)
      .where(and(eq(targets.id, input.targetId), eq(targets.siteId, input.siteId)))
      .for("update");
    if (!t) throw notFound(`site ${input.siteId} has no target ${input.targetId}`);
    assertSecretFits(t.spec, input.secret);
    const version = t.credentialVersion + 1;
    await tx.update(targets).set({ credentialVersion: version, updatedAt: now }).where(eq(targets.id, t.id));
    await sealForSite(tx, { siteId: t.siteId, targetId: t.id, version, secret: input.secret, now });
    await bumpTargetsVersion(tx, t.siteId);
    await writeAudit(tx, ctx, {
      action: "target.rotate-credential",
      target: `target:${t.id}`,
      siteId: t.siteId,
      args: { version, ...auditArgs(null, input.secret) },
    });
  });
  return getTarget(ctx.db, input.siteId, input.targetId);
}
