import { eq } from "drizzle-orm";
import type { ProvisionRecord } from "../../../protocol/provision.ts";
import type { ServiceContext } from "../context.ts";
import { provisions } from "../db/schema/provisioning.ts";
import { notFound } from "../http/errors.ts";
import { enforce } from "../ratelimit/limiter.ts";
import { provisionRecord } from "./view.ts";

/**
 * What an unprovisioned appliance learns by its MAC (no credentials yet). Only unused, unexpired
 * records are served; look-ups are rate-limited per MAC.
 */
export async function lookupProvision({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { mac: string };
}): Promise<ProvisionRecord> {
  await enforce(
    ctx.db,
    ctx.clock,
    `provision:${input.mac}`,
    ctx.config.rateLimits.provisioning,
    "provisioning look-ups",
  );
  const [row] = await ctx.db.select().from(provisions).where(eq(provisions.mac, input.mac));
  if (!row || row.usedAt || row.expiresAt <= ctx.clock.now()) {
    throw notFound(`MAC ${input.mac} is not provisioned (or its record was used or expired)`);
  }
  return provisionRecord(row, ctx.config.publicUrl);
}
