import type { Hono } from "hono";
import * as v from "valibot";
import { Id } from "../../../protocol/common.ts";
import type { RouteDeps } from "../deps.ts";
import { param, readJson } from "../http/body.ts";
import { type AppEnv, serviceContext } from "../http/env.ts";
import { route } from "../http/route.ts";
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
    async (c) =>
      c.json(
        await createToken({ ctx: serviceContext(c, deps), input: await readJson(c, TokenCreate, "token") }),
        201,
      ),
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
    async (c) => c.json(await listTokens({ ctx: serviceContext(c, deps) })),
  );
  route(
    app,
    deps,
    {
      method: "delete",
      path: "/api/tokens/:tokenId",
      summary: "Revoke an admin token",
      auth: { admin: "msp-admin" },
      privileged: true,
      response: Revoked,
    },
    async (c) =>
      c.json(
        await revokeToken({
          ctx: serviceContext(c, deps),
          input: { tokenId: param(Id, c.req.param("tokenId"), "tokenId") },
        }),
      ),
  );
}
