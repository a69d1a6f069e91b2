import * as v from "valibot";
import { writeAudit } from "../../audit/audit.ts";
import { assertSiteRole } from "../../auth/permissions.ts";
import type { ServiceCall } from "../../context.ts";
import { badRequest } from "../../http/errors.ts";
import { enforce } from "../../ratelimit/limiter.ts";
import { buildKit, type Kit } from "./build.ts";

const Day = v.pipe(
  v.string(),
  v.regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date, YYYY-MM-DD"),
  v.check((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)), "must be a real date"),
);

/** A kit's period as callers name it: whole UTC days, `from` inclusive, `to` exclusive. */
export const KitPeriodInput = v.object({ from: Day, to: Day });

/** Who a download counts against: the token, the portal user, or the appliance. */
function callerKey(ctx: ServiceCall<unknown>["ctx"]): string {
  const a = ctx.actor;
  return a.type === "admin" ? a.tokenId : a.type === "appliance" ? a.applianceId : a.name;
}

/**
 * The auditor's kit of a site for whole UTC days [from, to): rate-limited per caller and written to
 * the audit log (who, which site, which period) before the archive is handed out.
 */
export async function downloadKit({
  ctx,
  input,
}: ServiceCall<{ siteId: string; from: string; to: string }>): Promise<Kit> {
  assertSiteRole(ctx.actor, "read-only", input.siteId);
  if (input.from >= input.to)
    throw badRequest(`the period's start ${input.from} is not before its end ${input.to}`);
  await enforce(
    ctx.db,
    ctx.clock,
    `kit:${callerKey(ctx)}`,
    ctx.config.rateLimits.kitDownload,
    "kit downloads",
  );
  const period = { from: `${input.from}T00:00:00.000Z`, to: `${input.to}T00:00:00.000Z` };
  const kit = await buildKit(ctx.db, ctx, input.siteId, period);
  await writeAudit(ctx.db, ctx, {
    action: "evidence.kit",
    target: kit.fileName,
    siteId: input.siteId,
    args: { ...period, bytes: kit.bytes.length },
  });
  return kit;
}
