import type { Hono } from "hono";
import * as v from "valibot";
import type { RouteDeps } from "../deps.ts";
import type { AppEnv } from "../http/env.ts";
import { idParams } from "../http/params.ts";
import { route, verbRoute } from "../http/route.ts";
import { createToken } from "../tokens/create.ts";
import { listTokens, revokeToken } from "../tokens/revoke.ts";
import { TokenCreate, TokenIssued } from "../tokens/schemas.ts";

const Revoked = v.strictObject({ id: v.string(), revoked: v.literal(true) });

/** Admin tokens: issue, list, revoke (fleet-wide msp-admin). */
export function registerTokenRoutes(app: Hono<AppEnv>, deps: RouteDeps): void {
  route(
    app,
    deps,
    {
      method: "post",
      path: "/api/tokens",
      summary: "Issue an admin token (secret shown once)",
      auth: { admin: "msp-admin" },
      privileged: true,
      body: TokenCreate,
      response: TokenIssued,
    },
    async ({ c, ctx, body }) => c.json(await createToken({ ctx, input: body }), 201),
  );
  route(
    app,
    deps,
    {
      method: "get",
      path: "/api/tokens",
      summary: "Admin tokens (no secrets)",
      auth: { admin: "msp-admin" },
    },
    async ({ c, ctx }) => c.json(await listTokens({ ctx })),
  );
  verbRoute(
    app,
    deps,
    {
      method: "delete",
      path: "/api/tokens/:tokenId",
      summary: "Revoke an admin token",
      auth: { admin: "msp-admin" },
      privileged: true,
      params: idParams("tokenId"),
      response: Revoked,
    },
    revokeToken,
  );
}
