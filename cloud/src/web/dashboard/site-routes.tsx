/** One site's page and its actions (orders, stale appliances, appliance removal, portal users). */
import { asc, eq } from "drizzle-orm";
import type { Hono } from "hono";
import * as v from "valibot";
import { clearStale } from "../../appliances/clear-stale.ts";
import { deleteAppliance } from "../../appliances/delete.ts";
import { assertSiteAccess } from "../../auth/permissions.ts";
import { portalUsers } from "../../db/schema/web.ts";
import type { CloudDeps } from "../../deps.ts";
import { listEvidenceAlerts } from "../../evidence/alerts.ts";
import { listIncidents } from "../../incidents/list.ts";
import { createOrders } from "../../orders/create.ts";
import { listOrders } from "../../orders/list.ts";
import { siteProgram } from "../../program/evaluate.ts";
import { getSite } from "../../sites/list.ts";
import { pageCompliance, scoreHistory } from "../data/compliance.ts";
import { incidentsByTier, receiptsByTier, recentReceipts } from "../data/fleet.ts";
import { hostNames } from "../data/host-names.ts";
import { bundleCount, siteAppliances } from "../data/site.ts";
import { type WebEnv, webCtx } from "../env.ts";
import { WebError } from "../errors.tsx";
import { HISTORY_DAYS, storedReceipt } from "../portal/routes.tsx";
import { createPortalUser, PortalUserCreate } from "../portal-users/create.ts";
import { disablePortalUser } from "../portal-users/disable.ts";
import { back, done, guard, privileged } from "./handler-kit.ts";
import { bySeverityThenAge } from "./incidents-page.tsx";
import { orderFromForm } from "./order-form.ts";
import { DashboardReceipt } from "./receipt-page.tsx";
import { siteUrl } from "./shell.tsx";
import { SitePage } from "./site-page.tsx";

/** Days in the healing-by-tier chart. */
export const TIER_DAYS = 14;

/** Register the handlers of one site's page and its actions (orders, stale appliances, appliance removal, portal users). */
export function registerSiteRoutes(web: Hono<WebEnv>, deps: CloudDeps): void {
  const page = guard(deps);
  web.get("/dashboard/sites/:siteId", page(), async (c) => {
    const ctx = webCtx(c, deps);
    const site = await getSite({ ctx, input: { siteId: c.req.param("siteId") } });
    const now = deps.clock.now();
    const program = await siteProgram(deps, site.id);
    const [
      compliance,
      history,
      tiers,
      incidentTiers,
      openIncidents,
      apps,
      orders,
      receipts,
      users,
      bundles,
      alerts,
    ] = await Promise.all([
      pageCompliance(deps, site.id, program.evaluation),
      scoreHistory(deps, site.id, HISTORY_DAYS, now, program.on),
      receiptsByTier(deps, site.id, TIER_DAYS, now),
      incidentsByTier(deps.db, site.id, TIER_DAYS, now),
      listIncidents({ ctx, input: { siteId: site.id, status: "open", limit: 100 } }).then((r) =>
        r.sort(bySeverityThenAge),
      ),
      siteAppliances(deps.db, site.id),
      listOrders({ ctx, input: { siteId: site.id, limit: 50 } }).then((r) => r.orders),
      recentReceipts(deps, site.id),
      deps.db
        .select()
        .from(portalUsers)
        .where(eq(portalUsers.siteId, site.id))
        .orderBy(asc(portalUsers.email)),
      bundleCount(deps.db, site.id),
      listEvidenceAlerts({ ctx, input: { siteId: site.id } }).then((r) => r.alerts.length),
    ]);
    const actor = c.get("actor");
    return c.html(
      <SitePage
        web={c.get("web")}
        done={done(c)}
        d={{
          site,
          role: actor.type === "admin" ? actor.role : "read-only",
          compliance,
          history,
          tiers,
          incidentTiers,
          openIncidents,
          appliances: apps,
          orders,
          receipts,
          portalUsers: users,
          bundles,
          alerts,
          staleAfterSec: deps.config.staleAfterSec,
          now,
        }}
      />,
    );
  });

  // Actions. The guard's role is the same minimum the service asserts; the service stays the authority.
  web.get("/dashboard/sites/:siteId/receipts/:applianceId/:seq/:receiptId", page(), async (c) => {
    const site = await getSite({ ctx: webCtx(c, deps), input: { siteId: c.req.param("siteId") } });
    const [{ receipt, bundle }, names] = await Promise.all([
      storedReceipt(deps, site.id, c.req.param()),
      hostNames(deps.db, site.id),
    ]);
    return c.html(
      <DashboardReceipt web={c.get("web")} site={site} r={receipt} bundle={bundle} names={names} />,
    );
  });

  web.post("/dashboard/sites/:siteId/orders", page("msp-tech"), async (c) => {
    const siteId = c.req.param("siteId");
    const form = c.get("web").form;
    const input = orderFromForm(form);
    await createOrders({ ctx: webCtx(c, deps), input: { ...input, siteId } });
    const code =
      form.done === "update-ordered" || form.done === "broadcast-created" ? form.done : "order-created";
    return back(c, siteUrl(siteId), code);
  });

  web.post("/dashboard/sites/:siteId/clear-stale", page("msp-admin"), async (c) => {
    const siteId = c.req.param("siteId");
    await privileged(c, deps);
    await clearStale({ ctx: webCtx(c, deps), input: { siteId } });
    return back(c, siteUrl(siteId), "stale-cleared");
  });

  web.post("/dashboard/sites/:siteId/appliances/:applianceId/delete", page("msp-admin"), async (c) => {
    const siteId = c.req.param("siteId");
    const ctx = webCtx(c, deps);
    assertSiteAccess(ctx.actor, siteId);
    const apps = await siteAppliances(deps.db, siteId);
    if (!apps.some((a) => a.id === c.req.param("applianceId")))
      throw new WebError(404, "Not found", "No such appliance at this site.");
    await privileged(c, deps);
    await deleteAppliance({ ctx, input: { applianceId: c.req.param("applianceId") } });
    return back(c, siteUrl(siteId), "appliance-deleted");
  });

  web.post("/dashboard/sites/:siteId/portal-users", page("msp-tech"), async (c) => {
    const siteId = c.req.param("siteId");
    const form = c.get("web").form;
    const r = v.safeParse(PortalUserCreate, {
      siteId,
      email: form.email ?? "",
      ...(form.name ? { name: form.name } : {}),
    });
    if (!r.success)
      throw new WebError(
        400,
        "Please check the form",
        `${v.getDotPath(r.issues[0]!) ?? "form"}: ${r.issues[0]!.message}`,
      );
    await createPortalUser({ ctx: webCtx(c, deps), input: r.output });
    return back(c, siteUrl(siteId), "portal-user-added");
  });

  web.post("/dashboard/sites/:siteId/portal-users/:userId/disable", page("msp-tech"), async (c) => {
    const siteId = c.req.param("siteId");
    await disablePortalUser({ ctx: webCtx(c, deps), input: { siteId, userId: c.req.param("userId") } });
    return back(c, siteUrl(siteId), "portal-user-disabled");
  });
}
