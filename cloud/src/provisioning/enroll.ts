import { and, eq, isNull } from "drizzle-orm";
import type { EnrollRequest, EnrollResponse } from "../../../protocol/provision.ts";
import type { ServiceCall } from "../context.ts";
import { provisions } from "../db/schema/provisioning.ts";
import { forbidden, unauthorized } from "../http/errors.ts";
import { enforce } from "../ratelimit/limiter.ts";
import { admitEnrolRequest } from "./admission.ts";
import { admitAppliance } from "./admit.ts";

/**
 * Exchange a one-time enroll code (delivered out of band: USB stick, typed at the console) and a
 * fresh identity key for an API key. The code is consumed in the same transaction that creates
 * the appliance, so it works exactly once.
 */
export async function enroll({
  ctx,
  input,
}: ServiceCall<{ body: EnrollRequest; sourceAddress: string }>): Promise<EnrollResponse> {
  const body = input.body;
  await admitEnrolRequest(ctx, { kind: "enroll", body }, input.sourceAddress);
  const code = body.enrollCode.trim().toUpperCase();
  await enforce(ctx.db, ctx.clock, `enroll:${code}`, ctx.config.rateLimits.provisioning, "enroll attempts");
  const now = ctx.clock.now();
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .select()
      .from(provisions)
      .where(and(eq(provisions.enrollCode, code), isNull(provisions.usedAt)))
      .for("update");
    if (!row || row.expiresAt <= now) throw unauthorized("enroll code is unknown, already used or expired");
    if (body.mac && body.mac !== row.mac) {
      throw forbidden(`enroll code was issued for MAC ${row.mac}, not ${body.mac}`);
    }
    return admitAppliance(tx, ctx, {
      siteId: row.siteId,
      mac: row.mac,
      name: row.applianceName ?? body.hostname,
      publicKey: body.publicKey,
      hostname: body.hostname,
      agentVersion: body.agentVersion,
      predecessor: body.predecessor,
      via: "code",
    });
  });
}
