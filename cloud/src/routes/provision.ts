import type { Hono } from "hono";
import * as v from "valibot";
import { MacAddress, ProvisionCreate, ProvisionRecord } from "../../../protocol/provision.ts";
import type { RouteDeps } from "../deps.ts";
import type { AppEnv } from "../http/env.ts";
import { route } from "../http/route.ts";
import { createProvision } from "../provisioning/create.ts";
import { deleteProvision } from "../provisioning/delete.ts";
import { lookupProvision } from "../provisioning/lookup.ts";

const Deleted = v.strictObject({ mac: v.string(), deleted: v.literal(true) });
const MacParams = v.object({ mac: MacAddress });

/** GET (unauthenticated, by MAC) / POST / DELETE /api/provision/:mac. */
export function registerProvisionRoutes(app: Hono<AppEnv>, deps: RouteDeps): void {
  route(
    app,
    deps,
    {
      method: "get",
      path: "/api/provision/:mac",
      summary: "What an unprovisioned appliance learns by its MAC (site, cloud URL, one-time enroll code)",
      auth: "none",
      system: "provision-lookup",
      params: MacParams,
      response: ProvisionRecord,
    },
    async ({ c, ctx, params }) => c.json(await lookupProvision({ ctx, input: params })),
  );
  route(
    app,
    deps,
    {
      method: "post",
      path: "/api/provision/:mac",
      summary: "Register a MAC for a site (creates a one-time enroll code)",
      auth: { admin: "msp-tech" },
      params: MacParams,
      body: ProvisionCreate,
      response: ProvisionRecord,
    },
    async ({ c, ctx, params, body }) =>
      c.json(await createProvision({ ctx, input: { ...body, ...params } }), 201),
  );
  route(
    app,
    deps,
    {
      method: "delete",
      path: "/api/provision/:mac",
      summary: "Remove a MAC's provisioning record",
      auth: { admin: "msp-tech" },
      params: MacParams,
      response: Deleted,
    },
    async ({ c, ctx, params }) => c.json(await deleteProvision({ ctx, input: params })),
  );
}
