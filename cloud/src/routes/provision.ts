import type { Hono } from "hono";
import * as v from "valibot";
import { MacAddress, ProvisionCreate, ProvisionRecord } from "../../../protocol/provision.ts";
import type { RouteDeps } from "../deps.ts";
import { param, readJson } from "../http/body.ts";
import { type AppEnv, serviceContext } from "../http/env.ts";
import { route } from "../http/route.ts";
import { createProvision } from "../provisioning/create.ts";
import { deleteProvision } from "../provisioning/delete.ts";
import { lookupProvision } from "../provisioning/lookup.ts";

const Deleted = v.strictObject({ mac: v.string(), deleted: v.literal(true) });

/** GET (unauthenticated, by MAC) / POST / DELETE /api/provision/:mac. */
export function registerProvisionRoutes(app: Hono<AppEnv>, deps: RouteDeps): void {
  const macOf = (c: { req: { param(n: string): string | undefined } }) =>
    param(MacAddress, c.req.param("mac"), "mac");
  route(
    app,
    deps,
    {
      method: "get",
      path: "/api/provision/:mac",
      summary: "What an unprovisioned appliance learns by its MAC (site, cloud URL, one-time enroll code)",
      auth: "none",
      response: ProvisionRecord,
    },
    async (c) =>
      c.json(
        await lookupProvision({
          ctx: {
            ...deps,
            actor: { type: "system", name: "provision-lookup" },
            requestId: c.get("requestId"),
          },
          input: { mac: macOf(c) },
        }),
      ),
  );
  route(
    app,
    deps,
    {
      method: "post",
      path: "/api/provision/:mac",
      summary: "Register a MAC for a site (creates a one-time enroll code)",
      auth: { admin: "msp-tech" },
      body: ProvisionCreate,
      response: ProvisionRecord,
    },
    async (c) => {
      const mac = macOf(c);
      const input = await readJson(c, ProvisionCreate, "provisioning");
      return c.json(await createProvision({ ctx: serviceContext(c, deps), input: { ...input, mac } }), 201);
    },
  );
  route(
    app,
    deps,
    {
      method: "delete",
      path: "/api/provision/:mac",
      summary: "Remove a MAC's provisioning record",
      auth: { admin: "msp-tech" },
      response: Deleted,
    },
    async (c) => c.json(await deleteProvision({ ctx: serviceContext(c, deps), input: { mac: macOf(c) } })),
  );
}
