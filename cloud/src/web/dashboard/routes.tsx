/**
 * MSP dashboard pages and actions. Every page needs an admin session; every action names the
 * role it needs, is CSRF-checked by the guard, goes through the same service verb as the JSON API
 * (which checks role and site scope again and writes the audit row), and redirects back.
 */
import { asc, desc, eq, inArray } from "drizzle-orm";
import type { Context, Hono } from "hono";
import * as v from "valibot";
import { Fingerprint, MacAddress } from "../../../../protocol/provision.ts";
import type { Role } from "../../actor.ts";
import { decideAlert, listAlerts } from "../../alerts/history.ts";
import { clearStale } from "../../appliances/clear-stale.ts";
import { deleteAppliance } from "../../appliances/delete.ts";
import { takePrivileged } from "../../auth/admit.ts";
import { assertSiteAccess } from "../../auth/permissions.ts";
import { provisions } from "../../db/schema/provisioning.ts";
import { portalUsers } from "../../db/schema/web.ts";
import type { CloudDeps } from "../../deps.ts";
import { listEvidenceAlerts } from "../../evidence/alerts.ts";
import { listIncidents } from "../../incidents/list.ts";
import { resolveSiteIncident } from "../../incidents/resolve.ts";
import { approveCandidate, listPatterns, rejectCandidate } from "../../learning/promote.ts";
import { createOrders } from "../../orders/create.ts";
import { decideOrder } from "../../orders/decide.ts";
import { listOrders } from "../../orders/list.ts";
import { siteProgram } from "../../program/evaluate.ts";
import { createProvision } from "../../provisioning/create.ts";
import { approveByFingerprint, decideClaim } from "../../provisioning/decide-claim.ts";
import { deleteProvision } from "../../provisioning/delete.ts";
import { listClaims } from "../../provisioning/list-claims.ts";
import { regulatoryFeed } from "../../regulatory/feed.ts";
import { getSite, listSites } from "../../sites/list.ts";
import { RUNBOOK_CATALOGUE } from "../../tools/runbook-catalogue.ts";
import { adminPage } from "../auth/guard.ts";
import { scoreHistory, siteCompliance, siteScores } from "../data/compliance.ts";
import { fleetBySite, incidentsByTier, receiptsByTier, recentReceipts } from "../data/fleet.ts";
import { bundleCount, siteAppliances } from "../data/site.ts";
import { type WebEnv, webCtx } from "../env.ts";
import { WebError } from "../errors.tsx";
import {
  evidencePageData,
  HISTORY_DAYS,
  jsonlResponse,
  keysResponse,
  kitResponse,
  storedBundle,
} from "../portal/routes.tsx";
import { createPortalUser, PortalUserCreate } from "../portal-users/create.ts";
import { disablePortalUser } from "../portal-users/disable.ts";
import { AlertsPage } from "./alerts-page.tsx";
import { DashboardEvidence } from "./evidence-page.tsx";
import { IncidentsPage } from "./incidents-page.tsx";
import { LearningPage } from "./learning-page.tsx";
import { orderFromForm } from "./order-form.ts";
import { ProvisioningPage } from "./provisioning-page.tsx";
import { RegulatoryPage } from "./regulatory-page.tsx";
import { siteUrl } from "./shell.tsx";
import { SitePage } from "./site-page.tsx";
import { SitesPage } from "./sites-page.tsx";
import { registerTargetPages } from "./targets-routes.tsx";

/** Days in the healing-by-tier chart. */
export const TIER_DAYS = 14;

/** Redirect back to a page with a `done` message code. */
const back = (c: Context, to: string, done: string) =>
  c.redirect(`${to}${to.includes("?") ? "&" : "?"}done=${done}`, 303);

/** Privileged web actions take from the same per-token budget as the privileged API routes. */
const privileged = (c: Context<WebEnv>, deps: CloudDeps) => takePrivileged(deps, c.get("actor"));

/** Register the dashboard. */
export function registerDashboard(web: Hono<WebEnv>, deps: CloudDeps): void {
  const page = (min: Role = "read-only") => adminPage(deps, min);
  const done = (c: Context<WebEnv>) => c.req.query("done");
  registerTargetPages(web, deps);

  web.get("/dashboard", page(), async (c) => {
    const ctx = webCtx(c, deps);
    const { sites } = await listSites({ ctx });
    const ids = sites.map((s) => s.id);
    const now = deps.clock.now();
    const programs = new Map(
      await Promise.all(ids.map(async (id) => [id, (await siteProgram(deps, id)).evaluation] as const)),
    );
    const [scores, fleet] = await Promise.all([
      siteScores(deps.db, ids, programs),
      fleetBySite(deps.db, ids, now),
    ]);
    return c.html(
      <SitesPage web={c.get("web")} sites={sites} scores={scores} fleet={fleet} now={now} done={done(c)} />,
    );
  });

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
      siteCompliance(deps.db, site.id, program.evaluation),
      scoreHistory(deps.db, site.id, HISTORY_DAYS, now, program.on),
      receiptsByTier(deps.db, site.id, TIER_DAYS, now),
      incidentsByTier(deps.db, site.id, TIER_DAYS, now),
      listIncidents({ ctx, input: { siteId: site.id, status: "open", limit: 100 } }),
      siteAppliances(deps.db, site.id),
      listOrders({ ctx, input: { siteId: site.id, limit: 50 } }).then((r) => r.orders),
      recentReceipts(deps.db, site.id),
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

  web.get("/dashboard/sites/:siteId/evidence", page(), async (c) => {
    const site = await getSite({ ctx: webCtx(c, deps), input: { siteId: c.req.param("siteId") } });
    const data = await evidencePageData(c, deps, site.id, siteUrl(site.id, "/evidence"));
    return c.html(<DashboardEvidence web={c.get("web")} site={site} d={data} />);
  });

  web.get("/dashboard/sites/:siteId/evidence.jsonl", page(), async (c) => {
    const site = await getSite({ ctx: webCtx(c, deps), input: { siteId: c.req.param("siteId") } });
    return jsonlResponse(c, deps, site.id);
  });

  web.get("/dashboard/sites/:siteId/kit.tar", page(), async (c) => {
    const site = await getSite({ ctx: webCtx(c, deps), input: { siteId: c.req.param("siteId") } });
    return kitResponse(c, deps, site.id);
  });

  web.get("/dashboard/sites/:siteId/keys.txt", page(), async (c) => {
    const site = await getSite({ ctx: webCtx(c, deps), input: { siteId: c.req.param("siteId") } });
    return keysResponse(deps, site.id);
  });

  web.get("/dashboard/sites/:siteId/evidence/bundle/:applianceId/:seq", page(), async (c) => {
    const site = await getSite({ ctx: webCtx(c, deps), input: { siteId: c.req.param("siteId") } });
    const b = await storedBundle(deps, site.id, c.req.param("applianceId"), c.req.param("seq"));
    // Exactly the stored, verified bytes.
    return c.body(b.raw, 200, { "content-type": "application/json; charset=utf-8" });
  });

  // Actions. The guard's role is the same minimum the service asserts; the service stays the authority.
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

  for (const decision of ["approve", "reject"] as const) {
    web.post(`/dashboard/orders/:orderId/${decision}`, page("msp-admin"), async (c) => {
      await privileged(c, deps);
      const o = await decideOrder({
        ctx: webCtx(c, deps),
        input: { orderId: c.req.param("orderId"), decision },
      });
      return back(c, siteUrl(o.siteId), decision === "approve" ? "order-approved" : "order-rejected");
    });
  }

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

  web.get("/dashboard/incidents", page(), async (c) => {
    const ctx = webCtx(c, deps);
    const { sites } = await listSites({ ctx });
    const open = (
      await Promise.all(
        sites.map((s) => listIncidents({ ctx, input: { siteId: s.id, status: "open", limit: 200 } })),
      )
    )
      .flat()
      .sort((a, b) => b.incident.openedAt.localeCompare(a.incident.openedAt));
    const actor = c.get("actor");
    return c.html(
      <IncidentsPage
        web={c.get("web")}
        l3={open.filter((x) => x.incident.tier === "L3")}
        other={open.filter((x) => x.incident.tier !== "L3")}
        canResolve={actor.type === "admin" && actor.role !== "read-only"}
        now={deps.clock.now()}
        done={done(c)}
      />,
    );
  });

  web.post(
    "/dashboard/sites/:siteId/incidents/:applianceId/:incidentId/resolve",
    page("msp-tech"),
    async (c) => {
      const siteId = c.req.param("siteId");
      const form = c.get("web").form;
      const resolution = (form.resolution ?? "").trim();
      if (!resolution || resolution.length > 500) {
        throw new WebError(
          400,
          "Please check the form",
          "Say in a few words (at most 500 characters) what was done.",
        );
      }
      await resolveSiteIncident({
        ctx: webCtx(c, deps),
        input: {
          siteId,
          applianceId: c.req.param("applianceId"),
          incidentId: c.req.param("incidentId"),
          resolution,
        },
      });
      const to = form.back === "/dashboard/incidents" ? form.back : siteUrl(siteId);
      return back(c, to, "incident-resolved");
    },
  );

  web.get("/dashboard/learning", page(), async (c) => {
    const patterns = await listPatterns({ ctx: webCtx(c, deps), input: {} });
    const actor = c.get("actor");
    const canDecide = actor.type === "admin" && actor.role === "msp-admin" && actor.siteId === null;
    return c.html(
      <LearningPage web={c.get("web")} patterns={patterns} canDecide={canDecide} done={done(c)} />,
    );
  });

  web.post("/dashboard/learning/:pattern/approve", page("msp-admin"), async (c) => {
    await privileged(c, deps);
    await approveCandidate({
      ctx: webCtx(c, deps),
      input: { pattern: c.req.param("pattern") },
      catalogue: RUNBOOK_CATALOGUE,
    });
    return back(c, "/dashboard/learning", "candidate-approved");
  });

  web.post("/dashboard/learning/:pattern/reject", page("msp-admin"), async (c) => {
    const reason = (c.get("web").form.reason ?? "").trim();
    if (!reason || reason.length > 500)
      throw new WebError(400, "Please check the form", "Say why (at most 500 characters).");
    await privileged(c, deps);
    await rejectCandidate({ ctx: webCtx(c, deps), input: { pattern: c.req.param("pattern"), reason } });
    return back(c, "/dashboard/learning", "candidate-rejected");
  });

  web.get("/dashboard/alerts", page(), async (c) => {
    const { alerts } = await listAlerts({ ctx: webCtx(c, deps), input: { limit: 200 } });
    const actor = c.get("actor");
    return c.html(
      <AlertsPage
        web={c.get("web")}
        alerts={alerts}
        canDecide={actor.type === "admin" && actor.role !== "read-only"}
        done={done(c)}
        now={deps.clock.now()}
      />,
    );
  });

  for (const action of ["ack", "resolve"] as const) {
    web.post(`/dashboard/alerts/:alertId/${action}`, page("msp-tech"), async (c) => {
      await decideAlert({ ctx: webCtx(c, deps), input: { alertId: c.req.param("alertId"), action } });
      return back(c, "/dashboard/alerts", action === "ack" ? "alert-acknowledged" : "alert-resolved");
    });
  }

  web.get("/dashboard/regulatory", page(), async (c) => {
    return c.html(<RegulatoryPage web={c.get("web")} feed={await regulatoryFeed(deps.db, { limit: 100 })} />);
  });

  web.get("/dashboard/provisioning", page(), async (c) => {
    const ctx = webCtx(c, deps);
    const { sites } = await listSites({ ctx });
    const ids = sites.map((s) => s.id);
    const rows =
      ids.length === 0
        ? []
        : await deps.db
            .select()
            .from(provisions)
            .where(inArray(provisions.siteId, ids))
            .orderBy(desc(provisions.createdAt))
            .limit(200);
    const claims = ids.length === 0 ? [] : await listClaims({ ctx, input: { siteIds: ids } });
    const actor = c.get("actor");
    const canWrite = actor.type === "admin" && actor.role !== "read-only";
    return c.html(
      <ProvisioningPage
        web={c.get("web")}
        sites={sites}
        rows={rows}
        claims={claims}
        canWrite={canWrite}
        now={deps.clock.now()}
        done={done(c)}
      />,
    );
  });

  web.post("/dashboard/provisioning", page("msp-tech"), async (c) => {
    const form = c.get("web").form;
    const mac = v.safeParse(MacAddress, form.mac ?? "");
    if (!mac.success)
      throw new WebError(400, "Please check the form", `MAC address: ${mac.issues[0]!.message}`);
    await createProvision({
      ctx: webCtx(c, deps),
      input: {
        mac: mac.output,
        siteId: form.siteId ?? "",
        ...(form.applianceName?.trim() ? { applianceName: form.applianceName.trim() } : {}),
      },
    });
    return back(c, "/dashboard/provisioning", "provisioned");
  });

  web.post("/dashboard/provisioning/claims/approve", page("msp-tech"), async (c) => {
    const form = c.get("web").form;
    const mac = v.safeParse(MacAddress, form.mac ?? "");
    if (!mac.success)
      throw new WebError(400, "Please check the form", `MAC address: ${mac.issues[0]!.message}`);
    const fp = v.safeParse(Fingerprint, form.fingerprint ?? "");
    if (!fp.success)
      throw new WebError(400, "Please check the form", `Fingerprint: ${fp.issues[0]!.message}`);
    await approveByFingerprint({ ctx: webCtx(c, deps), input: { mac: mac.output, fingerprint: fp.output } });
    return back(c, "/dashboard/provisioning", "claim-approved");
  });

  web.post("/dashboard/provisioning/claims/:claimId/approve", page("msp-tech"), async (c) => {
    const fp = v.safeParse(Fingerprint, c.get("web").form.fingerprint ?? "");
    if (!fp.success)
      throw new WebError(400, "Please check the form", `Fingerprint: ${fp.issues[0]!.message}`);
    await decideClaim({
      ctx: webCtx(c, deps),
      input: { claimId: c.req.param("claimId"), decision: { approve: true, fingerprint: fp.output } },
    });
    return back(c, "/dashboard/provisioning", "claim-approved");
  });

  web.post("/dashboard/provisioning/claims/:claimId/reject", page("msp-tech"), async (c) => {
    await decideClaim({
      ctx: webCtx(c, deps),
      input: { claimId: c.req.param("claimId"), decision: { approve: false } },
    });
    return back(c, "/dashboard/provisioning", "claim-rejected");
  });

  web.post("/dashboard/provisioning/:mac/delete", page("msp-tech"), async (c) => {
    const mac = v.safeParse(MacAddress, c.req.param("mac"));
    if (!mac.success) throw new WebError(404, "Not found", "No such registration.");
    await deleteProvision({ ctx: webCtx(c, deps), input: { mac: mac.output } });
    return back(c, "/dashboard/provisioning", "provision-deleted");
  });
}
