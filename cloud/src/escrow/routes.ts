import type { Hono } from "hono";
import { AGENT_API } from "../../../protocol/api.ts";
import { KeyEscrow } from "../../../protocol/ingest.ts";
import type { RouteDeps } from "../deps.ts";
import type { AppEnv } from "../http/env.ts";
import { ApiError } from "../http/errors.ts";
import { idParams } from "../http/params.ts";
import { route, verbRoute } from "../http/route.ts";
import { EscrowConfigError, type Kek, loadEscrowKek } from "./kek.ts";
import { listEscrow } from "./list.ts";
import { EscrowList, EscrowSecret, EscrowStored } from "./schemas.ts";
import { storeEscrow } from "./store.ts";
import { viewEscrow } from "./view.ts";

/** The KEK, read from `env` on first use; a missing or bad KEK answers 503 naming the variable. */
function kekFrom(env: Record<string, string | undefined>): () => Kek {
  let kek: Kek | undefined;
  return () => {
    if (kek) return kek;
    try {
      kek = loadEscrowKek(env);
      return kek;
    } catch (e) {
      if (e instanceof EscrowConfigError) throw new ApiError(503, "escrow_not_configured", e.message);
      throw e;
    }
  };
}

/**
 * POST /agent/escrow (appliance) and the msp-admin views of escrowed BitLocker recovery keys.
 * `env` supplies ESCROW_KEK_FILE / ESCROW_KEK (see kek.ts).
 */
export function registerEscrow(
  app: Hono<AppEnv>,
  deps: RouteDeps,
  env: Record<string, string | undefined>,
): void {
  const kek = kekFrom(env);
  route(
    app,
    deps,
    {
      method: "post",
      path: AGENT_API.escrow,
      summary: "Escrow a BitLocker recovery key (stored envelope-encrypted)",
      auth: "appliance",
      body: KeyEscrow,
      response: EscrowStored,
    },
    async ({ c, ctx, body }) => c.json(await storeEscrow({ ctx, input: body, kek: kek() })),
  );
  verbRoute(
    app,
    deps,
    {
      method: "get",
      path: "/api/sites/:siteId/escrow",
      summary: "Escrowed BitLocker recovery keys of a site, without the keys (msp-admin)",
      auth: { admin: "msp-admin", siteParam: "siteId" },
      params: idParams("siteId"),
      response: EscrowList,
    },
    listEscrow,
  );
  route(
    app,
    deps,
    {
      method: "get",
      path: "/api/sites/:siteId/escrow/:id",
      summary: "Reveal one BitLocker recovery key (msp-admin; every view is audited)",
      auth: { admin: "msp-admin", siteParam: "siteId" },
      privileged: true,
      params: idParams("siteId", "id"),
      response: EscrowSecret,
    },
    async ({ c, ctx, params }) => {
      c.header("cache-control", "no-store");
      return c.json(await viewEscrow({ ctx, input: params, kek: kek() }));
    },
  );
}
