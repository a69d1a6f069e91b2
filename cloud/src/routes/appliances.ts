import type { Hono } from "hono";
import * as v from "valibot";
import { Id } from "../../../protocol/common.ts";
import { EnrollResponse } from "../../../protocol/provision.ts";
import { clearStale } from "../appliances/clear-stale.ts";
import { createAppliance } from "../appliances/create.ts";
import { deleteAppliance } from "../appliances/delete.ts";
import { listAppliances } from "../appliances/list.ts";
import { revokeApiKey } from "../appliances/revoke-key.ts";
import { rotateApiKey } from "../appliances/rotate-key.ts";
import { ApiKeyIssued, ApplianceCreate, ApplianceList } from "../appliances/schemas.ts";
import type { RouteDeps } from "../deps.ts";
import type { AppEnv } from "../http/env.ts";
import { idParams } from "../http/params.ts";
import { route, verbRoute } from "../http/route.ts";

const KeyRotate = v.strictObject({ revokeOthers: v.optional(v.boolean()) });
const ClearStale = v.strictObject({
  olderThanSec: v.optional(v.pipe(v.number(), v.integer(), v.minValue(3600))),
});
const Cleared = v.strictObject({ cleared: v.array(Id) });
const Deleted = v.strictObject({ applianceId: Id, deleted: v.literal(true) });
const Revoked = v.strictObject({ apiKeyId: v.string(), revoked: v.literal(true) });

/** Appliances of a site, their API keys, delete-appliance and clear-stale. */
export function registerApplianceRoutes(app: Hono<AppEnv>, deps: RouteDeps): void {
  verbRoute(
    app,
    deps,
    {
      method: "get",
      path: "/api/sites/:siteId/appliances",
      summary: "A site's appliances",
      auth: { admin: "read-only", siteParam: "siteId" },
      params: idParams("siteId"),
      response: ApplianceList,
    },
    listAppliances,
  );
  route(
    app,
    deps,
    {
      method: "post",
      path: "/api/sites/:siteId/appliances",
      summary: "Register an appliance by its identity public key; answers its API key once",
      auth: { admin: "msp-admin", siteParam: "siteId" },
      privileged: true,
      params: idParams("siteId"),
      body: ApplianceCreate,
      response: EnrollResponse,
    },
    async ({ c, ctx, params, body }) =>
      c.json(await createAppliance({ ctx, input: { ...body, siteId: params.siteId } }), 201),
  );
  route(
    app,
    deps,
    {
      method: "post",
      path: "/api/appliances/:applianceId/keys",
      summary: "Issue a new API key (optionally revoking the others)",
      auth: { admin: "msp-admin" },
      privileged: true,
      params: idParams("applianceId"),
      body: KeyRotate,
      response: ApiKeyIssued,
    },
    async ({ c, ctx, params, body }) =>
      c.json(
        await rotateApiKey({
          ctx,
          input: { applianceId: params.applianceId, revokeOthers: body.revokeOthers ?? false },
        }),
        201,
      ),
  );
  verbRoute(
    app,
    deps,
    {
      method: "delete",
      path: "/api/appliances/:applianceId/keys/:apiKeyId",
      summary: "Revoke one API key",
      auth: { admin: "msp-admin" },
      privileged: true,
      params: idParams("applianceId", "apiKeyId"),
      response: Revoked,
    },
    revokeApiKey,
  );
  verbRoute(
    app,
    deps,
    {
      method: "delete",
      path: "/api/appliances/:applianceId",
      summary: "delete-appliance: revoke its keys and open orders; its evidence stays",
      auth: { admin: "msp-admin" },
      privileged: true,
      params: idParams("applianceId"),
      response: Deleted,
    },
    deleteAppliance,
  );
  verbRoute(
    app,
    deps,
    {
      method: "post",
      path: "/api/sites/:siteId/clear-stale",
      summary: "clear-stale: retire appliances silent for longer than olderThanSec (default 7 days)",
      auth: { admin: "msp-admin", siteParam: "siteId" },
      privileged: true,
      params: idParams("siteId"),
      body: ClearStale,
      response: Cleared,
    },
    clearStale,
  );
}
