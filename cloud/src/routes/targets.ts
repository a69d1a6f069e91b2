import type { Hono } from "hono";
import * as v from "valibot";
import { AGENT_API } from "../../../protocol/api.ts";
import { DeviceReport } from "../../../protocol/targets.ts";
import type { RouteDeps } from "../deps.ts";
import type { AppEnv } from "../http/env.ts";
import { idParams } from "../http/params.ts";
import { route, verbRoute } from "../http/route.ts";
import { createTarget } from "../targets/create.ts";
import { deleteTarget } from "../targets/delete.ts";
import { listTargets } from "../targets/list.ts";
import { listDevices } from "../targets/list-devices.ts";
import { recordDevices } from "../targets/record-devices.ts";
import { rotateCredential } from "../targets/rotate.ts";
import { CredentialRotate, DeviceList, TargetCreate, TargetList, TargetView } from "../targets/schemas.ts";

const Deleted = v.strictObject({ id: v.string(), deleted: v.literal(true) });
const Recorded = v.strictObject({ recorded: v.number() });

/** Targets and credentials entered in the cloud, and the devices discovery reports. */
export function registerTargetRoutes(app: Hono<AppEnv>, deps: RouteDeps): void {
  verbRoute(
    app,
    deps,
    {
      method: "get",
      path: "/api/sites/:siteId/targets",
      summary: "A site's targets (no secrets: credentials are stored sealed to the appliances)",
      auth: { admin: "read-only" },
      params: idParams("siteId"),
      response: TargetList,
    },
    listTargets,
  );
  verbRoute(
    app,
    deps,
    {
      method: "post",
      path: "/api/sites/:siteId/targets",
      summary:
        "Enter a target and its credential; the credential is sealed at once (HPKE) to each appliance of the site and never stored in clear",
      auth: { admin: "msp-tech" },
      params: idParams("siteId"),
      body: TargetCreate,
      response: TargetView,
    },
    createTarget,
    201,
  );
  verbRoute(
    app,
    deps,
    {
      method: "put",
      path: "/api/sites/:siteId/targets/:targetId/credential",
      summary:
        "Rotate a target's credential: the new one replaces the old on every appliance at its next sync",
      auth: { admin: "msp-tech" },
      params: idParams("siteId", "targetId"),
      body: CredentialRotate,
      response: TargetView,
    },
    rotateCredential,
  );
  verbRoute(
    app,
    deps,
    {
      method: "delete",
      path: "/api/sites/:siteId/targets/:targetId",
      summary: "Remove a target and its sealed credentials",
      auth: { admin: "msp-tech" },
      params: idParams("siteId", "targetId"),
      response: Deleted,
    },
    deleteTarget,
  );
  route(
    app,
    deps,
    {
      method: "get",
      path: "/api/sites/:siteId/devices",
      summary: "Devices discovery found at a site, each with the target covering it (null: unmanaged)",
      auth: { admin: "read-only" },
      params: idParams("siteId"),
      query: v.strictObject({ unmanaged: v.optional(v.picklist(["1", "0"])) }),
      response: DeviceList,
    },
    async ({ c, ctx, params, query }) =>
      c.json(await listDevices({ ctx, input: { ...params, unmanagedOnly: query.unmanaged === "1" } })),
  );
  route(
    app,
    deps,
    {
      method: "post",
      path: AGENT_API.devices,
      summary: "What the appliance's discovery found on the clinic network",
      auth: "appliance",
      body: DeviceReport,
      response: Recorded,
    },
    async ({ c, ctx, body }) => c.json(await recordDevices({ ctx, input: body })),
  );
}
