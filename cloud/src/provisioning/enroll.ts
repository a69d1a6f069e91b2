import { and, eq, isNull } from "drizzle-orm";
import type { EnrollRequest, EnrollResponse } from "../../../protocol/provision.ts";
import { registerAppliance } from "../appliances/register.ts";
import { writeAudit } from "../audit/audit.ts";
import { newId } from "../auth/secrets.ts";
import type { ServiceContext } from "../context.ts";
import { provisions } from "../db/schema/provisioning.ts";
import { forbidden, unauthorized } from "../http/errors.ts";
import { enforce } from "../ratelimit/limiter.ts";

/**
 * Exchange a one-time enroll code and a fresh identity public key for an API key. The code is
 * consumed in the same transaction that creates the appliance, so it works exactly once.
 */
export async function enroll({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: EnrollRequest;
}): Promise<EnrollResponse> {
  const code = input.enrollCode.trim().toUpperCase();
  await enforce(
    ctx.db,
    ctx.clock,
    `enroll:${code.slice(0, 64)}`,
    ctx.config.rateLimits.provisioning,
    "enroll attempts",
  );
  const now = ctx.clock.now();
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .select()
      .from(provisions)
      .where(and(eq(provisions.enrollCode, code), isNull(provisions.usedAt)))
      .for("update");
    if (!row || row.expiresAt <= now) throw unauthorized("enroll code is unknown, already used or expired");
    if (input.mac && input.mac !== row.mac) {
      throw forbidden(`enroll code was issued for MAC ${row.mac}, not ${input.mac}`);
    }
    const applianceId = newId("app-", 6);
    const { apiKey } = await registerAppliance(tx, now, {
      siteId: row.siteId,
      applianceId,
      name: row.applianceName ?? input.hostname,
      publicKey: input.publicKey,
      hostname: input.hostname,
      mac: row.mac,
      agentVersion: input.agentVersion,
    });
    await tx.update(provisions).set({ usedAt: now, applianceId }).where(eq(provisions.mac, row.mac));
    await writeAudit(
      tx,
      { ...ctx, actor: { type: "appliance", applianceId, siteId: row.siteId, apiKeyId: "enroll" } },
      {
        action: "appliance.enroll",
        target: `appliance:${applianceId}`,
        siteId: row.siteId,
        args: { mac: row.mac, publicKey: input.publicKey, hostname: input.hostname },
      },
    );
    return { siteId: row.siteId, applianceId, apiKey, cloudPublicKey: ctx.keys.publicKey };
  });
}
