import type { Hono } from "hono";
import { AGENT_API } from "../../../protocol/api.ts";
import { RekeyRequest, RekeyResponse } from "../../../protocol/provision.ts";
import type { RouteDeps } from "../deps.ts";
import type { AppEnv } from "../http/env.ts";
import { route } from "../http/route.ts";
import { rekeyAppliance } from "./rekey.ts";

/** POST /agent/rekey: an appliance replaces its identity key. */
export function registerRekey(app: Hono<AppEnv>, deps: RouteDeps): void {
  route(
    app,
    deps,
    {
      method: "post",
      path: AGENT_API.rekey,
      summary: "Replace the appliance's identity key (signed by the current and the new key)",
      auth: "appliance",
      body: RekeyRequest,
      response: RekeyResponse,
    },
    async ({ c, ctx, body }) => c.json(await rekeyAppliance({ ctx, input: body })),
  );
}
