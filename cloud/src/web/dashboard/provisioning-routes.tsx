/** Provisioning: registrations by MAC and re-enrolment claims. */
import { desc, inArray } from "drizzle-orm";
import type { Hono } from "hono";
import * as v from "valibot";
import { Fingerprint, MacAddress } from "../../../../protocol/provision.ts";
import { provisions } from "../../db/schema/provisioning.ts";
import type { CloudDeps } from "../../deps.ts";
import { createProvision } from "../../provisioning/create.ts";
import { approveByFingerprint, decideClaim } from "../../provisioning/decide-claim.ts";
import { deleteProvision } from "../../provisioning/delete.ts";
import { listClaims } from "../../provisioning/list-claims.ts";
import { listSites } from "../../sites/list.ts";
import { type WebEnv, webCtx } from "../env.ts";
import { WebError } from "../errors.tsx";
import { back, done, guard } from "./handler-kit.ts";
import { ProvisioningPage } from "./provisioning-page.tsx";

/** Register the handlers of provisioning: registrations by MAC and re-enrolment claims. */
export function registerProvisioningRoutes(web: Hono<WebEnv>, deps: CloudDeps): void {
  const page = guard(deps);
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
